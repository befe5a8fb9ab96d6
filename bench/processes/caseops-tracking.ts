/**
 * caseops for the poll sweep and the digest fan-out: wired as src/main.ts wires it (configuration, logger,
 * metrics, store, vendor registry, status tracking and scheduler from createStatusTracking, the Slack app in
 * HTTP mode with its operations routes and Web API client), plus IPC commands to seed watches, run one sweep
 * or one digest fire, and read memory. main.ts offers no way in to its tracker and digest runner, hence this
 * twin; the ack and start-up scenarios run main.ts itself.
 *
 * Only what the tracker sees of the store and the vendors, and what the notifier hands to the Slack client,
 * is wrapped, to time where the work goes; tracker, digest runner, notifier, adapters and store are the
 * production ones.
 */
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { webApi } from '@slack/bolt';
import { channelCardRenderer } from '../../src/compose/app.js';
import { createStatusTracking } from '../../src/compose/status-tracking.js';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import type { Case } from '../../src/domain/case.js';
import { scheduleKey } from '../../src/domain/digest.js';
import type { Store } from '../../src/domain/ports/store.js';
import type { VendorLookup } from '../../src/domain/status-tracking.js';
import { createLogger } from '../../src/logging/logger.js';
import { CaseopsMetrics } from '../../src/observability/metrics.js';
import { createOpsRoutes, ReadinessCheck } from '../../src/observability/ops-server.js';
import { type DigestOutcome, DigestRunner } from '../../src/scheduler/index.js';
import { memoryRelease } from '../../src/scheduler/memory-release.js';
import { createSlackApp } from '../../src/slack/app.js';
import { SlackDigestPublisher } from '../../src/slack/notifier.js';
import { webClientOptions } from '../../src/slack/web-client.js';
import { createStore } from '../../src/store/index.js';
import type { CallEvent } from '../../src/vendors/http/wire.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import { VENDOR_IDS } from '../../src/vendors/plugin.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { loopDelayCommands } from '../support/loop-delay.js';
import { residentMemory } from '../support/resident-memory.js';
import { announceReady, serveCommands } from '../support/rpc.js';

export interface SweepResult {
  /** Epoch ms when the sweep began, to place the vendors' request logs on the same clock. */
  startedAt: number;
  wallMs: number;
  watched: number;
  refreshed: number;
  failed: number;
  skipped: number;
  changes: number;
  /** Vendor calls caseops made during the sweep, as its HTTP client counted them. */
  calls: Record<string, { api: number; token: number; notOk: number }>;
  /**
   * Where each vendor's share of the sweep went: waiting for `adapter.refresh` (vendor calls within the
   * budget) and for the store writes of its outcomes. The tracker does one after the other per batch.
   */
  timeByVendor: Record<string, VendorTime>;
  /** The most resident memory and V8 heap seen during the sweep (sampled every 250 ms). */
  peak: { rssBytes: number; heapTotalBytes: number };
  /** CPU the process used during the sweep (collection included). */
  cpuMs: number;
  /** The memory release the scheduler runs after each poll, run after the sweep: its pause. */
  releaseMs: number;
}

interface VendorTime {
  refreshMs: number;
  storeWritesMs: number;
  batches: number;
}

type VendorTimes = Record<string, VendorTime>;

export interface DigestSeed {
  channels: number;
  casesPerChannel: number;
  busyChannels: number;
  casesPerBusyChannel: number;
}

export interface DigestRunResult {
  wallMs: number;
  /** CPU caseops' process used during the run (a busy machine stretches wallMs, not this). */
  cpuMs: number;
  /** Finding the channels on the schedule, timed on its own (the run does it again, inside wallMs). */
  channelLookupMs: number;
  channels: number;
  outcomes: Array<{ channel: string; status: DigestOutcome['status']; messages: number; changes: number }>;
  /** chat.postMessage calls as the notifier handed them to the Web API client: [channel, epoch ms]. */
  handOffs: Array<[string, number]>;
}

/** The statuses digest cases move between, one step per round. */
const DIGEST_STATUSES = ['In progress', 'Waiting on customer', 'Waiting on vendor'] as const;

function digestCase(vendor: VendorId, id: string, status: string): Case {
  return {
    vendor,
    id,
    alternateIds: [],
    title: `Bench case ${id}: optic flapping on edge router uplink`,
    status,
    state: status === 'Waiting on customer' ? 'waiting-on-customer' : 'waiting-on-vendor',
    notes: [],
    fields: [],
  };
}

function timeOf(times: VendorTimes, vendor: string): VendorTime {
  const entry = times[vendor] ?? { refreshMs: 0, storeWritesMs: 0, batches: 0 };
  times[vendor] = entry;
  return entry;
}

