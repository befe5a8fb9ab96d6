/**
 * Poll sweep: 10,000 watched cases (2,500 per vendor, spread over 500 channels) refreshed by caseops' status
 * tracker against the four simulators, each with 20 ms latency, inside each vendor's rate budget. Every watch
 * starts with the case's first snapshot, as `/case watch` stores it; the first sweep finds nothing moved, and
 * before each later sweep 10% of every vendor's cases change status.
 *
 * Measured against what the budgets allow. Per vendor, with c the fewest calls that can refresh its cases
 * (Cisco: ceil(n/30) summary calls; the others one lookup per case, having no bulk call), L the latency,
 * k the calls in flight and r the calls started per second:
 *   bound = max( ceil(c/k) × L ,  (c − 1)/r + L )
 * (the latency floor of k parallel lanes, and the c-th evenly spaced start plus its own answer). Vendors run
 * side by side, so the sweep's bound is the largest vendor bound. Each sweep is followed by the memory release
 * the scheduler runs after each poll. The resident memory of the process right after its last steady sweep
 * (and that release) is the memory scenario's caseops figure; after each sweep the benchmark also
 * forces a full collection and notes the heap still in use, so a leak would show as growth across sweeps.
 * Where the resident memory lies (V8's heap by space, the C allocator's, mapped files) is noted at start-up,
 * once the watches are seeded and after each sweep, with the peak during each sweep.
 */

import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';
import type { VendorBudget } from '../config.js';
import { CASEOPS_MALLOC_ENV, CASEOPS_NODE_FLAGS } from '../config.js';
import type { SweepResult } from '../processes/caseops-tracking.js';
import type { VendorTraffic, WorldMark } from '../processes/world.js';
import { freePort } from '../support/launch.js';
import type { ResidentMemory } from '../support/resident-memory.js';
import { BenchChild } from '../support/rpc.js';
import { median, round } from '../support/stats.js';
import { appEnvironment, type BenchContext } from './context.js';

export interface VendorSweep {
  vendor: VendorId;
  cases: number;
  budget: VendorBudget;
  /** The fewest bulk calls that refresh every case (Cisco summaries; the others' per-case lookups). */
  minimumCalls: number;
  /** API calls that reached the simulator (token calls not included): bulk plus detail calls. */
  calls: number;
  bulkCalls: number;
  /** One case's details, fetched because a bulk call showed it changed. */
  detailCalls: number;
  /** Cases the world changed before this sweep: the detail calls a vendor with a bulk call needs. */
  changedCases: number;
  expectedDetailCalls: number;
  tokenCalls: number;
  /** Calls that did not end well (throttled, failed), as caseops' HTTP client saw them. */
  callsNotOk: number;
  /** Most calls that reached the vendor within one second. */
  peakPerSecond: number;
  /** From the start of the sweep until this vendor's last answer (last arrival + latency). */
  elapsedMs: number | null;
  /** The tracker's time for this vendor: in `refresh` (vendor calls) and in store writes, one after the other. */
  refreshMs: number;
  storeWritesMs: number;
  batches: number;
  boundMs: number;
}

export interface SweepRound {
  round: number;
  /**
   * The first sweep finds every case as watching stored it; later ones record the changes. The diagnostic
   * sweep gives Cisco's gateway one call per second of headroom over the budget.
   */
  kind: 'first-sighting' | 'steady' | 'diagnostic';
  /** The Cisco simulator's limit, calls per rolling second. */
  ciscoGatePerSecond: number;
  wallMs: number;
  boundMs: number;
  ratio: number;
  refreshed: number;
  failed: number;
  changes: number;
  /** The process's resident memory right after this sweep and the memory release that follows each poll. */
  rssAfterBytes: number;
  /** That release's pause (src/scheduler/memory-release.ts). */
  releaseMs: number;
  /** Heap in use after a full collection that follows the sweep: growth across sweeps would be a leak. */
  heapAfterGcBytes: number;
  /** Right after the sweep and its release, before that collection: V8's heap, and memory outside it. */
  heapTotalBytes: number;
  externalBytes: number;
  /** Resident memory once the collection has run. */
  rssAfterGcBytes: number;
  /** CPU caseops used during the sweep (a busy machine stretches wallMs, not this). */
  cpuMs: number;
  /** The most seen during the sweep (sampled every 250 ms). */
  peakRssBytes: number;
  peakHeapTotalBytes: number;
  /** Right after the sweep: V8's heap by space, and resident memory outside it (null off Linux). */
  residentAfter: ResidentMemory | null;
  vendors: VendorSweep[];
}

