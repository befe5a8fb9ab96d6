/**
 * Ack latency: signed `/case show …` commands at 1, 50 and 200 concurrent against caseops and against a bare
 * Bolt app that only acks, in the same run, rounds interleaved (the order alternates each round). caseops
 * does its real follow-up for each command (vendor lookup on the simulators, reply to response_url); each of
 * its rounds ends only once every reply has arrived, so no round inherits another's work. A round whose
 * replies do not all arrive within the drain timeout is recorded, and fails the run (bench/run.ts).
 */
import { readFileSync } from 'node:fs';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import type { WorldMark } from '../processes/world.js';
import { freePort, waitFor200 } from '../support/launch.js';
import { type LoopDelay, loopDelayCommands } from '../support/loop-delay.js';
import { BenchChild } from '../support/rpc.js';
import { runSlashLoad } from '../support/slash-load.js';
import { median, round, summarise } from '../support/stats.js';
import { appEnvironment, type BenchContext, SIGNING_SECRET, startMain } from './context.js';

type AppName = 'bare' | 'caseops';

export interface AckRound {
  app: AppName;
  round: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  /** caseops only: from the last ack to the last response_url reply of the round (or the drain timeout). */
  repliesDrainedMs?: number;
  /** caseops only: replies due (one per acked command), and how many arrived by the drain timeout. */
  replies?: { expected: number; arrived: number };
  /**
   * CPU the app's process used per command, from the start of the round until its follow-up replies were
   * all out (caseops), and what the world (vendor simulators, response_url sink) used per command meanwhile.
   */
  appCpuMsPerCommand: number;
  worldCpuMsPerCommand: number;
  /**
   * CPU the app's process used per command while the commands were coming in (until the last ack): the work
   * acks compete with. caseops holds its follow-ups back until then, so this is its ack path.
   */
  appAckCpuMsPerCommand: number;
  /** Event-loop delay in the app's process during the round. */
  appLoopDelay?: LoopDelay;
  /** Event-loop delay in the load generator (this process): a busy generator inflates both apps' figures. */
  generatorLoopDelay?: LoopDelay;
}

export interface AppFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Medians over rounds: CPU per command in the app's process and in the world's. */
  appCpuMsPerCommand: number;
  worldCpuMsPerCommand: number;
  /** Median over rounds: the app's CPU per command until the last ack. */
  appAckCpuMsPerCommand: number;
  /** Median over rounds: garbage collections while the commands were coming in. */
  gcPauses: number;
}

export interface AckLevelResult {
  concurrency: number;
  requestsPerRound: number;
  bare: AppFigures;
  caseops: AppFigures;
  p50Ratio: number;
  p99Ratio: number;
  rounds: AckRound[];
}

export interface AckResult {
  levels: AckLevelResult[];
  /** Longest single ack of either app over every round (Slack gives up at 3 s). */
  longestAckMs: { bare: number; caseops: number };
  /** caseops log lines "command refused" (a follow-up that failed): expected 0. */
  refusedCommands: number;
  /** caseops rounds (the warm-up is round 0) whose replies did not all arrive: any fails the run. */
  missingReplies: MissingReplies[];
  notes: string[];
}

export interface MissingReplies {
  concurrency: number;
  round: number;
  expected: number;
  arrived: number;
}

/** Why the run fails when caseops replies did not all arrive, naming each such round; else undefined. */
export function missingRepliesFailure(ack: AckResult): string | undefined {
  if (ack.missingReplies.length === 0) return undefined;
  const rounds = ack.missingReplies.map(
    ({ concurrency, round, expected, arrived }) =>
      `${concurrency} at once, ${round === 0 ? 'warm-up' : `round ${round}`}: ${arrived} of ${expected} replies`,
  );
  return `ack latency: caseops replies did not all arrive within the drain timeout (${rounds.join('; ')}); these figures do not measure caseops doing its work`;
}

const VENDOR_WORD: Record<VendorId, string> = {
  equinix: 'eqx',
  cisco: 'cisco',
  juniper: 'jnpr',
  motadata: 'motadata',
};

