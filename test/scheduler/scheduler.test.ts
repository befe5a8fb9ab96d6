/**
 * The scheduler with real node-cron tasks and the real SQLite store. Tests that follow the calendar run
 * node-cron under vitest's fake timers (days pass in milliseconds); the others drive fires through
 * `scheduler.fire`, which is what node-cron does at a fire (claim in the database, then run).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DigestDefaults } from '../../src/domain/digest.js';
import { scheduleKey } from '../../src/domain/digest.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import type { PollOptions, PollReport } from '../../src/domain/status-tracking.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { DigestOutcome } from '../../src/scheduler/digest-runner.js';
import { POLL_TASK, Scheduler, type SchedulerObserver } from '../../src/scheduler/scheduler.js';
import { createStore, type Store } from '../../src/store/index.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';
import { temporaryDataDir } from './harness.js';

/** Fire times are counted from when the file started, on the minute (claims refuse fires older than a week). */
const BASE = Math.floor(Date.now() / 60_000) * 60_000;
function slot(minutes: number): Date {
  return new Date(BASE + minutes * 60_000);
}

const DEFAULTS: DigestDefaults = { cron: '0 9 * * 1-5', timezone: 'UTC' };
const YEARLY = '0 0 0 1 1 *';

function emptyReport(): PollReport {
  const now = new Date().toISOString();
  return {
    startedAt: now,
    finishedAt: now,
    watched: 0,
    refreshed: 0,
    failed: 0,
    skipped: 0,
    changes: [],
    events: [],
    detailLookups: 0,
    abandoned: false,
  };
}

/** Digest and poll stand-ins that record when (by the clock node-cron sees) and what they were asked to run. */
function recorders() {
  const digestFires: Array<{ key: string; at: string }> = [];
  const polls: Array<{ at: string; signal?: AbortSignal }> = [];
  let pollBody: (options: PollOptions) => Promise<PollReport> = async () => emptyReport();
  return {
    digestFires,
    polls,
    setPollBody(body: (options: PollOptions) => Promise<PollReport>) {
      pollBody = body;
    },
    tracker: {
      pollOnce: async (options: PollOptions = {}) => {
        polls.push({ at: new Date().toISOString(), signal: options.signal });
        return pollBody(options);
      },
    },
    digests: {
      defaults: DEFAULTS,
      runSchedule: async (key: string) => {
        digestFires.push({ key, at: new Date().toISOString() });
        return new Map<string, DigestOutcome>();
      },
      runChannel: async (): Promise<DigestOutcome> => ({ status: 'nothing-to-post' }),
    },
  };
}

let dataDir: ReturnType<typeof temporaryDataDir>;
const stores: Store[] = [];
const schedulers: Scheduler[] = [];

async function openStore(now?: () => Date): Promise<Store> {
  const store = await createStore({ dataDir: dataDir.path, logger: silentLogger, ...(now ? { now } : {}) });
  await store.migrate();
  stores.push(store);
  return store;
}

function newScheduler(
  store: Store,
  parts: ReturnType<typeof recorders>,
  options: {
    holder: string;
    pollCron?: string;
    clock?: Clock;
    stopGraceMs?: number;
    stopAbandonMs?: number;
    observer?: SchedulerObserver;
  },
): Scheduler {
  const scheduler = new Scheduler({
    store,
    tracker: parts.tracker,
    digests: parts.digests,
    pollCron: options.pollCron ?? YEARLY,
    holder: options.holder,
    logger: silentLogger,
    clock: options.clock,
    resyncCron: '0 0 * * * *',
    stopGraceMs: options.stopGraceMs,
    stopAbandonMs: options.stopAbandonMs,
    observer: options.observer,
  });
  schedulers.push(scheduler);
  return scheduler;
}

beforeEach(() => {
  dataDir = temporaryDataDir();
});

afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.stop();
  vi.useRealTimers();
  for (const store of stores.splice(0)) await store.close();
  dataDir.remove();
});

