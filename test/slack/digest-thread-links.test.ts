/**
 * The digest links each case to its card's thread, over real HTTP: cards posted with the card's "Post to
 * channel" button, the real poller and digest runner, chat.getPermalink answered by the fake Slack. The
 * permalink is asked once per card and kept; a card whose permalink Slack will not give goes unlinked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { ALICE, blockText, type Harness, startHarness } from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ vendors: ['cisco'], digests: true });
});
afterAll(async () => {
  await h?.stop();
});

let channels = 0;
function newChannel(): string {
  channels += 1;
  const id = `CTHR${String(channels).padStart(4, '0')}`;
  h.fake.channels.set(id, { id, name: `threads-${channels}`, members: [ALICE] });
  return id;
}

async function command(text: string, channel: string): Promise<string> {
  const sent = await h.slack.command(text, { channel });
  expect(sent.status).toBe(200);
  const reply = await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  return `${String(reply.body.text)}\n${blockText(reply.body.blocks)}`;
}

async function postCard(id: string, channel: string): Promise<FakeMessage> {
  const sent = await h.slack.command(`show cisco ${id}`, { channel });
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const ephemeral = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === channel).at(-1)!;
  await h.slack.pressOnMessage(
    { channel, ts: ephemeral.ts, ephemeral: true },
    { actionId: 'case.post', value: JSON.stringify({ v: 'cisco', id }) },
  );
  return h.fake.waitFor(
    () => h.fake.messagesIn(channel).find((m) => !m.visibleTo && blockText(m.blocks).includes(id)),
    'posted card',
  );
}

/** `/case digest now`: the text of the digest messages it posted. */
async function digestNow(channel: string): Promise<string> {
  const before = h.fake.messagesIn(channel).length;
  expect(await command('digest now', channel)).toContain('Posted the digest');
  return h.fake
    .messagesIn(channel)
    .slice(before)
    .map((m) => blockText(m.blocks))
    .filter((text) => text.includes('Case status digest'))
    .join('\n');
}

/** The line of the digest that opens the entry of case `id`. */
function entryLine(digest: string, id: string): string {
  const line = digest.split('\n').find((l) => l.startsWith('• ') && l.includes(id));
  if (!line) throw new Error(`no entry for ${id} in:\n${digest}`);
  return line;
}

const permalinkOf = (card: FakeMessage) =>
  `https://caseops-fake.slack.com/archives/${card.channel}/p${card.ts.replace('.', '')}`;
const permalinkCalls = () => h.fake.callsTo('chat.getPermalink').filter((c) => c.outcome === 'ok').length;

describe('digest thread links', () => {
  it("links a case with a card to the card's thread, asks Slack once per card, and leaves other cases unlinked", async () => {
    const channel = newChannel();
    const withCard = h.sims.cisco.seed({ status: 'Cisco Pending' });
    const withoutCard = h.sims.cisco.seed({ status: 'Cisco Pending' });
    expect(await command(`watch cisco ${withCard}`, channel)).toContain('Watching');
    expect(await command(`watch cisco ${withoutCard}`, channel)).toContain('Watching');
    const card = await postCard(withCard, channel);
    await h.tracking!.tracker.pollOnce();

    h.sims.cisco.advance(withCard, 'Customer Pending');
    h.sims.cisco.advance(withoutCard, 'Customer Pending');
    await h.tracking!.tracker.pollOnce();
    const calls = permalinkCalls();
    const first = await digestNow(channel);
    expect(entryLine(first, withCard)).toContain(`· <${permalinkOf(card)}|thread>`);
    expect(entryLine(first, withoutCard)).not.toContain('|thread>');
    expect(permalinkCalls()).toBe(calls + 1);

    h.sims.cisco.advance(withCard, 'Cisco Pending');
    await h.tracking!.tracker.pollOnce();
    const second = await digestNow(channel);
    expect(entryLine(second, withCard)).toContain(`· <${permalinkOf(card)}|thread>`);
    // Kept from the first digest: no second call for the same card.
    expect(permalinkCalls()).toBe(calls + 1);
  });

  it('a permalink Slack refuses leaves the link out; the next digest asks again', async () => {
    const channel = newChannel();
    const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
    expect(await command(`watch cisco ${id}`, channel)).toContain('Watching');
    const card = await postCard(id, channel);
    await h.tracking!.tracker.pollOnce();

    h.sims.cisco.advance(id, 'Customer Pending');
    await h.tracking!.tracker.pollOnce();
    h.fake.failNext('chat.getPermalink', { kind: 'error', error: 'message_not_found' });
    const first = await digestNow(channel);
    expect(entryLine(first, id)).not.toContain('|thread>');

    h.sims.cisco.advance(id, 'Cisco Pending');
    await h.tracking!.tracker.pollOnce();
    const second = await digestNow(channel);
    expect(entryLine(second, id)).toContain(`· <${permalinkOf(card)}|thread>`);
  });
});
