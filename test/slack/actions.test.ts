/**
 * Every button over real HTTP: on case cards (ephemeral and posted), list pages, the watching list and App
 * Home. The presser sees the fake Slack's recorded answers; the vendor's side is the simulators' logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { ALICE, blockText, type Harness, NOC, NOT_JOINED, startHarness } from '../support/slack-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ref = (vendor: string, id: string) => JSON.stringify({ v: vendor, id });
const mark = () => h.fake.calls.length;
const responsesMark = () => h.fake.responses.length;

/** `/case show` in NOC; returns the ephemeral card the fake holds. */
async function ephemeralCard(vendor: string, id: string, channel = NOC): Promise<FakeMessage> {
  const sent = await h.slack.command(`show ${vendor} ${id}`, { channel });
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const card = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === channel).at(-1);
  if (!card) throw new Error('no ephemeral card');
  return card;
}

/** A card posted in NOC through the card's own "Post to channel" button. */
async function postedCard(vendor: string, id: string): Promise<FakeMessage> {
  const card = await ephemeralCard(vendor, id);
  await h.slack.pressOnMessage(
    { channel: NOC, ts: card.ts, ephemeral: true },
    { actionId: 'case.post', value: ref(vendor, id) },
  );
  return h.fake.waitFor(
    () => h.fake.messagesIn(NOC).find((m) => blockText(m.blocks).includes(id)),
    'posted card',
  );
}

