/**
 * Replies in a case card's thread, end to end: the real Bolt app over HTTP posts the card, the real scheduler's
 * poll (fired by the test) records what the Cisco simulator changed, and the thread replies runner posts
 * through the real notifier to the fake Slack Web API, on a clock the test moves forward.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { ALICE, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

let h: Harness;
let clock: SkipAheadClock;

beforeEach(async () => {
  clock = new SkipAheadClock();
  h = await startHarness({ vendors: ['cisco', 'equinix'], digests: true, clock });
});

afterEach(async () => {
  await h.stop();
});

async function answerTo(text: string, triggerId?: string) {
  const sent = await h.slack.command(text, triggerId ? { triggerId } : {});
  expect(sent.status).toBe(200);
  const id = sent.responseUrl?.split('/').at(-1);
  const reply = await h.fake.waitForResponse((r) => r.id === id);
  return { text: `${String(reply.body.text)}\n${blockText(reply.body.blocks)}`, triggerId: sent.triggerId };
}

let slotSeconds = 0;
async function poll() {
  // A fresh second for each fire, so every fire is claimed anew.
  slotSeconds += 1;
  const slot = new Date(clock.now() + slotSeconds * 1000);
  slot.setUTCMilliseconds(0);
  expect(await h.tracking!.scheduler.fire(POLL_TASK, slot)).toBe('ran');
}

/** A watched case (Cisco unless told) with its card posted in #noc through "Post to channel". */
async function postedCard(
  status = 'Cisco Pending',
  vendor: 'cisco' | 'equinix' = 'cisco',
): Promise<{ id: string; card: FakeMessage }> {
  const id = vendor === 'cisco' ? h.sims.cisco.seed({ status }) : h.sims.equinix.seed();
  expect((await answerTo(`watch ${vendor} ${id}`)).text).toContain('Watching');
  await poll();
  const sent = await h.slack.command(`show ${vendor} ${id}`);
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const ephemeral = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
  await h.slack.pressOnMessage(
    { channel: NOC, ts: ephemeral.ts, ephemeral: true },
    { actionId: 'case.post', value: JSON.stringify({ v: vendor, id }) },
  );
  const card = await h.fake.waitFor(
    () => h.fake.messagesIn(NOC).find((m) => !m.threadTs && blockText(m.blocks).includes(id)),
    'posted card',
  );
  await vi.waitFor(async () => expect(await h.store.cardsFor(vendor, id)).toHaveLength(1));
  return { id, card };
}

