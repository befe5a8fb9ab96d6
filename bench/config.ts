/** Every number the benchmark runs with, in one place; `--quick` shrinks them for a fast smoke run. */
import type { KnownVendorId as VendorId } from '../src/vendors/plugin.js';

/**
 * The V8 options caseops runs with in production (the Dockerfile's CMD and `npm start`); the benchmark starts
 * caseops with the same ones. Semi-spaces of at most 16 MiB, half of what V8 takes on these 24 GiB machines:
 * the memory-reducing collection after each poll (below) shrinks the young generation back to 1 MiB whatever
 * its bound, so the bound now costs memory only during a burst. In `--only=sweep` runs on one machine,
 * resident memory after the sweeps was 134.2 MiB at 8 MiB and 135.6 MiB at V8's own 32; the first full run at
 * 16 measured 128 MiB. A round of 4,000 acks at 200 at once collected young garbage 27 times at 8 MiB and 14
 * times at 16; 1,000 acks one at a time 8–9 times at 8 and 4 at 16 (bare Bolt: 5).
 *
 * `--expose-gc` lets caseops run V8's memory-reducing collection after each poll (src/scheduler/
 * memory-release.ts): V8 had kept the pages a burst freed, and resident memory after the first 10,000-case
 * sweep went from 186 to 133 MiB with it (heap 86 → 36 MiB). That release made `--heap-growing-percent=100`
 * (an old generation allowed to grow to twice what the last full collection kept) no longer worth its cost:
 * without it, `npm run bench -- --only=ack` gave caseops/bare ack p99 at 200 at once of 1.18–1.30× in three
 * runs against 1.26–1.92× with it, and resident memory after the release stayed within the runs' spread
 * (133–144 MiB without, 132–139 with).
 */
export const CASEOPS_NODE_FLAGS = ['--max-semi-space-size=16', '--expose-gc'] as const;

/**
 * The C allocator's settings caseops runs with in production (the Dockerfile's ENV); glibc reads them only
 * from the environment. Two arenas instead of one per thread, up to 8 per core, and freed memory given back
 * rather than kept for reuse: outside V8's heap a sweep left 38 MiB resident instead of 56 (182 → 164 MiB).
 */
export const CASEOPS_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

export interface VendorBudget {
  ratePerSecond: number;
  maxConcurrent: number;
}

export interface BenchConfig {
  quick: boolean;
  /** Simulated latency of every vendor call, ms. */
  vendorLatencyMs: number;
  ack: {
    concurrencyLevels: number[];
    /** Requests per level per app per round. */
    requestsPerLevel: Record<number, number>;
    /** Warm-up rounds per app (50 at once, apps alternating), not measured. */
    warmupRounds: number;
    warmupRequests: number;
    rounds: number;
    /** Slack retries (and shows an error) when an ack takes longer than this. */
    slackAckLimitMs: number;
    /** caseops' vendor budget in this scenario: generous, so follow-up lookups finish between rounds. */
    vendorBudget: VendorBudget;
    /** How long to wait for caseops' follow-up replies (response_url) after a round. */
    drainTimeoutMs: number;
  };
  sweep: {
    casesPerVendor: number;
    /** Channels the watches are spread over. */
    channels: number;
    /** Sweeps after the first (which only records first sightings). */
    measuredRounds: number;
    /**
     * Share of each vendor's cases moved to another status before each measured sweep. 2% of 10,000 watched
     * cases changing between two polls is already a busy NOC; each changed Cisco case costs a detail call at
     * Cisco's 2 calls/s, so 10% made every sweep 175 s and the whole run 15 minutes.
     */
    changedFraction: number;
    budgets: Record<VendorId, VendorBudget>;
    /** Cisco's summary call takes at most this many ids. */
    ciscoIdsPerCall: number;
    /** The Cisco simulator's gateway answers "Over QPS" beyond this many calls in a rolling second. */
    ciscoQpsLimit: number;
  };
  digest: {
    channels: number;
    casesPerChannel: number;
    /** Channels with enough changes for several messages (so per-channel pacing shows). */
    busyChannels: number;
    casesPerBusyChannel: number;
    slackLatencyMs: number;
    /** Slack's rate for chat.postMessage: about one message per second per channel. */
    perChannelIntervalMs: number;
    rounds: number;
  };
  startup: { rounds: number };
  /**
   * The whole run is abandoned after this. Well above the 10-minute goal (judged on its own from the run's
   * time): a run that goes over it still writes its figures, so the slow part shows.
   */
  hardLimitMs: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  return {
    quick,
    vendorLatencyMs: 20,
    ack: {
      concurrencyLevels: [1, 50, 200],
      requestsPerLevel: quick ? { 1: 100, 50: 500, 200: 1000 } : { 1: 1000, 50: 2000, 200: 4000 },
      // After one warm-up round of 1,000, both apps ran slower in the first rounds at 1 at once (bare's p99
      // 1.2-1.9 ms in rounds 1-5 of 9, then 0.4-0.9; caseops' 1.4-1.8 in rounds 1-6): code still being optimised.
      warmupRounds: quick ? 1 : 8,
      warmupRequests: quick ? 200 : 1000,
      rounds: quick ? 1 : 9,
      slackAckLimitMs: 3000,
      vendorBudget: { ratePerSecond: 2000, maxConcurrent: 32 },
      drainTimeoutMs: 60_000,
    },
    sweep: {
      casesPerVendor: quick ? 300 : 2500,
      channels: 500,
      measuredRounds: quick ? 1 : 3,
      changedFraction: 0.02,
      budgets: {
        // Cisco's real defaults; its summary call carries 30 cases, so 2 calls/s still cover 60 cases/s.
        cisco: { ratePerSecond: 2, maxConcurrent: 2 },
        // Scaled from the real 5/s so 2,500 single-case lookups take ~42 s, like Cisco's share.
        equinix: { ratePerSecond: 60, maxConcurrent: 4 },
        juniper: { ratePerSecond: 60, maxConcurrent: 4 },
        // High enough that 4 calls in flight × 20 ms latency, not the rate, is the limit.
        motadata: { ratePerSecond: 250, maxConcurrent: 4 },
      },
      ciscoIdsPerCall: 30,
      ciscoQpsLimit: 2,
    },
    digest: {
      channels: quick ? 100 : 500,
      casesPerChannel: 8,
      busyChannels: quick ? 4 : 10,
      casesPerBusyChannel: 120,
      slackLatencyMs: 50,
      perChannelIntervalMs: 1000,
      rounds: quick ? 1 : 3,
    },
    startup: { rounds: quick ? 2 : 5 },
    hardLimitMs: 30 * 60_000,
  };
}