function buttonsOf(message: { blocks?: unknown[] }): string[] {
  return [...JSON.stringify(message.blocks ?? []).matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('case card buttons', () => {
  it('Post to channel: posts the card once, even pressed twice at once, and remembers it', async () => {
    const id = h.sims.equinix.seed({ description: 'Posted twice?' });
    const card = await ephemeralCard('equinix', id);
    const from = mark();
    const press = () =>
      h.slack.pressOnMessage(
        { channel: NOC, ts: card.ts, ephemeral: true },
        { actionId: 'case.post', value: ref('equinix', id) },
      );
    const [a, b] = await Promise.all([press(), press()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.fake.waitFor(() => (card.edits > 0 ? true : undefined), 'the ephemeral card replaced');
    await new Promise((r) => setTimeout(r, 200));
    const posts = h.fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.channel).toBe(NOC);
    expect(blockText(card.blocks)).toContain(`Posted Equinix case \`${id}\` in this channel.`);
    const posted = h.fake.messagesIn(NOC).find((m) => blockText(m.blocks).includes(id));
    expect(buttonsOf(posted!)).not.toContain('case.post');
    expect(await h.store.cardsFor('equinix', id)).toEqual([
      expect.objectContaining({ channelId: NOC, ts: posted!.ts }),
    ]);
  });

  it('Post to channel where caseops cannot post: the presser is told why, and may press again later', async () => {
    const id = h.sims.equinix.seed();
    const card = await ephemeralCard('equinix', id, NOT_JOINED);
    const before = responsesMark();
    await h.slack.pressOnMessage(
      { channel: NOT_JOINED, ts: card.ts, ephemeral: true },
      { actionId: 'case.post', value: ref('equinix', id) },
    );
    const told = await h.fake.waitForResponse((r) => h.fake.responses.indexOf(r) >= before);
    expect(String(told.body.text)).toContain('/invite @caseops');
    const from = mark();
    await h.slack.pressOnMessage(
      { channel: NOT_JOINED, ts: card.ts, ephemeral: true },
      { actionId: 'case.post', value: ref('equinix', id) },
    );
    await h.fake.waitForCall('chat.postMessage', (c) => h.fake.calls.indexOf(c) >= from);
  });

  it('Refresh on a posted card updates it in place with the vendor’s new status', async () => {
    const id = h.sims.equinix.seed();
    const posted = await postedCard('equinix', id);
    h.sims.equinix.advance(id, 'RESOLVED');
    await h.slack.pressOnMessage(
      { channel: NOC, ts: posted.ts, blocks: posted.blocks },
      { actionId: 'case.refresh', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (posted.edits > 0 ? true : undefined), 'card updated');
    expect(blockText(posted.blocks)).toContain('Resolved');
    expect(h.fake.messagesIn(NOC).filter((m) => blockText(m.blocks).includes(id))).toHaveLength(1);
  });

  it('Refresh on an ephemeral card replaces it through response_url', async () => {
    const id = h.sims.equinix.seed();
    const card = await ephemeralCard('equinix', id);
    h.sims.equinix.advance(id, 'ACTION_REQUIRED');
    await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.refresh', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (card.edits > 0 ? true : undefined), 'card replaced');
    expect(blockText(card.blocks)).toContain('Waiting on us');
  });

  it('Watch then Unwatch on a posted card: persisted, the card says so, the presser is told', async () => {
    const id = h.sims.equinix.seed();
    const posted = await postedCard('equinix', id);
    expect(buttonsOf(posted)).toContain('case.watch');
    await h.slack.pressOnMessage(
      { channel: NOC, ts: posted.ts, blocks: posted.blocks },
      { actionId: 'case.watch', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (posted.edits > 0 ? true : undefined), 'card updated');
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([
      expect.objectContaining({ channelId: NOC, createdBy: ALICE }),
    ]);
    expect(blockText(posted.blocks)).toContain('Watched in this channel');
    expect(buttonsOf(posted)).toContain('case.unwatch');
    await h.fake.waitForResponse((r) => String(r.body.text).includes('is watching this case here'));

    await h.slack.pressOnMessage(
      { channel: NOC, ts: posted.ts, blocks: posted.blocks },
      { actionId: 'case.unwatch', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (posted.edits > 1 ? true : undefined), 'card updated again');
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([]);
    expect(buttonsOf(posted)).toContain('case.watch');
  });

  it('Watch on an ephemeral card watches in its channel and replaces the card', async () => {
    const id = h.sims.equinix.seed();
    const card = await ephemeralCard('equinix', id);
    await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.watch', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (card.edits > 0 ? true : undefined), 'card replaced');
    expect(blockText(card.blocks)).toContain('is watching this case here');
    expect(await h.store.watchesOfCase('equinix', id)).toHaveLength(1);
  });

  it('Add note and Cancel open their forms on the trigger', async () => {
    const id = h.sims.equinix.seed();
    const card = await ephemeralCard('equinix', id);
    for (const [actionId, callbackId] of [
      ['case.note', 'add_note'],
      ['case.cancel', 'cancel_case'],
    ] as const) {
      const sent = await h.slack.pressOnMessage(
        { channel: NOC, ts: card.ts, ephemeral: true },
        { actionId, value: ref('equinix', id) },
      );
      const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
      expect(opened.outcome).toBe('ok');
      expect((opened.args.view as { callback_id: string }).callback_id).toBe(callbackId);
    }
  });

  it('a button for something the vendor does not allow gets the vendor’s reason, not a form', async () => {
    const id = h.sims.cisco.seed();
    const card = await ephemeralCard('cisco', id);
    const before = responsesMark();
    const sent = await h.slack.pressOnMessage(
      { channel: NOC, ts: card.ts, ephemeral: true },
      { actionId: 'case.note', value: ref('cisco', id) },
    );
    const told = await h.fake.waitForResponse((r) => h.fake.responses.indexOf(r) >= before);
    expect(String(told.body.text)).toMatch(/Cisco does not allow adding notes through its API/);
    expect(h.fake.callsTo('views.open').some((c) => c.args.trigger_id === sent.triggerId)).toBe(false);
  });

  it('a tampered button value is refused in plain words', async () => {
    const before = responsesMark();
    await h.slack.pressOnMessage(
      { channel: NOC, ts: '1.000001', ephemeral: true },
      { actionId: 'case.refresh', value: '{"v":"acme","id":"1"}' },
    );
    const told = await h.fake.waitForResponse((r) => h.fake.responses.indexOf(r) >= before);
    expect(String(told.body.text)).toContain('This button is out of date');
  });

  it('the portal link button is only acknowledged', async () => {
    const from = mark();
    const sent = await h.slack.pressOnMessage(
      { channel: NOC, ts: '1.000002', ephemeral: true },
      { actionId: 'case.portal', value: ref('equinix', '11150929') },
    );
    expect(sent.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.fake.calls.slice(from)).toEqual([]);
  });
});

describe('list and watching buttons', () => {
  it('Next and Previous page through the list in place; Show posts the card just for the presser', async () => {
    h.sims.cisco.seedMany(15, { contractId: '55500002' });
    const sent = await h.slack.command('list cisco contract 55500002');
    await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    const list = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
    const next = JSON.stringify(list.blocks).match(
      /"action_id":"list\.page\.next"[^}]*"value":"((?:[^"\\]|\\.)*)"/,
    );
    const nextValue = JSON.parse(`"${next?.[1]}"`) as string;
    const ciscoCallsBefore = h.sims.cisco.requests.length;
    await h.slack.pressOnMessage(
      { channel: NOC, ts: list.ts, ephemeral: true },
      { actionId: 'list.page.next', value: nextValue },
    );
    await h.fake.waitFor(() => (list.edits > 0 ? true : undefined), 'page 2');
    expect(blockText(list.blocks)).toContain('page 2 of 2');
    expect(buttonsOf(list)).toContain('list.page.prev');
    // The page came from the list read for the command: Cisco's pages were not walked again.
    expect(h.sims.cisco.requests.length).toBe(ciscoCallsBefore);

    const showValue = /"action_id":"case\.show"[^}]*"value":"((?:[^"\\]|\\.)*)"/.exec(
      JSON.stringify(list.blocks),
    )?.[1];
    const before = responsesMark();
    await h.slack.pressOnMessage(
      { channel: NOC, ts: list.ts, ephemeral: true },
      { actionId: 'case.show', value: JSON.parse(`"${showValue}"`) as string },
    );
    const card = await h.fake.waitForResponse((r) => h.fake.responses.indexOf(r) >= before);
    expect(card.body.replace_original).toBe(false);
    expect(JSON.stringify(card.body.blocks)).toContain('case.refresh');
  });

  it('Unwatch in the watching list removes the watch and redraws the list', async () => {
    const id = h.sims.equinix.seed();
    await h.slack.command(`watch eqx ${id}`);
    await waitForWatch(id);
    const sent = await h.slack.command('watching');
    await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
    const list = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
    expect(blockText(list.blocks)).toContain(id);
    await h.slack.pressOnMessage(
      { channel: NOC, ts: list.ts, ephemeral: true },
      { actionId: 'watching.unwatch', value: ref('equinix', id) },
    );
    await h.fake.waitFor(() => (list.edits > 0 ? true : undefined), 'list redrawn');
    expect(blockText(list.blocks)).not.toContain(id);
    expect(await h.store.watchesOfCase('equinix', id)).toEqual([]);
  });
});

async function waitForWatch(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await h.store.watchesOfCase('equinix', id)).length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('watch never stored');
}