const repliesTo = (card: FakeMessage) =>
  h.fake.messages.filter(
    (m) =>
      m.threadTs === card.ts &&
      (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_thread_update',
  );

const replyPosts = () =>
  h.fake
    .callsTo('chat.postMessage')
    .filter(
      (c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_thread_update',
    );

const cardNow = (card: FakeMessage) => blockText(h.fake.messages.find((m) => m.ts === card.ts)?.blocks);

describe('thread replies over HTTP', () => {
  it('a polled status change writes one reply in the card thread, not broadcast, and the card counts it', async () => {
    const { id, card } = await postedCard('Cisco Pending');
    await poll();
    expect(repliesTo(card)).toHaveLength(0);

    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    const replies = repliesTo(card);
    expect(replies).toHaveLength(1);
    const text = blockText(replies[0]!.blocks);
    expect(text).toContain('Waiting on vendor → *Waiting on us*');
    expect(text).toContain('Cisco Pending → Customer Pending');
    expect(text).toMatch(/:stopwatch: Waiting on us for \d+ min/);
    expect(replyPosts()).toHaveLength(1);
    expect(replyPosts()[0]!.args.thread_ts).toBe(card.ts);
    expect(replyPosts()[0]!.args).not.toHaveProperty('reply_broadcast');
    expect(replies[0]!.metadata).toMatchObject({
      event_type: 'caseops_thread_update',
      event_payload: { channel: NOC, card_ts: card.ts },
    });
    expect(cardNow(card)).toContain('1 update in thread');

    // Nothing new: nothing more.
    await poll();
    expect(repliesTo(card)).toHaveLength(1);
  });

  it('a vendor note writes one reply saying who wrote what, its text inert', async () => {
    const { id, card } = await postedCard('Cisco Pending');
    h.sims.cisco.addNote(id, {
      text: 'Replaced the line card <!channel>\nPlease retest',
      author: 'Josh Engineer',
    });
    await poll();
    const replies = repliesTo(card);
    expect(replies).toHaveLength(1);
    const text = blockText(replies[0]!.blocks);
    expect(text).toContain('Josh Engineer (Cisco) wrote:');
    expect(text).toContain('Replaced the line card &lt;!channel&gt;');
    expect(text).toContain('Please retest');
    expect(text).not.toContain('<!channel>');
    expect(cardNow(card)).toContain('1 update in thread');
  });

  it('one reply per poll covers every change since the last, and the count grows', async () => {
    const { id, card } = await postedCard('Cisco Pending');
    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    h.sims.cisco.setOwner(id, 'Marco Bianchi');
    h.sims.cisco.addNote(id, { text: 'Taking this over', author: 'Marco Bianchi' });
    await poll();
    const replies = repliesTo(card);
    expect(replies).toHaveLength(2);
    const second = blockText(replies[1]!.blocks);
    expect(second).toContain('*Marco Bianchi*');
    expect(second).toContain('Marco Bianchi (Cisco) wrote:');
    expect(cardNow(card)).toContain('2 updates in thread');
  });

  it('a note sent from Slack, its /case note redelivered, gives one reply', async () => {
    const { id, card } = await postedCard('', 'equinix');
    const first = await answerTo(`note eqx ${id} Rebooted the router`);
    const again = await answerTo(`note eqx ${id} Rebooted the router`, first.triggerId);
    expect(again.text).toContain('not added twice');
    await poll();
    await poll();
    const replies = repliesTo(card);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0]!.blocks)).toContain(`<@${ALICE}> sent a note to Equinix from Slack:`);
    expect(blockText(replies[0]!.blocks)).toContain('Rebooted the router');
  });

  it("Slack's answer to the reply lost, then the next polls: the reply is found in the thread, not posted again", async () => {
    const { id, card } = await postedCard('Cisco Pending');
    h.sims.cisco.advance(id, 'Customer Pending');
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    await poll();
    expect(repliesTo(card)).toHaveLength(1);
    expect(cardNow(card)).not.toContain('in thread');
    // Soon after, the pending reply may still be in flight elsewhere: it is left alone.
    await poll();
    expect(repliesTo(card)).toHaveLength(1);

    clock.skip(3 * 60_000);
    await poll();
    expect(repliesTo(card)).toHaveLength(1);
    expect(replyPosts()).toHaveLength(1);
    const read = h.fake.callsTo('conversations.replies').at(-1);
    expect(read?.args).toMatchObject({ ts: card.ts, include_all_metadata: 'true' });
    expect(cardNow(card)).toContain('1 update in thread');

    // The next change gets its own reply.
    h.sims.cisco.advance(id, 'Cisco Pending');
    await poll();
    expect(repliesTo(card)).toHaveLength(2);
    expect(cardNow(card)).toContain('2 updates in thread');
  });

  it('Slack refusing the reply leaves nothing pending: the next poll posts it', async () => {
    const { id, card } = await postedCard('Cisco Pending');
    h.sims.cisco.advance(id, 'Customer Pending');
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'internal_error' });
    await poll();
    expect(repliesTo(card)).toHaveLength(0);
    await poll();
    expect(repliesTo(card)).toHaveLength(1);
  });

  it('a channel set to digest gets no replies; set back, one reply covers what happened meanwhile', async () => {
    const { id, card } = await postedCard('Cisco Pending');
    expect((await answerTo('updates digest')).text).toContain('Updates set.');
    h.sims.cisco.advance(id, 'Customer Pending');
    await poll();
    await poll();
    expect(repliesTo(card)).toHaveLength(0);
    expect(replyPosts()).toHaveLength(0);

    await answerTo('updates both');
    await poll();
    const replies = repliesTo(card);
    expect(replies).toHaveLength(1);
    expect(blockText(replies[0]!.blocks)).toContain('*Waiting on us*');
  });
});
