/**
 * The vendor fault matrix for polls, over the real store and adapters against the simulators: every vendor
 * fault while a watched case's status changes at the vendor. During the fault the poll records no status
 * change (a failure is never a change) and marks the case's sync error; once the vendor is back the change
 * is recorded exactly once, and a further poll repeats nothing. A refused credential is fixed the way an
 * operator would: new configuration, adapters built again (the token caches wait before asking again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { StatusTracker } from '../../src/domain/status-tracking.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import { ALICE, FAST_BUDGETS, NOC } from '../support/slack-harness.js';
import { FaultMatrix, VENDOR_FAULTS, type VendorFault } from './support.js';

// Reads are retried (3 attempts): short timeouts keep the timeout cells quick, with room for a loaded machine.
const matrix = new FaultMatrix({ vendorTimeoutMs: 1000 });
beforeAll(() => matrix.start(), 60_000);
afterAll(() => matrix.stop());
let cell = 0;

describe.each(['equinix', 'cisco', 'juniper', 'motadata'] as const)('poll a watched %s case', (vendor) => {
  it.each(VENDOR_FAULTS)(
    'during %s: no false change; once the vendor is back, the change exactly once',
    (fault) => matrix.cell(fault, () => pollCell(vendor, fault)),
  );
});

async function pollCell(vendor: VendorId, fault: VendorFault): Promise<void> {
  const { h } = matrix;
  const sim = h.sims[vendor];
  const id = vendor === 'juniper' ? juniperCase() : sim.seed();
  await h.store.addWatch({ vendor, caseId: id, channelId: NOC, createdBy: ALICE });
  const tracker = new StatusTracker({ store: h.store, vendors: h.vendors, logger: silentLogger });
  const eventsOfCase = async () =>
    (await h.store.eventsForChannel(NOC, 0, 100_000)).filter((e) => e.vendor === vendor && e.caseId === id);

  await tracker.pollOnce();
  expect(await eventsOfCase()).toEqual([]);
  const moved = sim.advance(id);

  // The vendor fails every call while the poll runs (retries included).
  const restore = matrix.inject(vendor, fault, {}, Number.POSITIVE_INFINITY);
  const during = await tracker.pollOnce();
  restore();
  expect(during.changes.filter((e) => e.caseId === id)).toEqual([]);
  expect(await eventsOfCase()).toEqual([]);
  expect((await h.store.getSnapshot(vendor, id))?.lastError).toBeTruthy();

  // A refused credential is fixed by an operator, and the adapters read it again at restart: a fresh registry.
  const after =
    fault === 'token'
      ? new StatusTracker({ store: h.store, vendors: freshVendors(), logger: silentLogger })
      : tracker;
  await after.pollOnce();
  await after.pollOnce();
  const events = await eventsOfCase();
  // One status change (Cisco also writes a note about it, which is recorded as its own event).
  expect(events.filter((e) => e.kind === 'status').map((e) => e.toStatus)).toEqual([moved.status]);
  expect((await h.store.getSnapshot(vendor, id))?.lastError).toBeUndefined();
  // Later cells poll only their own case.
  await h.store.removeWatch(vendor, id, NOC);
}

/** A Juniper case: a Service Now incident submitted to JTAC under a tracking number. */
function juniperCase(): string {
  const { h } = matrix;
  const trackingNumber = `CO-POLL-${++cell}-${Date.now().toString(36).toUpperCase()}`;
  h.sims.juniper.seed({ status: 'Submitted', customerTrackingNumber: trackingNumber });
  return trackingNumber;
}

/** The vendor adapters as a restart would build them from the same configuration. */
function freshVendors() {
  const { h } = matrix;
  const env = loadEnv({
    ...Object.assign({}, ...Object.values(h.sims).map((sim) => sim.env())),
    ...FAST_BUDGETS,
    VENDOR_TIMEOUT_MS: String(matrix.options.vendorTimeoutMs),
  });
  return createVendorRegistry(env, { logger: silentLogger });
}