describe('digest schedules follow the calendar', () => {
  async function berlinChannel(store: Store) {
    await store.saveDigestSettings({
      channelId: 'C0BERLIN',
      cron: '0 9 * * *',
      schedule: 'daily 09:00',
      timezone: 'Europe/Berlin',
      enabled: true,
      postWhenEmpty: false,
      updatedBy: 'U0ONCALL',
      updatedAt: new Date().toISOString(),
    });
  }

  it.each([
    [
      'spring',
      '2026-03-27T12:00:00Z',
      ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
    ],
    [
      'autumn',
      '2026-10-23T12:00:00Z',
      ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    ],
  ])(
    'daily 09:00 Europe/Berlin fires at 09:00 local across the %s DST change',
    async (_season, start, expected) => {
      vi.useFakeTimers({
        now: new Date(start),
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      });
      const store = await openStore();
      await berlinChannel(store);
      const parts = recorders();
      const scheduler = newScheduler(store, parts, { holder: 'replica-a' });
      await scheduler.start();
      expect(scheduler.digestScheduleKeys()).toContain('Europe/Berlin 0 9 * * *');

      await vi.advanceTimersByTimeAsync(3 * 86_400_000);
      const berlin = parts.digestFires.filter((f) => f.key === 'Europe/Berlin 0 9 * * *').map((f) => f.at);
      expect(berlin).toEqual(expected);
    },
  );

  it('two replicas on one database run each fire once', async () => {
    vi.useFakeTimers({
      now: new Date('2026-03-27T12:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    const storeA = await openStore();
    const storeB = await openStore();
    await berlinChannel(storeA);
    const a = recorders();
    const b = recorders();
    await newScheduler(storeA, a, { holder: 'replica-a', pollCron: '0 */5 * * * *' }).start();
    await newScheduler(storeB, b, { holder: 'replica-b', pollCron: '0 */5 * * * *' }).start();

    await vi.advanceTimersByTimeAsync(3 * 86_400_000);
    const digestFires = [...a.digestFires, ...b.digestFires].map((f) => `${f.key}@${f.at}`);
    expect(new Set(digestFires).size).toBe(digestFires.length);
    // 3 Berlin mornings, plus the default (weekdays 09:00 UTC): Friday 27th is past, Monday 30th is in.
    expect(digestFires.filter((f) => f.startsWith('Europe/Berlin'))).toHaveLength(3);
    expect(digestFires.filter((f) => f.startsWith('UTC'))).toEqual([
      'UTC 0 9 * * 1-5@2026-03-30T09:00:00.000Z',
    ]);
    const polls = [...a.polls, ...b.polls].map((p) => p.at);
    expect(polls).toHaveLength(3 * 24 * 12);
    expect(new Set(polls).size).toBe(polls.length);
    expect(a.polls.length).toBeGreaterThan(0); // both compete; neither is starved by design
  });
});

describe('coordination across replicas', () => {
  it('a fire is claimed by exactly one replica', async () => {
    const storeA = await openStore();
    const storeB = await openStore();
    const a = recorders();
    const b = recorders();
    const schedulerA = newScheduler(storeA, a, { holder: 'replica-a' });
    const schedulerB = newScheduler(storeB, b, { holder: 'replica-b' });
    await schedulerA.start();
    await schedulerB.start();
    const digestTask = `digest ${scheduleKey(DEFAULTS)}`;
    for (let minute = 0; minute < 20; minute++) {
      const fireAt = slot(minute);
      const results = await Promise.all([
        schedulerA.fire(digestTask, fireAt),
        schedulerB.fire(digestTask, fireAt),
      ]);
      expect(results.sort()).toEqual(['not-elected', 'ran']);
    }
    expect(a.digestFires.length + b.digestFires.length).toBe(20);
    // Late, but the same fire: still refused.
    expect(await schedulerB.fire(digestTask, slot(0))).toBe('not-elected');
  });

  it('the poller never runs twice at once, even when the next fire is claimed elsewhere', async () => {
    const storeA = await openStore();
    const storeB = await openStore();
    const a = recorders();
    const b = recorders();
    let release!: () => void;
    a.setPollBody(
      () =>
        new Promise<PollReport>((resolve) => {
          release = () => resolve(emptyReport());
        }),
    );
    const schedulerA = newScheduler(storeA, a, { holder: 'replica-a' });
    const schedulerB = newScheduler(storeB, b, { holder: 'replica-b' });
    await schedulerA.start();
    await schedulerB.start();

    const slow = schedulerA.fire(POLL_TASK, slot(0));
    await vi.waitFor(() => expect(a.polls).toHaveLength(1));
    expect(await schedulerB.fire(POLL_TASK, slot(5))).toBe('ran');
    expect(b.polls).toHaveLength(0); // B won the fire but the lease is A's: it skipped

    release();
    await slow;
    expect(await schedulerB.fire(POLL_TASK, slot(10))).toBe('ran');
    expect(b.polls).toHaveLength(1);
  });

  it('picks up schedule changes made on another replica', async () => {
    const storeA = await openStore();
    const scheduler = newScheduler(storeA, recorders(), { holder: 'replica-a' });
    await scheduler.start();
    expect(scheduler.digestScheduleKeys()).toEqual(['UTC 0 9 * * 1-5']);

    const storeB = await openStore();
    await storeB.saveDigestSettings({
      channelId: 'C0TOKYO',
      cron: '30 8 * * 1-5',
      schedule: 'weekdays 08:30',
      timezone: 'Asia/Tokyo',
      enabled: true,
      postWhenEmpty: false,
      updatedBy: 'U0ONCALL',
      updatedAt: new Date().toISOString(),
    });
    await scheduler.resync();
    expect(scheduler.digestScheduleKeys()).toEqual(['Asia/Tokyo 30 8 * * 1-5', 'UTC 0 9 * * 1-5']);

    await storeB.saveDigestSettings({
      channelId: 'C0TOKYO',
      cron: '30 8 * * 1-5',
      schedule: 'off',
      timezone: 'Asia/Tokyo',
      enabled: false,
      postWhenEmpty: false,
      updatedBy: 'U0ONCALL',
      updatedAt: new Date().toISOString(),
    });
    await scheduler.resync();
    expect(scheduler.digestScheduleKeys()).toEqual(['UTC 0 9 * * 1-5']);
  });
});

describe('stop', () => {
  it('lets an in-flight poll finish within the grace period and takes no new runs', async () => {
    const store = await openStore();
    const parts = recorders();
    let release!: () => void;
    parts.setPollBody(
      () =>
        new Promise<PollReport>((resolve) => {
          release = () => resolve(emptyReport());
        }),
    );
    const scheduler = newScheduler(store, parts, { holder: 'replica-a', stopGraceMs: 60_000 });
    await scheduler.start();
    const running = scheduler.fire(POLL_TASK, slot(0));
    await vi.waitFor(() => expect(parts.polls).toHaveLength(1));

    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false); // waiting for the poll
    expect(parts.polls[0]!.signal?.aborted).toBe(false); // not interrupted within the grace period
    expect(await scheduler.fire(POLL_TASK, slot(5))).toBe('stopping');

    release();
    await running;
    await stopping;
    expect(stopped).toBe(true);
    // The lease was released: a restarted instance polls at once.
    expect(await store.tryAcquireLease('poller', 'replica-b', 60_000)).toBe(true);
  });

  it('asks a run that outlasts the grace period to stop at a safe point', async () => {
    const store = await openStore();
    const parts = recorders();
    parts.setPollBody(
      (options) =>
        new Promise<PollReport>((resolve) => {
          options.signal?.addEventListener('abort', () => resolve({ ...emptyReport(), abandoned: true }));
        }),
    );
    const clock = new SkippingClock();
    const scheduler = newScheduler(store, parts, {
      holder: 'replica-a',
      clock,
      stopGraceMs: 5_000,
      stopAbandonMs: 5_000,
    });
    await scheduler.start();
    const running = scheduler.fire(POLL_TASK, slot(0));
    await vi.waitFor(() => expect(parts.polls).toHaveLength(1));

    await scheduler.stop();
    expect(parts.polls[0]!.signal?.aborted).toBe(true);
    expect(clock.sleeps[0]).toBe(5_000); // the grace period was given first
    await running;
    expect(scheduler.lastPollReport()?.abandoned).toBe(true);
  });
});

describe('what the scheduler reports for /metrics', () => {
  it('reports finished, skipped and failed polls and each digest outcome', async () => {
    const store = await openStore();
    const seen: string[] = [];
    const observer: SchedulerObserver = {
      observePoll: (report) => seen.push(`poll ok watched=${report.watched}`),
      pollRun: (outcome) => seen.push(`poll ${outcome}`),
      observeDigest: (outcome) => seen.push(`digest ${outcome.status}`),
    };
    const parts = recorders();
    const scheduler = newScheduler(store, parts, { holder: 'replica-a', observer });
    await scheduler.start();

    await scheduler.fire(POLL_TASK, slot(0));
    // Another replica holds the poller lease: this fire is skipped, and says so.
    await store.tryAcquireLease('poller', 'replica-b', 60_000);
    await scheduler.fire(POLL_TASK, slot(1));
    await store.releaseLease('poller', 'replica-b');
    parts.setPollBody(async () => {
      throw new Error('store went away');
    });
    await scheduler.fire(POLL_TASK, slot(2));
    await scheduler.runDigestNow('C0NOC');

    expect(seen).toEqual(['poll ok watched=0', 'poll skipped', 'poll error', 'digest nothing-to-post']);
  });
});
