/**
 * Digest fan-out: 500 channels, each with undigested status changes, posted by caseops' digest runner through
 * the paced Slack notifier and the Slack app's Web API client to the fake Slack Web API behind a link with
 * 50 ms latency. caseops runs in its own process (bench/processes/caseops-tracking.ts). Most channels get one
 * message; a few busy ones get several, so per-channel pacing (about one message per second per channel, as
 * Slack allows) shows.
 *
 * The bound: channels are independent at Slack, so the fan-out can finish no sooner than its slowest channel,
 * whose m messages need (m − 1) pacing intervals and one answer: max over channels of (m − 1) × 1 s + latency.
 */
import { DEFAULT_CHANNEL_CONCURRENCY } from '../../src/scheduler/digest-runner.js';
import { CASEOPS_MALLOC_ENV, CASEOPS_NODE_FLAGS } from '../config.js';
import type { DigestRunResult } from '../processes/caseops-tracking.js';
import type { SlackPost, WorldMark } from '../processes/world.js';
import { freePort } from '../support/launch.js';
import type { LoopDelay } from '../support/loop-delay.js';
import { BenchChild } from '../support/rpc.js';
import { median, percentile, round } from '../support/stats.js';
import { appEnvironment, type BenchContext } from './context.js';

export interface DigestRound {
  round: number;
  /** 'default' is caseops as configured; 'diagnostic' changes one setting to show where the time goes. */
  kind: 'default' | 'diagnostic';
  channelConcurrency: number;
  wallMs: number;
  /** CPU caseops' process used during the run (a busy machine stretches wallMs, not this). */
  cpuMs: number;
  /** Finding the channels on the schedule, timed on its own (the run does it again, inside wallMs). */
  channelLookupMs: number;
  boundMs: number;
  ratio: number;
  channelsPosted: number;
  channelsFailed: number;
  messagesPosted: number;
  changesPosted: number;
  /** Most messages any one channel got. */
  maxMessagesPerChannel: number;
  /** Shortest time between two messages to one channel, as they reached Slack's edge. */
  minGapPerChannelMs: number | null;
  /** Highest rate any single channel saw at Slack's edge within one second. */
  peakPerChannelPerSecond: number;
  /** Shortest time between two calls to one channel as the notifier handed them to the Web API client. */
  minHandOffGapMs: number | null;
  /** From hand-off to arrival at Slack's edge (before the link's latency): median and longest. */
  handOffToArrivalMs: { p50: number; max: number };
  /** Event-loop delay and GC in caseops' process during the round. */
  appLoopDelay?: LoopDelay;
  rateLimited: number;
}

export interface DigestResult {
  channels: number;
  changesPerRound: number;
  rounds: DigestRound[];
  /** Medians over the default rounds. */
  wallMs: number;
  boundMs: number;
  ratio: number;
  messagesPosted: number;
  notes: string[];
}

/** Per channel, the shortest gap between two consecutive times, and the most times within one second. */
function spacing(entries: Array<[string, number]>): { minGap: number | null; peakPerSecond: number } {
  const byChannel = new Map<string, number[]>();
  for (const [channel, at] of entries) {
    const times = byChannel.get(channel) ?? [];
    times.push(at);
    byChannel.set(channel, times);
  }
  let minGap: number | null = null;
  let peakPerSecond = 0;
  for (const times of byChannel.values()) {
    times.sort((a, b) => a - b);
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      if (end > 0) {
        const gap = (times[end] ?? 0) - (times[end - 1] ?? 0);
        minGap = minGap === null ? gap : Math.min(minGap, gap);
      }
      while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start++;
      peakPerSecond = Math.max(peakPerSecond, end - start + 1);
    }
  }
  return { minGap, peakPerSecond };
}

/** Each hand-off paired with its arrival at Slack's edge (per channel, in order): the time in between. */
function transitTimes(handOffs: Array<[string, number]>, posts: SlackPost[]): number[] {
  const arrivals = new Map<string, number[]>();
  for (const [channel, at] of posts) arrivals.set(channel, [...(arrivals.get(channel) ?? []), at]);
  const seen = new Map<string, number>();
  const transit: number[] = [];
  for (const [channel, handedAt] of handOffs) {
    const index = seen.get(channel) ?? 0;
    seen.set(channel, index + 1);
    const arrivedAt = arrivals.get(channel)?.[index];
    if (arrivedAt !== undefined) transit.push(arrivedAt - handedAt);
  }
  return transit;
}