/** The store with the tracker's writes timed per vendor; everything else passes straight through. */
function timedStore(store: Store, times: VendorTimes): Store {
  const timed = async <T>(vendor: string, write: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await write();
    } finally {
      timeOf(times, vendor).storeWritesMs += performance.now() - started;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'observeCase') {
        return (...args: Parameters<Store['observeCase']>) =>
          timed(args[0].vendor, () => target.observeCase(...args));
      }
      if (property === 'recordSyncFailure') {
        return (vendor: VendorId, caseId: string, error: string, at: string) =>
          timed(vendor, () => target.recordSyncFailure(vendor, caseId, error, at));
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The registry as the tracker sees it, with each adapter's `refresh` timed. */
function timedVendors(vendors: VendorRegistry, times: VendorTimes): VendorLookup {
  return {
    profile: (vendor) => vendors.profile(vendor),
    get: (vendor) => {
      const adapter = vendors.get(vendor);
      if (!adapter) return undefined;
      return new Proxy(adapter, {
        get(target, property) {
          if (property === 'refresh') {
            return async (ids: readonly string[]) => {
              const started = performance.now();
              try {
                return await target.refresh(ids);
              } finally {
                const entry = timeOf(times, vendor);
                entry.refreshMs += performance.now() - started;
                entry.batches++;
              }
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

async function main(): Promise<void> {
  // Milliseconds since the process began (performance's time origin), at each step of start-up.
  const phases: Record<string, number> = { modulesLoaded: performance.now() };
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL });
  const metrics = new CaseopsMetrics();
  const store = await createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
  await store.migrate();
  phases.storeMigrated = performance.now();

  const callLog: CallEvent[] = [];
  const vendors = createVendorRegistry(env, {
    logger,
    onCall: (event) => {
      metrics.vendorCallObserver(event);
      callLog.push(event);
    },
    onTokenRefresh: metrics.onTokenRefresh,
  });
  const vendorHealth = () => vendors.enabled().map((adapter) => adapter.health());
  metrics.trackVendorHealth(vendorHealth);

  let serving = false;
  const readiness = new ReadinessCheck({ store, serving: () => serving, vendors: vendorHealth });
  const timeByVendor: VendorTimes = {};
  const handOffs: Array<[string, number]> = [];
  // The notifier's own client, as src/compose builds it.
  const client = new webApi.WebClient(env.SLACK_BOT_TOKEN, webClientOptions(env));
  // The scheduler runs it after each poll; the sweep command below runs it after each sweep.
  const release = memoryRelease({ logger });
  const tracking = createStatusTracking({
    env,
    memoryRelease: release,
    store: timedStore(store, timeByVendor),
    vendors: timedVendors(vendors, timeByVendor),
    slackClient: {
      chat: {
        postMessage: (args) => {
          handOffs.push([args.channel, Date.now()]);
          return client.chat.postMessage(args);
        },
        update: (args) => client.chat.update(args),
      },
    },
    logger,
    observer: metrics,
  });
  const useCases = createUseCases({ store, vendors, logger, digests: tracking.scheduler });
  const slack = createSlackApp({
    config: env,
    useCases,
    logger,
    metrics,
    routes: createOpsRoutes({ readiness, metrics }),
  });
  tracking.enableCardUpdates(useCases.cards, channelCardRenderer(useCases));
  phases.wired = performance.now();
  const { port } = await slack.start(env.PORT);
  phases.listening = performance.now();
  await tracking.start();
  phases.schedulerStarted = performance.now();
  serving = true;

  const digestCases: Array<{ vendor: VendorId; id: string }> = [];
  let digestRound = 0;

  serveCommands({
    ...loopDelayCommands,
    memory: () => process.memoryUsage(),
    residentMemory,
    /** Memory after a full collection (the process runs with --expose-gc): what is really kept. */
    memoryAfterGc: () => {
      (globalThis as { gc?: () => void }).gc?.();
      // BENCH_HEAP_SNAPSHOT=<dir>: also write a heap snapshot there each time (finding what holds memory).
      const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
      if (snapshotDir) writeHeapSnapshot(path.join(snapshotDir, `sweep-${Date.now()}.heapsnapshot`));
      return process.memoryUsage();
    },
    cpu: () => process.cpuUsage(),
    /**
     * Channel `CBENCH<n>` watches every `channels`-th case, so the watches spread over that many channels. Each
     * case's first snapshot is stored from a lookup, as `/case watch` stores it: the sweeps then look up only
     * the cases that moved. The lookups go through adapters of their own with generous budgets (the caller
     * lifts the Cisco simulator's gate meanwhile), so seeding does not spend the measured budgets.
     */
    watch: async (args: { caseIds: Record<VendorId, string[]>; channels: number }): Promise<number> => {
      const seedBudgets: Record<string, number> = {};
      for (const vendor of VENDOR_IDS) {
        seedBudgets[`${vendor.toUpperCase()}_RATE_PER_SECOND`] = 1000;
        seedBudgets[`${vendor.toUpperCase()}_MAX_CONCURRENT`] = 16;
      }
      const seedVendors = createVendorRegistry({ ...env, ...seedBudgets } as typeof env, { logger });
      let added = 0;
      try {
        for (const [vendor, ids] of Object.entries(args.caseIds) as Array<[VendorId, string[]]>) {
          const adapter = seedVendors.get(vendor);
          let next = 0;
          // 16 at a time, like the seed budgets: thousands of lookups at once would swell the process's memory
          // before the measured sweeps begin.
          const seedOne = async () => {
            while (next < ids.length) {
              const index = next++;
              const caseId = ids[index] ?? '';
              const channelId = `CBENCH${String(index % args.channels).padStart(4, '0')}`;
              const current = await adapter?.lookup(caseId);
              if (await store.addWatch({ vendor, caseId, channelId, createdBy: 'UBENCH' })) added++;
              if (current) await store.recordObservation(current, new Date().toISOString());
            }
          };
          await Promise.all(Array.from({ length: 16 }, seedOne));
        }
      } finally {
        await seedVendors.close();
      }
      return added;
    },
    /** Channels `CDIGEST<n>` watching cases of their own, each seen once (no change yet). */
    digestSeed: async (args: DigestSeed): Promise<number> => {
      const at = new Date(Date.now() - 60_000).toISOString();
      for (let c = 0; c < args.channels; c++) {
        const channelId = `CDIGEST${String(c).padStart(4, '0')}`;
        const count = c < args.busyChannels ? args.casesPerBusyChannel : args.casesPerChannel;
        for (let k = 0; k < count; k++) {
          const vendor = VENDOR_IDS[(c + k) % VENDOR_IDS.length] ?? 'cisco';
          const id = String(80_000_000 + c * 1000 + k);
          await store.addWatch({ vendor, caseId: id, channelId, createdBy: 'UBENCH', createdAt: at });
          await store.recordObservation(digestCase(vendor, id, DIGEST_STATUSES[0]), at);
          digestCases.push({ vendor, id });
        }
      }
      return digestCases.length;
    },
    /** Every digest case moves to the next status: one change each, waiting for the next digest. */
    digestChange: async (): Promise<void> => {
      digestRound++;
      const status = DIGEST_STATUSES[digestRound % DIGEST_STATUSES.length] ?? DIGEST_STATUSES[1];
      const at = new Date().toISOString();
      for (const { vendor, id } of digestCases)
        await store.recordObservation(digestCase(vendor, id, status), at);
    },
    /**
     * One fire of the default digest schedule, as the scheduler runs it. `channelConcurrency` (diagnostic
     * only) runs it with a digest runner built like the production one but with that setting.
     */
    digestRun: async (args: { channelConcurrency?: number }): Promise<DigestRunResult> => {
      const { defaults } = tracking.digests;
      const runner =
        args.channelConcurrency === undefined
          ? tracking.digests
          : new DigestRunner({
              store,
              publisher: new SlackDigestPublisher({ notifier: tracking.notifier }),
              defaults,
              holder: 'bench-diagnostic',
              logger,
              channelConcurrency: args.channelConcurrency,
            });
      const key = scheduleKey(defaults);
      const lookupStarted = performance.now();
      const channels = await runner.channelsOnSchedule(key);
      const channelLookupMs = performance.now() - lookupStarted;
      handOffs.length = 0;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const outcomes = await runner.runSchedule(key);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        channelLookupMs,
        channels: channels.length,
        outcomes: [...outcomes].map(([channel, outcome]) => ({
          channel,
          status: outcome.status,
          messages: 'messages' in outcome ? outcome.messages : 0,
          changes: 'changes' in outcome ? outcome.changes : 0,
        })),
        handOffs: [...handOffs],
      };
    },
    sweep: async (): Promise<SweepResult> => {
      for (const key of Object.keys(timeByVendor)) delete timeByVendor[key];
      const firstCall = callLog.length;
      const startedAt = Date.now();
      const started = performance.now();
      const peak = { rssBytes: 0, heapTotalBytes: 0 };
      const sample = () => {
        const { rss, heapTotal } = process.memoryUsage();
        peak.rssBytes = Math.max(peak.rssBytes, rss);
        peak.heapTotalBytes = Math.max(peak.heapTotalBytes, heapTotal);
      };
      const sampler = setInterval(sample, 250);
      const cpuBefore = process.cpuUsage();
      const report = await tracking.tracker.pollOnce().finally(() => clearInterval(sampler));
      sample();
      const cpu = process.cpuUsage(cpuBefore);
      const wallMs = performance.now() - started;
      const releaseStarted = performance.now();
      await release.runOnce();
      const releaseMs = performance.now() - releaseStarted;
      const calls: SweepResult['calls'] = {};
      for (const event of callLog.slice(firstCall)) {
        const entry = calls[event.vendor] ?? { api: 0, token: 0, notOk: 0 };
        calls[event.vendor] = entry;
        if (event.operation === 'token') entry.token++;
        else entry.api++;
        if (event.outcome !== 'ok') entry.notOk++;
      }
      callLog.length = 0;
      return {
        startedAt,
        wallMs,
        watched: report.watched,
        refreshed: report.refreshed,
        failed: report.failed,
        skipped: report.skipped,
        changes: report.changes.length,
        calls,
        timeByVendor: structuredClone(timeByVendor),
        peak,
        cpuMs: (cpu.user + cpu.system) / 1000,
        releaseMs,
      };
    },
  });

  process.once('SIGTERM', () => {
    serving = false;
    void (async () => {
      await slack.stop();
      await tracking.stop();
      await vendors.close();
      await store.close();
      process.exit(0);
    })();
  });
  announceReady({ port, phases });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
