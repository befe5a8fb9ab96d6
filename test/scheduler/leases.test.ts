/**
 * Leases that move in seconds: a holder renews on a heartbeat, a holder that stops renewing loses its lease
 * within the ttl, the next taker gets a higher generation, and the old holder's writes are refused by the
 * store (the fencing token). Real SQLite store, real scheduler and status tracker, short ttls.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { LeaseGrant, Store } from '../../src/domain/ports/store.js';
import type { RefreshOutcome, VendorAdapter } from '../../src/domain/ports/vendor.js';
import { StatusTracker } from '../../src/domain/status-tracking.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { DigestOutcome } from '../../src/scheduler/digest-runner.js';
import { HeldLease } from '../../src/scheduler/held-lease.js';
import { POLL_LEASE, POLL_TASK, Scheduler } from '../../src/scheduler/scheduler.js';
import { createStore } from '../../src/store/index.js';
import { vendorProfile } from '../../src/vendors/registry.js';
import { temporaryDataDir } from './harness.js';

const TTL = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dataDir: ReturnType<typeof temporaryDataDir>;
let store: Store;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  dataDir = temporaryDataDir();
  store = await createStore({ dataDir: dataDir.path, logger: silentLogger });
  await store.migrate();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  dataDir.remove();
});

/** Polls `take` every 20 ms; the milliseconds it took to succeed. */
async function msUntil(take: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await take())) {
    if (Date.now() - started > limitMs) throw new Error(`not taken within ${limitMs} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

/** The store as a replica cut off from the database for its lease renewals would see it. */
function partitionable(inner: Store): Store & { partitioned: boolean } {
  const wrapper = Object.create(inner) as Store & { partitioned: boolean };
  wrapper.partitioned = false;
  wrapper.renewLease = async (grant: LeaseGrant, ttlMs: number) => {
    if (wrapper.partitioned) throw new Error('connection refused');
    return inner.renewLease(grant, ttlMs);
  };
  return wrapper;
}

describe('a held lease', () => {
  it('stays with a live holder for many ttls, then moves within one ttl of its holder going quiet', async () => {
    const held = await HeldLease.acquire(store, POLL_LEASE, 'replica-a', TTL, silentLogger);
    expect(held).toBeDefined();
    cleanups.push(() => held!.release());
    // Three ttls pass: the heartbeat keeps it.
    for (let i = 0; i < 6; i++) {
      await sleep(TTL / 2);
      expect(await store.tryAcquireLease(POLL_LEASE, 'replica-b', TTL)).toBe(false);
    }
    held!.abandon(); // the holder dies: no more renewals
    const tookMs = await msUntil(() => store.tryAcquireLease(POLL_LEASE, 'replica-b', TTL), 3 * TTL);
    expect(tookMs).toBeLessThanOrEqual(TTL + 100);
    // The dead holder's writes are refused from then on.
    await expect(
      store.recordObservation(aCase('500', 'Open'), new Date().toISOString(), held!.grant),
    ).rejects.toMatchObject({ name: 'StaleLeaseError' });
  });

  it('tells its run it is lost once it could not renew for a whole ttl, and another replica took it', async () => {
    const cutOff = partitionable(store);
    const held = await HeldLease.acquire(cutOff, POLL_LEASE, 'replica-a', TTL, silentLogger);
    cleanups.push(() => held!.release());
    cutOff.partitioned = true;
    await msUntil(() => store.tryAcquireLease(POLL_LEASE, 'replica-b', TTL), 3 * TTL);
    await msUntil(async () => held!.lost.aborted, 2 * TTL);
    expect(String(held!.lost.reason)).toMatch(/could not be renewed/);
  });
});

function aCase(id: string, status: string): Case {
  return {
    vendor: 'cisco',
    id,
    alternateIds: [],
    title: `Case ${id}`,
    status,
    state: 'open',
    notes: [],
    fields: [],
  };
}

/** A Cisco stand-in whose answers the test hands out one refresh at a time. */
function heldVendor() {
  const waiting: Array<(outcomes: RefreshOutcome[]) => void> = [];
  const adapter = {
    vendor: 'cisco',
    refresh: (ids: readonly string[]) =>
      new Promise<RefreshOutcome[]>((resolve) => {
        waiting.push(resolve);
        void ids;
      }),
  } as unknown as VendorAdapter;
  return {
    adapter,
    get pending() {
      return waiting.length;
    },
    answer(status: string) {
      waiting.shift()?.(['900'].map((id) => ({ id, ok: true, case: aCase(id, status) }) as RefreshOutcome));
    },
  };
}

function replica(holder: string, replicaStore: Store, vendor: VendorAdapter): Scheduler {
  const tracker = new StatusTracker({
    store: replicaStore,
    vendors: { get: () => vendor, profile: vendorProfile },
    logger: silentLogger,
  });
  const scheduler = new Scheduler({
    store: replicaStore,
    tracker,
    digests: {
      defaults: { cron: '0 9 * * 1-5', timezone: 'UTC' },
      runSchedule: async () => new Map<string, DigestOutcome>(),
      runChannel: async () => ({ status: 'nothing-to-post' }),
    },
    pollCron: '0 0 0 1 1 *',
    holder,
    logger: silentLogger,
    pollLeaseMs: TTL,
    resyncCron: '0 0 0 1 1 *',
  });
  cleanups.push(() => scheduler.stop());
  return scheduler;
}

describe('the poller under a lease', () => {
  it("is taken over by the next fire once a cut-off replica's lease lapses, and the cut-off replica's observation is refused", async () => {
    await store.addWatch({ vendor: 'cisco', caseId: '900', channelId: 'C1', createdBy: 'U1' });
    await store.recordObservation(aCase('900', 'Open'), new Date().toISOString());
    const cutOff = partitionable(store);
    const vendorA = heldVendor();
    const vendorB = heldVendor();
    const a = replica('replica-a', cutOff, vendorA.adapter);
    const b = replica('replica-b', store, vendorB.adapter);
    await a.start();
    await b.start();
    const base = Math.floor(Date.now() / 60_000) * 60_000;

    const pollA = a.fire(POLL_TASK, new Date(base));
    await msUntil(async () => vendorA.pending === 1, 2_000);
    cutOff.partitioned = true; // A can no longer renew; it is still waiting on the vendor
    // Fires keep coming; the first one after A's lease lapses runs on B.
    let fires = 0;
    let pollB: Promise<unknown> | undefined;
    const tookMs = await msUntil(async () => {
      fires++;
      const run = b.fire(POLL_TASK, new Date(base + fires * 1000));
      await Promise.race([run, sleep(20)]);
      if (vendorB.pending === 1) pollB = run;
      return pollB !== undefined;
    }, 3 * TTL);
    expect(tookMs).toBeLessThanOrEqual(TTL + 200);
    vendorB.answer('Closed');
    await pollB;
    expect(b.lastPollReport()?.changes.map((e) => e.toStatus)).toEqual(['Closed']);

    // A wakes up with an older answer: its write is refused, so the log holds B's change only.
    vendorA.answer('Customer Updated');
    await pollA;
    expect(a.lastPollReport()).toBeUndefined();
    const events = await store.eventsForChannel('C1', 0);
    expect(events.map((e) => `${e.fromStatus} -> ${e.toStatus}`)).toEqual(['Open -> Closed']);
    expect((await store.getSnapshot('cisco', '900'))?.status).toBe('Closed');
  });
});
