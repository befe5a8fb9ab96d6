/**
 * `npm run bench`: measures caseops side by side with its baselines and prints a table; writes
 * bench/results.json (`--quick`: a smaller smoke run that writes nothing). A run whose figures cannot stand
 * (caseops replies that did not all arrive) says why, exits 1 and writes nothing.
 *
 * Everything runs on loopback: a "world" process (vendor simulators, fake Slack, response_url sink), the apps
 * under test each in their own process, and this process generating load and keeping time. Every scenario
 * is bounded in requests and time, and the whole run stops by itself after the hard limit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchConfig } from './config.js';
import type { WorldInfo, WorldOptions } from './processes/world.js';
import { type BenchResults, formatMarkdownReport, formatReport, judgeGoals } from './report.js';
import { measureAckLatency, missingRepliesFailure } from './scenarios/ack-latency.js';
import type { BenchContext } from './scenarios/context.js';
import { measureDigestFanout } from './scenarios/digest-fanout.js';
import { measureStartup } from './scenarios/memory-startup.js';
import { measurePollSweep } from './scenarios/poll-sweep.js';
import { buildChildren, ScratchSpace } from './support/launch.js';
import { describeMachine, loadAverageNow } from './support/machine.js';
import { BenchChild } from './support/rpc.js';

const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

/** A run whose figures cannot stand (its message says why): it exits 1 and writes no results. */
class BenchFailure extends Error {}

async function main(): Promise<void> {
  // --markdown: print the README's results section from bench/results.json; measures nothing.
  if (process.argv.includes('--markdown')) {
    const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults;
    process.stdout.write(`${formatMarkdownReport(results)}\n`);
    return;
  }
  const quick = process.argv.includes('--quick');
  // --only=ack|sweep|digest|startup runs one scenario (for working on it); nothing is written.
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const config = benchConfig(quick);
  const startedAt = new Date();
  const loadAtStart = loadAverageNow();
  const started = performance.now();
  const progress = (message: string) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const hardLimit = setTimeout(() => {
    progress(`over the ${config.hardLimitMs / 60_000}-minute limit: stopping`);
    process.exit(2);
  }, config.hardLimitMs);
  hardLimit.unref();

  const scratch = new ScratchSpace();
  progress(`logs and data in ${scratch.root}`);
  if ((loadAtStart[0] ?? 0) > 0.5) {
    progress(
      `note: the machine is already busy (load average ${loadAtStart.join(', ')}); figures will be noisier`,
    );
  }
  const entryPoints = await buildChildren();
  const worldOptions: WorldOptions = {
    vendorLatencyMs: config.vendorLatencyMs,
    casesPerVendor: config.sweep.casesPerVendor,
    ciscoQpsLimit: config.sweep.ciscoQpsLimit,
    slackLatencyMs: config.digest.slackLatencyMs,
  };
  const world = new BenchChild<WorldInfo>({
    modulePath: entryPoints.world,
    env: { BENCH_WORLD: JSON.stringify(worldOptions) },
    logFile: scratch.log('world'),
  });
  try {
    const worldInfo = await world.ready;
    const context: BenchContext = { config, world, worldInfo, entryPoints, scratch, progress };
    if (only) {
      let failure: string | undefined;
      const scenarios: Record<string, (c: BenchContext) => Promise<unknown>> = {
        startup: measureStartup,
        ack: async (c) => {
          const ack = await measureAckLatency(c);
          failure = missingRepliesFailure(ack);
          return ack;
        },
        sweep: measurePollSweep,
        digest: measureDigestFanout,
      };
      const scenario = scenarios[only];
      if (!scenario) throw new Error(`--only takes one of: ${Object.keys(scenarios).join(', ')}`);
      process.stdout.write(`${JSON.stringify(await scenario(context), null, 2)}\n`);
      if (failure) throw new BenchFailure(failure);
      return;
    }

    const startup = await measureStartup(context);
    const ack = await measureAckLatency(context);
    await world.call('forget');
    const sweep = await measurePollSweep(context);
    await world.call('forget');
    const digest = await measureDigestFanout(context);

    const partial: Omit<BenchResults, 'goals'> = {
      startedAt: startedAt.toISOString(),
      runSeconds: (performance.now() - started) / 1000,
      machine: describeMachine(loadAtStart),
      config,
      ack,
      sweep,
      digest,
      startup,
      memory: {
        bareIdleRssBytes: startup.bare.rssBytes,
        caseopsIdleRssBytes: startup.caseops.rssBytes,
        caseopsAfterSweepRssBytes: sweep.rssAfterSweepBytes,
        caseopsAfterSweepHeapAfterGcBytes: sweep.heapAfterGcBytes,
        ratio: sweep.rssAfterSweepBytes / startup.bare.rssBytes,
      },
    };
    const results: BenchResults = { ...partial, goals: judgeGoals(partial) };
    process.stdout.write(`\n${formatReport(results)}\n`);
    const failure = missingRepliesFailure(ack);
    if (failure) throw new BenchFailure(`${failure}; bench/results.json left as it was`);
    if (quick) progress('quick run: bench/results.json left as it was');
    else {
      writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
      progress(`results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
    }
  } finally {
    await world.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchFailure) process.stderr.write(`bench failed: ${error.message}\n`);
  else console.error(error);
  process.exit(1);
});
