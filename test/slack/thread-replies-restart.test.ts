/**
 * Thread replies across a restart and across two replicas, over real HTTP: the card is posted through the Bolt
 * app, the first process's poll records the change and its reply's fate is left unknown (it died before the
 * post, or after Slack accepted it); a second process on the same store and the same Slack settles it from the
 * card's thread and the card's thread holds one reply either way. On PostgreSQL two replicas polling side by side
 * post one reply.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelCardRenderer } from '../../src/compose/app.js';
import { createStatusTracking, type StatusTracking } from '../../src/compose/status-tracking.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { FakeMessage } from '../../src/playground/fake-slack-api.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { createNotifierWebClient } from '../../src/slack/notifier.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { ALICE, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

const postgres = await postgresForTests();

let h: Harness;
let clock: SkipAheadClock;
const others: Array<{ tracking: StatusTracking; store?: Store }> = [];
let schema: TestSchema | undefined;

afterEach(async () => {
  for (const other of others.splice(0)) {
    await other.tracking.stop();
    await other.store?.close();
  }
  await h.stop();
  await schema?.drop();
  schema = undefined;
});

/** Another caseops process on `store` (the harness's own unless given) and the same fake Slack. */
async function anotherProcess(store: Store = h.store): Promise<StatusTracking> {
  const tracking = createStatusTracking({
    env: { POLL_CRON: '0 0 1 1 *', DIGEST_CRON: '0 9 * * 1-5', DIGEST_TZ: 'UTC' },
    store,
    vendors: h.vendors,
    slackClient: createNotifierWebClient({ token: h.fake.botToken, slackApiUrl: h.fake.url }),
    logger: silentLogger,
    clock,
  });
  tracking.enableCardUpdates(h.app.deps.cards, channelCardRenderer({ cases: h.app.deps.cases }));
  await tracking.start();
  others.push({ tracking, ...(store === h.store ? {} : { store }) });
  return tracking;
}

let slotSeconds = 0;
function nextSlot(): Date {
  slotSeconds += 1;
  const slot = new Date(clock.now() + slotSeconds * 1000);
  slot.setUTCMilliseconds(0);
  return slot;
}

async function pollOn(tracking: StatusTracking) {
  expect(await tracking.scheduler.fire(POLL_TASK, nextSlot())).toBe('ran');
}

async function postedCard(): Promise<{ id: string; card: FakeMessage }> {
  const id = h.sims.cisco.seed({ status: 'Cisco Pending' });
  const watched = await h.slack.command(`watch cisco ${id}`);
  await h.fake.waitForResponse((r) => r.id === watched.responseUrl?.split('/').at(-1));
  await pollOn(h.tracking!);
  const sent = await h.slack.command(`show cisco ${id}`);
  await h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
  const ephemeral = h.fake.messages.filter((m) => m.visibleTo === ALICE && m.channel === NOC).at(-1)!;
  await h.slack.pressOnMessage(
    { channel: NOC, ts: ephemeral.ts, ephemeral: true },
    { actionId: 'case.post', value: JSON.stringify({ v: 'cisco', id }) },
  );
  const card = await h.fake.waitFor(
    () => h.fake.messagesIn(NOC).find((m) => !m.threadTs && blockText(m.blocks).includes(id)),
    'posted card',
  );
  await vi.waitFor(async () => expect(await h.store.cardsFor('cisco', id)).toHaveLength(1));
  return { id, card };
}

const repliesTo = (card: FakeMessage) =>
  h.fake.messages.filter(
    (m) =>
      m.threadTs === card.ts &&
      (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_thread_update',
  );
const cardNow = (card: FakeMessage) => blockText(h.fake.messages.find((m) => m.ts === card.ts)?.blocks);

describe('thread replies across a restart', () => {
  it('died after recording the reply, before posting it: the restarted process posts it once', async () => {
    clock = new SkipAheadClock();
    h = await startHarness({ vendors: ['cisco'], digests: true, clock });
    const { id, card } = await postedCard();
    h.sims.cisco.advance(id, 'Customer Pending');
    // The post never reaches Slack and no answer comes: as if the process was killed just before it.
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 502 });
    await pollOn(h.tracking!);
    await h.tracking!.stop();
    expect(repliesTo(card)).toHaveLength(0);
    expect(await h.store.pendingThreadReplies()).toHaveLength(1);

    const restarted = await anotherProcess();
    clock.skip(3 * 60_000);
    await pollOn(restarted);
    expect(repliesTo(card)).toHaveLength(1);
    expect(blockText(repliesTo(card)[0]!.blocks)).toContain('*Waiting on us*');
    expect(cardNow(card)).toContain('1 update in thread');
    await pollOn(restarted);
    expect(repliesTo(card)).toHaveLength(1);
  });

  it('died after Slack accepted the reply, before recording so: the restarted process finds it and posts none', async () => {
    clock = new SkipAheadClock();
    h = await startHarness({ vendors: ['cisco'], digests: true, clock });
    const { id, card } = await postedCard();
    h.sims.cisco.advance(id, 'Customer Pending');
    h.fake.failNext('chat.postMessage', { kind: 'lost' });
    await pollOn(h.tracking!);
    await h.tracking!.stop();
    expect(repliesTo(card)).toHaveLength(1);

    const restarted = await anotherProcess();
    clock.skip(3 * 60_000);
    await pollOn(restarted);
    expect(repliesTo(card)).toHaveLength(1);
    expect(await h.store.pendingThreadReplies()).toEqual([]);
    expect(cardNow(card)).toContain('1 update in thread');
  });
});

describe.skipIf(!postgres.available)(
  postgres.available
    ? 'thread replies on two PostgreSQL replicas'
    : `thread replies on PostgreSQL — ${postgres.skipMessage}`,
  () => {
    it('two replicas polling and replying side by side post one reply', async () => {
      clock = new SkipAheadClock();
      schema = await createTestSchema(postgres.url);
      h = await startHarness({ vendors: ['cisco'], digests: true, clock, databaseUrl: schema.url });
      const second = await createStore({
        dataDir: 'unused',
        databaseUrl: schema.url,
        logger: silentLogger,
        now: () => new Date(clock.now()),
      });
      await second.migrate();
      const replica = await anotherProcess(second);
      const { id, card } = await postedCard();

      h.sims.cisco.advance(id, 'Customer Pending');
      // Both fire the poll at once (different slots, so both are elected): the poller lease lets one run.
      const fired = await Promise.all([
        h.tracking!.scheduler.fire(POLL_TASK, nextSlot()),
        replica.scheduler.fire(POLL_TASK, nextSlot()),
      ]);
      expect(fired).toEqual(['ran', 'ran']);
      // And the runners side by side without the lease, as after one lost it mid-run.
      await Promise.all([h.tracking!.threadReplies.runOnce(), replica.threadReplies.runOnce()]);
      h.sims.cisco.advance(id, 'Cisco Pending');
      await Promise.all([h.tracking!.threadReplies.runOnce(), replica.threadReplies.runOnce()]);
      await Promise.all([
        h.tracking!.scheduler.fire(POLL_TASK, nextSlot()),
        replica.scheduler.fire(POLL_TASK, nextSlot()),
      ]);
      await Promise.all([h.tracking!.threadReplies.runOnce(), replica.threadReplies.runOnce()]);

      const replies = repliesTo(card);
      expect(replies).toHaveLength(2);
      expect(blockText(replies[0]!.blocks)).toContain('*Waiting on us*');
      expect(blockText(replies[1]!.blocks)).toContain('*Waiting on vendor*');
      expect(cardNow(card)).toContain('2 updates in thread');
    });
  },
);