export async function measureDigestFanout(context: BenchContext): Promise<DigestResult> {
  const { config, scratch } = context;
  const settings = config.digest;
  const app = new BenchChild<{ port: number }>({
    modulePath: context.entryPoints['caseops-tracking'],
    nodeArgs: [...CASEOPS_NODE_FLAGS],
    env: {
      ...appEnvironment(context, { port: await freePort(), dataDir: scratch.folder('digest') }),
      ...CASEOPS_MALLOC_ENV,
    },
    logFile: scratch.log('digest-caseops'),
  });
  try {
    await app.ready;
    const watched = await app.call<number>('digestSeed', {
      channels: settings.channels,
      casesPerChannel: settings.casesPerChannel,
      busyChannels: settings.busyChannels,
      casesPerBusyChannel: settings.casesPerBusyChannel,
    });
    context.progress(`digest fan-out: ${settings.channels} channels, ${watched} watched cases`);
    const rounds: DigestRound[] = [];
    const plan: Array<{ kind: DigestRound['kind']; channelConcurrency?: number }> = [
      ...Array.from({ length: settings.rounds }, () => ({ kind: 'default' as const })),
      { kind: 'diagnostic', channelConcurrency: settings.channels },
    ];
    // Digests of one schedule fire hours apart, so each of them finds every channel free to post at once. Back
    // to back, the next round would first wait out Slack's pacing of this one's last messages.
    let lastHandOffAt = 0;
    for (const [index, step] of plan.entries()) {
      const paced = lastHandOffAt + settings.perChannelIntervalMs - Date.now();
      if (paced > 0) await new Promise((resolve) => setTimeout(resolve, paced));
      await app.call('digestChange');
      const before = await context.world.call<WorldMark>('mark');
      await app.call('loopDelayStart');
      const run = await app.call<DigestRunResult>('digestRun', {
        channelConcurrency: step.channelConcurrency,
      });
      const appLoopDelay = await app.call<LoopDelay | undefined>('loopDelayStop');
      lastHandOffAt = Math.max(lastHandOffAt, ...run.handOffs.map(([, at]) => at));
      const posts = await context.world.call<SlackPost[]>('slackPosts', { since: before });

      const posted = run.outcomes.filter((outcome) => outcome.status === 'posted');
      const maxMessages = Math.max(0, ...posted.map((outcome) => outcome.messages));
      const boundMs =
        (Math.max(maxMessages, 1) - 1) * settings.perChannelIntervalMs + settings.slackLatencyMs;
      const atSlack = spacing(posts.filter((post) => post[2] === 'ok').map(([channel, at]) => [channel, at]));
      const transit = transitTimes(run.handOffs, posts);
      rounds.push({
        round: index + 1,
        kind: step.kind,
        channelConcurrency: step.channelConcurrency ?? DEFAULT_CHANNEL_CONCURRENCY,
        wallMs: run.wallMs,
        cpuMs: run.cpuMs,
        channelLookupMs: run.channelLookupMs,
        boundMs,
        ratio: run.wallMs / boundMs,
        channelsPosted: posted.length,
        channelsFailed: run.channels - posted.length,
        messagesPosted: posted.reduce((sum, outcome) => sum + outcome.messages, 0),
        changesPosted: posted.reduce((sum, outcome) => sum + outcome.changes, 0),
        maxMessagesPerChannel: maxMessages,
        minGapPerChannelMs: atSlack.minGap,
        peakPerChannelPerSecond: atSlack.peakPerSecond,
        minHandOffGapMs: spacing(run.handOffs).minGap,
        handOffToArrivalMs: { p50: percentile(transit, 50), max: Math.max(0, ...transit) },
        appLoopDelay,
        rateLimited: posts.filter((post) => post[2] === 'http_429').length,
      });
      const last = rounds[rounds.length - 1];
      context.progress(
        `digest fan-out ${index + 1} (${step.kind}${step.channelConcurrency ? `, ${step.channelConcurrency} channels at once` : ''}): ${round(run.wallMs / 1000)} s for ${last?.messagesPosted} messages, bound ${round(boundMs / 1000)} s`,
      );
      await context.world.call('forget');
    }
    const defaultRounds = rounds.filter((entry) => entry.kind === 'default');
    return {
      channels: settings.channels,
      changesPerRound: watched,
      rounds,
      wallMs: median(defaultRounds.map((entry) => entry.wallMs)),
      boundMs: median(defaultRounds.map((entry) => entry.boundMs)),
      ratio: median(defaultRounds.map((entry) => entry.ratio)),
      messagesPosted: median(defaultRounds.map((entry) => entry.messagesPosted)),
      notes: [
        `bound = max over channels of (m − 1) × ${settings.perChannelIntervalMs} ms + ${settings.slackLatencyMs} ms latency (m: that channel's messages); channels are independent at Slack.`,
        `${settings.channels - settings.busyChannels} channels with ${settings.casesPerChannel} changes, ${settings.busyChannels} with ${settings.casesPerBusyChannel}; every case changes before each round, and a round starts at least ${settings.perChannelIntervalMs} ms after the previous one's last message, as digests fired hours apart find every channel free to post. Figures are medians over ${defaultRounds.length} rounds with caseops' defaults (${DEFAULT_CHANNEL_CONCURRENCY} channels at a time).`,
        'gaps "as sent" are between the notifier handing two messages of one channel to the Web API client; "at Slack" between their arrivals at the fake Slack’s edge (before its latency), after the client queued, encoded and sent them.',
        `the diagnostic round is not a caseops setting: a digest runner built like the production one posts every channel at once (channelConcurrency), to show how much of the time the default of ${DEFAULT_CHANNEL_CONCURRENCY} accounts for.`,
      ],
    };
  } finally {
    await app.stop();
  }
}
