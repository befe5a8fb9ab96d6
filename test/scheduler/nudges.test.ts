/**
 * Nudges over the real store (SQLite) with a controlled clock: one after the threshold, one more after each
 * further period up to 3, none in quiet hours (the one due then comes when they end), none once the case
 * leaves the state, none twice after a restart or a lost answer; Snooze and Done hold them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import { NudgeService } from '../../src/domain/use-cases/nudges.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type DueNudge, type NudgePublisher, NudgeRunner } from '../../src/scheduler/nudge-runner.js';
import { createStore, type Store } from '../../src/store/index.js';

const CHANNEL = 'CNOC0001';
const ALICE = 'UALICE01';
const MIN = 60_000;
const HOUR = 60 * MIN;
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

/** Slack as far as nudges go: messages kept per channel and thread, an answer that can be lost. */
class MemorySlack implements NudgePublisher {
  readonly posted: Array<{ nudge: DueNudge; threadTs?: string; ts: string; at: number }> = [];
  loseNextAnswer = false;
  private seq = 0;
  constructor(private readonly clock: ManualClock) {}
  async post(nudge: DueNudge, threadTs: string | undefined): Promise<string> {
    const ts = `${Math.floor(this.clock.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    this.posted.push({ nudge, threadTs, ts, at: this.clock.now() });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new Error('socket hang up');
    }
    return ts;
  }
  async findPosted(channelId: string, threadTs: string | undefined) {
    return this.posted
      .filter((p) => p.nudge.stay.channelId === channelId && p.threadTs === threadTs)
      .map((p) => ({ key: p.nudge.key, ts: p.ts }));
  }
}

function ciscoCase(state: Case['state'], status: string): Case {
  return {
    vendor: 'cisco',
    id: '698123456',
    alternateIds: [],
    title: 'Core switch reloads',
    status,
    state,
    notes: [],
    fields: [],
  };
}

describe('nudges', () => {
  let dir: string;
  let store: Store;
  let clock: ManualClock;
  let slack: MemorySlack;
  const runner = (s: Store = store) =>
    new NudgeRunner({
      store: s,
      publisher: slack,
      digestDefaults: { cron: '0 9 * * 1-5', timezone: 'UTC' },
      logger: silentLogger,
      clock,
    });
  const service = () =>
    new NudgeService({
      store,
      digestDefaults: { cron: '0 9 * * 1-5', timezone: 'UTC' },
      now: () => new Date(clock.now()),
    });
  const at = (ms: number) => new Date(T0 + ms).toISOString();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caseops-nudges-'));
    clock = new ManualClock(T0);
    slack = new MemorySlack(clock);
    store = await createStore({ dataDir: dir, logger: silentLogger, now: () => new Date(clock.now()) });
    await store.migrate();
    await store.addWatch({ vendor: 'cisco', caseId: '698123456', channelId: CHANNEL, createdBy: ALICE });
    await store.recordObservation(ciscoCase('waiting-on-customer', 'Customer Pending'), at(0));
    await store.rememberCard({
      vendor: 'cisco',
      caseId: '698123456',
      channelId: CHANNEL,
      ts: '1773136800.000100',
    });
    await service().setRule({ userId: ALICE }, CHANNEL, 'waiting-on-us', HOUR);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs nudges at every minute from now until `untilMs` after T0. */
  async function runEveryMinuteUntil(untilMs: number, r = runner()) {
    while (clock.now() < T0 + untilMs) {
      clock.advance(MIN);
      await r.runOnce();
    }
  }

  it('nudges once after the threshold, again after each further period, at most 3 times', async () => {
    await runEveryMinuteUntil(HOUR - MIN);
    expect(slack.posted).toHaveLength(0);
    await runEveryMinuteUntil(HOUR);
    expect(slack.posted).toHaveLength(1);
    const first = slack.posted[0]!;
    expect(first.threadTs).toBe('1773136800.000100');
    expect(first.nudge.mention).toBe(ALICE);
    expect(first.nudge.stay.situation).toBe('waiting-on-us');
    expect(first.nudge.lastedMs).toBe(HOUR);
    await runEveryMinuteUntil(6 * HOUR);
    expect(slack.posted.map((p) => (p.at - T0) / HOUR)).toEqual([1, 2, 3]);
    expect(slack.posted.map((p) => p.nudge.sequence)).toEqual([1, 2, 3]);
  });

  it('posts nothing during quiet hours and the one due then when they end', async () => {
    // 10:00 UTC stay start; quiet 10:30-12:15 holds the 11:00 and 12:00 nudges.
    await service().setQuiet({ userId: ALICE }, CHANNEL, { from: '10:30', to: '12:15' });
    await runEveryMinuteUntil(2 * HOUR + 14 * MIN);
    expect(slack.posted).toHaveLength(0);
    await runEveryMinuteUntil(2 * HOUR + 15 * MIN);
    expect(slack.posted.map((p) => new Date(p.at).toISOString())).toEqual(['2026-03-10T12:15:00.000Z']);
    // The next one is a whole period after the late one, not a burst to catch up.
    await runEveryMinuteUntil(3 * HOUR + 14 * MIN);
    expect(slack.posted).toHaveLength(1);
    await runEveryMinuteUntil(3 * HOUR + 15 * MIN);
    expect(slack.posted).toHaveLength(2);
  });

  it('stops when the case leaves the state', async () => {
    await runEveryMinuteUntil(HOUR);
    expect(slack.posted).toHaveLength(1);
    await store.recordObservation(ciscoCase('waiting-on-vendor', 'Cisco Pending'), at(HOUR + 30 * MIN));
    await runEveryMinuteUntil(5 * HOUR);
    expect(slack.posted).toHaveLength(1);
  });

  it('posts no nudge twice after a restart, nor after an answer that was lost', async () => {
    await runEveryMinuteUntil(HOUR);
    expect(slack.posted).toHaveLength(1);
    // A new process over the same database: nothing is due again for the first nudge.
    await runEveryMinuteUntil(HOUR + 30 * MIN, runner());
    expect(slack.posted).toHaveLength(1);
    // The second nudge reaches Slack but its answer is lost: the record stays pending.
    slack.loseNextAnswer = true;
    await runEveryMinuteUntil(2 * HOUR);
    expect(slack.posted).toHaveLength(2);
    expect(await store.pendingNudges()).toHaveLength(1);
    // Too young to be looked for: it might still be in flight on another replica.
    expect((await runner().runOnce()).reconciled).toBe(0);
    expect(await store.pendingNudges()).toHaveLength(1);
    // After a restart, the next run finds it in the thread and records it instead of posting it again.
    clock.advance(2 * MIN);
    const report = await runner().runOnce();
    expect(report.reconciled).toBe(1);
    expect(await store.pendingNudges()).toHaveLength(0);
    await runEveryMinuteUntil(2 * HOUR + 59 * MIN);
    expect(slack.posted).toHaveLength(2);
    await runEveryMinuteUntil(3 * HOUR);
    expect(slack.posted.map((p) => p.nudge.sequence)).toEqual([1, 2, 3]);
  });

  it('waits while snoozed, and Done stops it for this stay only', async () => {
    await runEveryMinuteUntil(HOUR);
    const stay = slack.posted[0]!.nudge.stay;
    await service().snooze({ userId: ALICE }, stay, 24 * HOUR);
    await runEveryMinuteUntil(24 * HOUR);
    expect(slack.posted).toHaveLength(1);
    await runEveryMinuteUntil(25 * HOUR);
    expect(slack.posted).toHaveLength(2);
    await service().done({ userId: ALICE }, stay);
    await runEveryMinuteUntil(30 * HOUR);
    expect(slack.posted).toHaveLength(2);
    // A new stay (the vendor answered, then it came back to us) is nudged again.
    await store.recordObservation(ciscoCase('waiting-on-vendor', 'Cisco Pending'), at(30 * HOUR));
    await store.recordObservation(ciscoCase('waiting-on-customer', 'Customer Pending'), at(30 * HOUR + MIN));
    await runEveryMinuteUntil(31 * HOUR + MIN);
    expect(slack.posted).toHaveLength(3);
    expect(slack.posted[2]!.nudge.stay.stayStart).toBe(at(30 * HOUR + MIN));
  });

  it('shows the rules and the next nudge due', async () => {
    clock.advance(20 * MIN);
    const view = await service().show(CHANNEL);
    expect(view.rules).toEqual({ 'waiting-on-us': HOUR });
    expect(view.upcoming.map((u) => [u.stay.caseId, u.sequence, u.due.toISOString()])).toEqual([
      ['698123456', 1, at(HOUR)],
    ]);
    await service().turnOff({ userId: ALICE }, CHANNEL);
    await runEveryMinuteUntil(2 * HOUR);
    expect(slack.posted).toHaveLength(0);
  });
});