export interface SweepResultSummary {
  casesPerVendor: number;
  watched: number;
  rounds: SweepRound[];
  /** Medians over the steady sweeps. */
  wallMs: number;
  boundMs: number;
  ratio: number;
  /** Calls over every vendor in the last steady sweep, and the minimum. */
  calls: number;
  minimumCalls: number;
  /** The same sweep's bulk calls, and its detail calls against the changed cases that need one. */
  bulkCalls: number;
  detailCalls: number;
  expectedDetailCalls: number;
  /** Right after the last steady sweep. */
  rssAfterSweepBytes: number;
  heapAfterGcBytes: number;
  /** The same moment: the heap V8 had grown to, and resident memory outside it (C allocator; null off Linux). */
  heapTotalAfterSweepBytes?: number;
  outsideV8AfterSweepBytes?: number | null;
  /** Right after start-up, and once the watches and their first snapshots are stored (before any sweep). */
  residentIdle: ResidentMemory | null;
  residentSeeded: ResidentMemory | null;
  /** This process's start-up marks, ms since it began: modules loaded, store migrated, wired, listening, … */
  startupPhases: Record<string, number>;
  notes: string[];
}

export function minimumCalls(vendor: VendorId, cases: number, ciscoIdsPerCall: number): number {
  return vendor === 'cisco' ? Math.ceil(cases / ciscoIdsPerCall) : cases;
}

/** Detail calls a sweep needs: one per changed case where the vendor has a bulk call that lacks details. */
export function expectedDetailCalls(vendor: VendorId, changed: number): number {
  return vendor === 'cisco' ? changed : 0;
}

export function sweepBoundMs(calls: number, latencyMs: number, budget: VendorBudget): number {
  if (calls === 0) return 0;
  const latencyFloor = Math.ceil(calls / budget.maxConcurrent) * latencyMs;
  const rateFloor = ((calls - 1) / budget.ratePerSecond) * 1000 + latencyMs;
  return Math.max(latencyFloor, rateFloor);
}

