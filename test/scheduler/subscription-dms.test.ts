/**
 * "Notify me" direct messages over the real store (SQLite) with a controlled clock: one message per change,
 * one per case per run however much changed, none during the person's night (what came in then goes out in
 * one message when their morning begins), none after unsubscribing, and none twice after a lost answer, a
 * refusal or a restart. On SQLite, and on PostgreSQL where it can be reached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import { StaleLeaseError } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { RECONCILE_MIN_AGE_MS } from '../../src/scheduler/nudge-runner.js';
import {
  type DueSubscriptionDm,
  SubscriptionDmNotPostedError,
  type SubscriptionDmPublisher,
  SubscriptionDmRunner,
} from '../../src/scheduler/subscription-dm-runner.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const postgres = await postgresForTests();
const DIALECTS = postgres.available ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

const ALICE = 'UALICE01';
const BOB = 'UBOB0001';
const CASE_ID = '698123456';
const MIN = 60_000;
/** 11:00 in Amsterdam (UTC+1 in March). */
const T0 = Date.parse('2026-03-10T10:00:00Z');

class ManualClock implements Clock {
  constructor(public time: number) {}
  now() {
    return this.time;
  }
  async sleep() {}
  advance(ms: number) {
    this.time += ms;
  }
}

/** Slack as far as these messages go: one DM channel per person, an answer that can be lost or refused. */
class MemorySlack implements SubscriptionDmPublisher {
  readonly posted: Array<{ channelId: string; dm: DueSubscriptionDm; ts: string; at: number }> = [];
  readonly zones = new Map<string, string>([
    [ALICE, 'Europe/Amsterdam'],
    [BOB, 'America/New_York'],
  ]);
  timezoneCalls = 0;
  loseNextAnswer = false;
  refuseNext = false;
  historyDown = false;
  private seq = 0;
  constructor(private readonly clock: ManualClock) {}
  async openDm(userId: string) {
    return `D${userId.slice(1)}`;
  }
  async timezoneOf(userId: string) {
    this.timezoneCalls++;
    return this.zones.get(userId);
  }
  async post(channelId: string, dm: DueSubscriptionDm): Promise<string> {
    if (this.refuseNext) {
      this.refuseNext = false;
      throw new SubscriptionDmNotPostedError('Slack refused the call: ratelimited');
    }
    const ts = `${Math.floor(this.clock.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    this.posted.push({ channelId, dm, ts, at: this.clock.now() });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new Error('socket hang up');
    }
    return ts;
  }
  async findPosted(channelId: string, since: string) {
    if (this.historyDown) throw new Error('conversations.history: 503');
    return this.posted
      .filter((p) => p.channelId === channelId && p.at >= Date.parse(since))
      .map((p) => ({ key: p.dm.key, ts: p.ts }));
  }
  to(userId: string) {
    return this.posted.filter((p) => p.channelId === `D${userId.slice(1)}`);
  }
}

function ciscoCase(changes: Partial<Case> = {}): Case {
  return {
    vendor: 'cisco',
    id: CASE_ID,
    alternateIds: [],
    title: 'Core switch reloads',
    status: 'Cisco Pending',
    state: 'waiting-on-vendor',
    notes: [],
    fields: [],
    ...changes,
  };
}

describe.each(DIALECTS)('subscription direct messages (%s)', (dialect) => {
  let dir: string;
  let schema: TestSchema | undefined;
  let store: Store;
  let clock: ManualClock;
  let slack: MemorySlack;
  const runner = (s: Store = store) =>
    new SubscriptionDmRunner({ store: s, publisher: slack, logger: silentLogger, clock });
  const observe = (changes: Partial<Case>) =>
    store.recordObservation(ciscoCase(changes), new Date(clock.now()).toISOString());
  const kinds = (dm: DueSubscriptionDm) => dm.events.map((e) => e.kind);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caseops-subscriptions-'));
    clock = new ManualClock(T0);
    slack = new MemorySlack(clock);
    schema = dialect === 'postgres' ? await createTestSchema(postgres.url) : undefined;
    store = await createStore({
      dataDir: dir,
      databaseUrl: schema?.url,
      logger: silentLogger,
      now: () => new Date(clock.now()),
    });
    await store.migrate();
    await observe({});
    expect(await store.addSubscription({ userId: ALICE, vendor: 'cisco', caseId: CASE_ID })).toBe(true);
  });

  afterEach(async () => {
    await store.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one message per change, and nothing when nothing changed', async () => {
    expect((await runner().runOnce()).posted).toBe(0);

    clock.advance(5 * MIN);
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    expect((await runner().runOnce()).posted).toBe(1);
    expect(kinds(slack.to(ALICE)[0]!.dm)).toEqual(['status']);

    clock.advance(5 * MIN);
    expect((await runner().runOnce()).posted).toBe(0);

    clock.advance(5 * MIN);
    await observe({
      status: 'Customer Pending',
      state: 'waiting-on-customer',
      owner: 'Jane TAC',
    });
    await runner().runOnce();
    expect(slack.to(ALICE)).toHaveLength(2);
    expect(kinds(slack.to(ALICE)[1]!.dm)).toEqual(['owner']);
    expect(slack.to(BOB)).toHaveLength(0);
  });

  it('aggregates everything recorded since the last run into one message per case', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    await observe({
      status: 'Customer Pending',
      state: 'waiting-on-customer',
      owner: 'Jane TAC',
      notes: [
        { text: 'Please send the crash file', author: 'Jane TAC', createdAt: new Date(T0).toISOString() },
      ],
    });
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor', owner: 'Jane TAC', severity: '2' });
    const report = await runner().runOnce();
    expect(report.posted).toBe(1);
    const [only] = slack.to(ALICE);
    // Severity is not among what a subscriber hears about; the message still covers its event.
    expect(kinds(only!.dm)).toEqual(['status', 'owner', 'note', 'status']);
    expect(only!.dm.toEventId).toBeGreaterThan(only!.dm.events.at(-1)!.id);
    clock.advance(MIN);
    expect((await runner().runOnce()).posted).toBe(0);
  });

  it('sends nothing during the night and the held changes in one message when the morning begins', async () => {
    // 22:30 in Amsterdam.
    clock.time = Date.parse('2026-03-10T21:30:00Z');
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    expect(await runner().runOnce()).toMatchObject({ posted: 0, held: 1 });
    clock.time = Date.parse('2026-03-11T02:00:00Z');
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer', owner: 'Night TAC' });
    expect(await runner().runOnce()).toMatchObject({ posted: 0, held: 1 });
    // 06:59 local: still night.
    clock.time = Date.parse('2026-03-11T05:59:00Z');
    await runner().runOnce();
    expect(slack.to(ALICE)).toHaveLength(0);
    // 07:00 local: one message with both changes, once.
    clock.time = Date.parse('2026-03-11T06:00:00Z');
    expect((await runner().runOnce()).posted).toBe(1);
    clock.advance(MIN);
    await runner().runOnce();
    expect(slack.to(ALICE)).toHaveLength(1);
    expect(kinds(slack.to(ALICE)[0]!.dm)).toEqual(['status', 'owner']);
    // Slack's time zone is asked once a day, not every run.
    expect(slack.timezoneCalls).toBe(1);
  });

  it('reads the night in the hours the person chose', async () => {
    await store.saveSubscriberSettings({ userId: ALICE, night: { from: '10:30', to: '12:00' } });
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    expect(await runner().runOnce()).toMatchObject({ posted: 0, held: 1 });
    clock.time = Date.parse('2026-03-10T11:00:00Z');
    expect((await runner().runOnce()).posted).toBe(1);
  });

  it('sends nothing after the person unsubscribed, and only new changes after subscribing again', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    expect(await store.removeSubscription(ALICE, 'cisco', CASE_ID)).toBe(true);
    await runner().runOnce();
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor' });
    await runner().runOnce();
    expect(slack.posted).toHaveLength(0);

    await store.addSubscription({ userId: ALICE, vendor: 'cisco', caseId: CASE_ID });
    await runner().runOnce();
    expect(slack.posted).toHaveLength(0);
    await observe({ status: 'Resolved', state: 'resolved' });
    await runner().runOnce();
    expect(slack.to(ALICE)).toHaveLength(1);
    expect(slack.to(ALICE)[0]!.dm.events.map((e) => e.toStatus)).toEqual(['Resolved']);
  });

  it('a lost answer is looked for in the conversation, not sent again, and later changes still come', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    slack.loseNextAnswer = true;
    expect((await runner().runOnce()).posted).toBe(0);
    expect(slack.posted).toHaveLength(1);
    // Too young to look for: it may still be in flight elsewhere, so nothing more is sent about the case.
    clock.advance(MIN);
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer', owner: 'Jane TAC' });
    await runner().runOnce();
    expect(slack.posted).toHaveLength(1);
    // A restart (a new runner on the same store) after the minimum age finds it and sends only the rest.
    clock.advance(RECONCILE_MIN_AGE_MS);
    const report = await runner().runOnce();
    expect(report).toMatchObject({ reconciled: 1, posted: 1 });
    expect(slack.posted.map((p) => kinds(p.dm))).toEqual([['status'], ['owner']]);
  });

  it('a message Slack refused, or one that never arrived, is sent again (once)', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    slack.refuseNext = true;
    await runner().runOnce();
    expect(slack.posted).toHaveLength(0);
    clock.advance(MIN);
    await runner().runOnce();
    expect(slack.posted).toHaveLength(1);

    // A pending row whose message Slack does not have: looked for, then sent.
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor' });
    slack.loseNextAnswer = true;
    await runner().runOnce();
    slack.posted.pop();
    clock.advance(RECONCILE_MIN_AGE_MS + MIN);
    slack.historyDown = true;
    await runner().runOnce();
    expect(slack.posted).toHaveLength(1);
    slack.historyDown = false;
    await runner().runOnce();
    expect(slack.posted).toHaveLength(2);
    clock.advance(MIN);
    await runner().runOnce();
    expect(slack.posted).toHaveLength(2);
  });

  it('a runner whose poller lease was taken over records nothing, and the new holder does not send again', async () => {
    const stale = (await store.acquireLease('poller', 'replica-a', 30_000))!;
    await store.releaseLease('poller', 'replica-a');
    const current = (await store.acquireLease('poller', 'replica-b', 30_000))!;
    expect(current.generation).toBeGreaterThan(stale.generation);
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    await expect(runner().runOnce(undefined, stale)).rejects.toBeInstanceOf(StaleLeaseError);
    expect(slack.posted).toHaveLength(1);
    clock.advance(RECONCILE_MIN_AGE_MS);
    expect(await runner().runOnce(undefined, current)).toMatchObject({ reconciled: 1, posted: 0 });
    clock.advance(MIN);
    await runner().runOnce(undefined, current);
    expect(slack.posted).toHaveLength(1);
  });

  it('lists subscribed cases for the poller, once each', async () => {
    await store.addSubscription({ userId: BOB, vendor: 'cisco', caseId: CASE_ID });
    expect(await store.subscribedCases()).toEqual([{ vendor: 'cisco', caseId: CASE_ID }]);
    expect(await store.addSubscription({ userId: BOB, vendor: 'cisco', caseId: CASE_ID })).toBe(false);
  });
});