/** Which app goes first in round `r`: they take turns. */
function appOrder(r: number): AppName[] {
  return r % 2 === 1 ? ['bare', 'caseops'] : ['caseops', 'bare'];
}

function cpuMs(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage): number {
  return (after.user - before.user + after.system - before.system) / 1000;
}

function commandTexts(caseIds: Record<VendorId, string[]>): string[] {
  const texts: string[] = [];
  for (let i = 0; i < 100; i++) {
    for (const vendor of Object.keys(VENDOR_WORD) as VendorId[]) {
      const ids = caseIds[vendor];
      const id = ids[(i * 7) % ids.length];
      if (id) texts.push(`show ${VENDOR_WORD[vendor]} ${id}`);
    }
  }
  return texts;
}

export async function measureAckLatency(context: BenchContext): Promise<AckResult> {
  const { config, scratch } = context;
  const settings = config.ack;
  const caseopsLog = scratch.log('ack-caseops');
  const budgets = Object.fromEntries(
    (['equinix', 'cisco', 'juniper', 'motadata'] as const).map((v) => [v, settings.vendorBudget]),
  );
  const bare = new BenchChild<{ port: number }>({
    modulePath: context.entryPoints['bare-bolt'],
    env: appEnvironment(context, { port: 0, dataDir: scratch.folder('ack-bare') }),
    logFile: scratch.log('ack-bare'),
  });
  const caseopsPort = await freePort();
  const caseops = startMain(context, {
    port: caseopsPort,
    dataDir: scratch.folder('ack-caseops'),
    logFile: caseopsLog,
    budgets,
  });
  await caseops.ready;
  await waitFor200(`http://127.0.0.1:${caseopsPort}/healthz`, 30_000);
  const apps: Record<AppName, { child: BenchChild<unknown>; url: string }> = {
    bare: { child: bare, url: `http://127.0.0.1:${(await bare.ready).port}/slack/events` },
    caseops: { child: caseops, url: `http://127.0.0.1:${caseopsPort}/slack/events` },
  };
  const texts = commandTexts(context.worldInfo.caseIds);
  const missingReplies: MissingReplies[] = [];
  const responseUrl = context.worldInfo.responseSinkUrl;

  const runOnce = async (app: AppName, concurrency: number, requests: number, roundNumber: number) => {
    const before = await context.world.call<WorldMark>('mark');
    const appCpuBefore = await apps[app].child.call<NodeJS.CpuUsage>('cpu');
    const worldCpuBefore = await context.world.call<NodeJS.CpuUsage>('cpu');
    await apps[app].child.call('loopDelayStart');
    loopDelayCommands.loopDelayStart();
    const result = await runSlashLoad({
      url: apps[app].url,
      signingSecret: SIGNING_SECRET,
      texts,
      responseUrl,
      concurrency,
      requests,
      timeoutMs: 10_000,
    });
    const generatorLoopDelay = loopDelayCommands.loopDelayStop();
    const appAckCpu = cpuMs(appCpuBefore, await apps[app].child.call<NodeJS.CpuUsage>('cpu'));
    const appLoopDelay = await apps[app].child.call<LoopDelay | undefined>('loopDelayStop');
    const stats = summarise(result.latenciesMs);
    const entry: AckRound = {
      app,
      round: roundNumber,
      requests,
      failures: result.failures,
      p50Ms: stats.p50,
      p99Ms: stats.p99,
      maxMs: stats.max,
      wallMs: result.wallMs,
      appCpuMsPerCommand: 0,
      worldCpuMsPerCommand: 0,
      appAckCpuMsPerCommand: appAckCpu / requests,
      appLoopDelay,
      generatorLoopDelay,
    };
    if (result.failures > 0) {
      context.progress(
        `  ${app}: ${result.failures} failed requests, e.g. ${result.failureSamples.join('; ')}`,
      );
    }
    if (app === 'caseops') {
      const loadEnded = performance.now();
      const expected = before.responses + result.latenciesMs.length;
      const deadline = loadEnded + settings.drainTimeoutMs;
      let seen = before.responses;
      while (performance.now() < deadline) {
        seen = await context.world.call<number>('responses');
        if (seen >= expected) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      entry.repliesDrainedMs = performance.now() - loadEnded;
      entry.replies = { expected: result.latenciesMs.length, arrived: seen - before.responses };
      if (seen < expected) {
        missingReplies.push({ concurrency, round: roundNumber, ...entry.replies });
        context.progress(
          `  caseops: only ${entry.replies.arrived} of ${entry.replies.expected} replies arrived`,
        );
      }
    }
    const appCpu = cpuMs(appCpuBefore, await apps[app].child.call<NodeJS.CpuUsage>('cpu'));
    const worldCpu = cpuMs(worldCpuBefore, await context.world.call<NodeJS.CpuUsage>('cpu'));
    entry.appCpuMsPerCommand = appCpu / requests;
    entry.worldCpuMsPerCommand = worldCpu / requests;
    return entry;
  };

  try {
    // The vendors' own limits are the sweep's subject; here every lookup should simply be answered.
    await context.world.call('ciscoQpsLimit', { limit: null });
    context.progress('ack latency: warm-up');
    for (let r = 1; r <= settings.warmupRounds; r++) {
      for (const app of appOrder(r)) await runOnce(app, 50, settings.warmupRequests, 0);
    }

    const levels: AckLevelResult[] = [];
    for (const concurrency of settings.concurrencyLevels) {
      const requests = settings.requestsPerLevel[concurrency] ?? 1000;
      const rounds: AckRound[] = [];
      for (let r = 1; r <= settings.rounds; r++) {
        for (const app of appOrder(r)) rounds.push(await runOnce(app, concurrency, requests, r));
      }
      const of = (app: AppName): AppFigures => {
        const mine = rounds.filter((entry) => entry.app === app);
        return {
          p50Ms: median(mine.map((entry) => entry.p50Ms)),
          p99Ms: median(mine.map((entry) => entry.p99Ms)),
          maxMs: Math.max(...mine.map((entry) => entry.maxMs)),
          appCpuMsPerCommand: median(mine.map((entry) => entry.appCpuMsPerCommand)),
          worldCpuMsPerCommand: median(mine.map((entry) => entry.worldCpuMsPerCommand)),
          appAckCpuMsPerCommand: median(mine.map((entry) => entry.appAckCpuMsPerCommand)),
          gcPauses: median(mine.map((entry) => entry.appLoopDelay?.gcPauses ?? 0)),
        };
      };
      const bareStats = of('bare');
      const caseopsStats = of('caseops');
      levels.push({
        concurrency,
        requestsPerRound: requests,
        bare: bareStats,
        caseops: caseopsStats,
        p50Ratio: caseopsStats.p50Ms / bareStats.p50Ms,
        p99Ratio: caseopsStats.p99Ms / bareStats.p99Ms,
        rounds,
      });
      context.progress(
        `ack latency: c=${concurrency} p99 bare ${round(bareStats.p99Ms)} ms, caseops ${round(caseopsStats.p99Ms)} ms`,
      );
    }

    const refusedCommands = readFileSync(caseopsLog, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"command refused"')).length;
    return {
      levels,
      longestAckMs: {
        bare: Math.max(...levels.map((level) => level.bare.maxMs)),
        caseops: Math.max(...levels.map((level) => level.caseops.maxMs)),
      },
      refusedCommands,
      missingReplies,
      notes: [
        `${settings.rounds} rounds per level, bare and caseops alternating first; figures are medians over rounds (max: over all).`,
        `each caseops command is followed by a vendor lookup (simulators, ${config.vendorLatencyMs} ms) and a response_url reply; vendor budget ${settings.vendorBudget.ratePerSecond}/s, ${settings.vendorBudget.maxConcurrent} in flight, so replies drain between rounds.`,
      ],
    };
  } finally {
    await Promise.all([bare.stop(), caseops.stop()]);
  }
}