export async function measurePollSweep(context: BenchContext): Promise<SweepResultSummary> {
  const { config, scratch } = context;
  const settings = config.sweep;
  const caseIds = context.worldInfo.caseIds;
  const app = new BenchChild<{ port: number; phases: Record<string, number> }>({
    modulePath: context.entryPoints['caseops-tracking'],
    nodeArgs: [...CASEOPS_NODE_FLAGS],
    env: {
      ...appEnvironment(context, {
        port: await freePort(),
        dataDir: scratch.folder('sweep'),
        budgets: settings.budgets,
      }),
      ...CASEOPS_MALLOC_ENV,
    },
    logFile: scratch.log('sweep-caseops'),
  });
  try {
    const { phases } = await app.ready;
    const residentIdle = await app.call<ResidentMemory | null>('residentMemory');
    // The watches' first snapshots are looked up outside the measured budgets (see the `watch` command).
    await context.world.call('ciscoQpsLimit', { limit: null });
    const watched = await app.call<number>('watch', { caseIds, channels: settings.channels });
    const residentSeeded = await app.call<ResidentMemory | null>('residentMemory');
    context.progress(`poll sweep: ${watched} watches in ${settings.channels} channels`);

    const rounds: SweepRound[] = [];
    for (let r = 0; r <= settings.measuredRounds + 1; r++) {
      const kind: SweepRound['kind'] =
        r === 0 ? 'first-sighting' : r <= settings.measuredRounds ? 'steady' : 'diagnostic';
      const ciscoGate = settings.ciscoQpsLimit + (kind === 'diagnostic' ? 1 : 0);
      await context.world.call('ciscoQpsLimit', { limit: ciscoGate });
      const moved =
        r > 0
          ? await context.world.call<Record<VendorId, number>>('advance', {
              fraction: settings.changedFraction,
            })
          : undefined;
      const before = await context.world.call<WorldMark>('mark');
      const sweep = await app.call<SweepResult>('sweep');
      const traffic = await context.world.call<Record<VendorId, VendorTraffic>>('vendorTraffic', {
        since: before,
      });
      const vendors = VENDOR_IDS.map((vendor): VendorSweep => {
        const cases = caseIds[vendor].length;
        const minimum = minimumCalls(vendor, cases, settings.ciscoIdsPerCall);
        const budget = settings.budgets[vendor];
        const changedCases = moved?.[vendor] ?? 0;
        const detailsNeeded = expectedDetailCalls(vendor, changedCases);
        return {
          vendor,
          cases,
          budget,
          minimumCalls: minimum,
          calls: traffic[vendor].apiCalls,
          bulkCalls: traffic[vendor].apiCalls - traffic[vendor].detailCalls,
          detailCalls: traffic[vendor].detailCalls,
          changedCases,
          expectedDetailCalls: detailsNeeded,
          tokenCalls: traffic[vendor].tokenCalls,
          callsNotOk: sweep.calls[vendor]?.notOk ?? 0,
          peakPerSecond: traffic[vendor].peakPerSecond,
          elapsedMs:
            traffic[vendor].lastArrivalAt === null
              ? null
              : traffic[vendor].lastArrivalAt - sweep.startedAt + config.vendorLatencyMs,
          boundMs: sweepBoundMs(minimum + detailsNeeded, config.vendorLatencyMs, budget),
          refreshMs: sweep.timeByVendor[vendor]?.refreshMs ?? 0,
          storeWritesMs: sweep.timeByVendor[vendor]?.storeWritesMs ?? 0,
          batches: sweep.timeByVendor[vendor]?.batches ?? 0,
        };
      });
      const boundMs = Math.max(...vendors.map((v) => v.boundMs));
      const memoryNow = await app.call<NodeJS.MemoryUsage>('memory');
      const residentAfter = await app.call<ResidentMemory | null>('residentMemory');
      const memoryAfterGc = await app.call<NodeJS.MemoryUsage>('memoryAfterGc');
      rounds.push({
        round: r,
        kind,
        ciscoGatePerSecond: ciscoGate,
        wallMs: sweep.wallMs,
        boundMs,
        ratio: sweep.wallMs / boundMs,
        refreshed: sweep.refreshed,
        failed: sweep.failed,
        changes: sweep.changes,
        rssAfterBytes: memoryNow.rss,
        releaseMs: sweep.releaseMs,
        heapAfterGcBytes: memoryAfterGc.heapUsed,
        heapTotalBytes: memoryNow.heapTotal,
        externalBytes: memoryNow.external,
        rssAfterGcBytes: memoryAfterGc.rss,
        cpuMs: sweep.cpuMs,
        peakRssBytes: sweep.peak.rssBytes,
        peakHeapTotalBytes: sweep.peak.heapTotalBytes,
        residentAfter,
        vendors,
      });
      context.progress(
        `poll sweep ${r} (${kind}, Cisco gate ${ciscoGate}/s): ${round(sweep.wallMs / 1000)} s, bound ${round(boundMs / 1000)} s, ${sweep.changes} changes, ${sweep.failed} failed`,
      );
    }
    const steady = rounds.filter((entry) => entry.kind === 'steady');
    const last = steady[steady.length - 1] ?? rounds[rounds.length - 1];
    const wallMs = median(steady.map((entry) => entry.wallMs));
    const boundMs = last?.boundMs ?? Number.NaN;
    return {
      casesPerVendor: settings.casesPerVendor,
      watched,
      rounds,
      wallMs,
      boundMs,
      ratio: wallMs / boundMs,
      calls: last?.vendors.reduce((sum, v) => sum + v.calls, 0) ?? 0,
      minimumCalls: last?.vendors.reduce((sum, v) => sum + v.minimumCalls, 0) ?? 0,
      bulkCalls: last?.vendors.reduce((sum, v) => sum + v.bulkCalls, 0) ?? 0,
      detailCalls: last?.vendors.reduce((sum, v) => sum + v.detailCalls, 0) ?? 0,
      expectedDetailCalls: last?.vendors.reduce((sum, v) => sum + v.expectedDetailCalls, 0) ?? 0,
      rssAfterSweepBytes: last?.rssAfterBytes ?? Number.NaN,
      heapAfterGcBytes: last?.heapAfterGcBytes ?? Number.NaN,
      heapTotalAfterSweepBytes: last?.heapTotalBytes ?? Number.NaN,
      outsideV8AfterSweepBytes: last?.residentAfter?.outsideV8Bytes ?? null,
      residentIdle,
      residentSeeded,
      startupPhases: phases,
      notes: [
        'bound per vendor = max(ceil(c/k) × L, (c − 1)/r + L) with c the minimum bulk calls (Cisco ceil(n/30) summaries, others one lookup per case) plus one detail call per changed case where the bulk call lacks details (Cisco), L the simulated latency, k calls in flight, r calls started per second; the sweep bound is the largest vendor bound (vendors run side by side).',
        `budgets: ${VENDOR_IDS.map((v) => `${v} ${settings.budgets[v].ratePerSecond}/s × ${settings.budgets[v].maxConcurrent}`).join(', ')} (Cisco at its real default; the others scaled up from 5/s so 2,500 single-case lookups fit the run).`,
        `figures are medians over ${steady.length} steady sweeps (${Math.round(settings.changedFraction * 100)}% of cases changed before each); the first sweep, with nothing changed since the watches' first snapshots, is shown on its own.`,
        `after each sweep caseops runs the memory release its scheduler runs after each poll (V8's memory-reducing collection, src/scheduler/memory-release.ts; its pause: ${steady.map((entry) => `${Math.round(entry.releaseMs)} ms`).join(', ')}), and resident memory is read after it.`,
        `the Cisco simulator's gateway refuses calls beyond ${settings.ciscoQpsLimit} per rolling second, the budget itself (the other simulators enforce no limit; their peak calls per second are reported). The diagnostic sweep allows ${settings.ciscoQpsLimit + 1}, to show what that limit alone costs.`,
      ],
    };
  } finally {
    await app.stop();
  }
}
