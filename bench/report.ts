/** The run's results: goals judged from the measurements, the terminal tables, and results.json's shape. */
import type { BenchConfig } from './config.js';
import type { AckResult } from './scenarios/ack-latency.js';
import type { DigestResult } from './scenarios/digest-fanout.js';
import type { StartupResult } from './scenarios/memory-startup.js';
import type { SweepResultSummary, SweepRound } from './scenarios/poll-sweep.js';
import type { MachineInfo } from './support/machine.js';
import { median } from './support/stats.js';
import { formatMarkdownTable, formatTable, mib, ms, ratio } from './support/table.js';

export interface BenchResults {
  startedAt: string;
  runSeconds: number;
  machine: MachineInfo;
  config: BenchConfig;
  ack: AckResult;
  sweep: SweepResultSummary;
  digest: DigestResult;
  startup: StartupResult;
  memory: {
    bareIdleRssBytes: number;
    caseopsIdleRssBytes: number;
    caseopsAfterSweepRssBytes: number;
    /** The heap still in use after a full collection following that sweep: what caseops really keeps. */
    caseopsAfterSweepHeapAfterGcBytes?: number;
    ratio: number;
  };
  goals: Goal[];
}

export interface Goal {
  goal: string;
  measured: string;
  /** null: reported, no target set. */
  met: boolean | null;
}

/** Timers fire to the millisecond at best: a gap this much under the interval still counts as paced. */
const PACING_TOLERANCE_MS = 10;
const RUN_LIMIT_SECONDS = 600;

export function judgeGoals(results: Omit<BenchResults, 'goals'>): Goal[] {
  const { ack, sweep, digest, startup, memory, config } = results;
  const steady = sweep.rounds.filter((entry) => entry.kind === 'steady');
  const diagnostic = sweep.rounds.find((entry) => entry.kind === 'diagnostic');
  const extraCalls = sweep.rounds
    .filter((entry) => entry.kind !== 'diagnostic')
    .flatMap((entry) =>
      entry.vendors.flatMap((v) => {
        const { bulk, detail } = splitCalls(v);
        const off: string[] = [];
        if (bulk !== v.minimumCalls)
          off.push(`${v.vendor} bulk ${bulk}/${v.minimumCalls} (sweep ${entry.round})`);
        if (detail !== (v.expectedDetailCalls ?? 0)) {
          off.push(`${v.vendor} detail ${detail}/${v.expectedDetailCalls ?? 0} (sweep ${entry.round})`);
        }
        return off;
      }),
    );
  const digestDefault = digest.rounds.filter((entry) => entry.kind === 'default');
  const minGap = Math.min(
    ...digestDefault.map((entry) => entry.minGapPerChannelMs ?? Number.POSITIVE_INFINITY),
  );
  const minHandOffGap = Math.min(
    ...digestDefault.map((entry) => entry.minHandOffGapMs ?? Number.POSITIVE_INFINITY),
  );
  const unposted = digestDefault.reduce((sum, entry) => sum + entry.channelsFailed, 0);
  return [
    {
      goal: 'ack p99 within 1.2× the bare Bolt app at every concurrency',
      measured: ack.levels.map((level) => `c=${level.concurrency}: ${ratio(level.p99Ratio)}`).join(', '),
      met: ack.levels.every((level) => level.p99Ratio <= 1.2),
    },
    {
      goal: `no ack above ${config.ack.slackAckLimitMs / 1000} s`,
      measured: `longest caseops ack ${ms(ack.longestAckMs.caseops)} (bare ${ms(ack.longestAckMs.bare)})`,
      met: ack.longestAckMs.caseops <= config.ack.slackAckLimitMs,
    },
    {
      goal: 'sweep calls: the minimum bulk calls plus one detail call per changed case',
      measured:
        extraCalls.length === 0
          ? `${sweep.bulkCalls ?? sweep.calls} bulk calls = minimum ${sweep.minimumCalls}, ${sweep.detailCalls ?? 0} detail calls = ${sweep.expectedDetailCalls ?? 0} changed cases, every sweep`
          : `over the minimum: ${extraCalls.join(', ')}${diagnostic ? `; with 1 call/s of headroom at Cisco: bulk ${bulkOf(diagnostic)}/${minimumOf(diagnostic)}, detail ${detailOf(diagnostic)}` : ''}`,
      met: extraCalls.length === 0,
    },
    {
      goal: 'sweep time within 1.1× the budgets’ lower bound',
      measured: `${ms(sweep.wallMs)} vs ${ms(sweep.boundMs)}: ${ratio(sweep.ratio)} (median of ${steady.length})${diagnostic ? `; with 1 call/s of headroom at Cisco: ${ratio(diagnostic.ratio)}` : ''}`,
      met: sweep.ratio <= 1.1,
    },
    {
      goal: 'digest: every channel posted, sent ≤ 1 message/s per channel, no 429',
      measured: `${unposted} channels unposted; shortest gap in a channel: ${gapText(minHandOffGap)} as sent, ${gapText(minGap)} on arrival at Slack; ${digestDefault.reduce((sum, e) => sum + e.rateLimited, 0)} × 429`,
      met:
        unposted === 0 &&
        minHandOffGap >= config.digest.perChannelIntervalMs - PACING_TOLERANCE_MS &&
        digestDefault.every((entry) => entry.rateLimited === 0),
    },
    {
      goal: 'digest fan-out within 1.2× its pacing bound',
      measured: `${ms(digest.wallMs)} vs ${ms(digest.boundMs)}: ${ratio(digest.ratio, 1.2)} (caseops CPU ${cpuText(digestDefault.map((e) => e.cpuMs))} a fire)`,
      met: digest.ratio <= 1.2,
    },
    {
      goal: 'RSS after the 10,000-case sweep within 1.5× the bare app',
      measured: `${mib(memory.caseopsAfterSweepRssBytes)} vs ${mib(memory.bareIdleRssBytes)}: ${ratio(memory.ratio, 1.5)}${memory.caseopsAfterSweepHeapAfterGcBytes === undefined ? '' : ` (heap after GC ${mib(memory.caseopsAfterSweepHeapAfterGcBytes)})`}`,
      met: memory.ratio <= 1.5,
    },
    {
      goal: 'start-up to ready within 1.5× the bare app',
      measured: `${ms(startup.caseops.startupMs)} vs ${ms(startup.bare.startupMs)}: ${ratio(startup.startupRatio, 1.5)}`,
      met: startup.startupRatio <= 1.5,
    },
    {
      goal: `npm run bench under ${RUN_LIMIT_SECONDS / 60} minutes`,
      measured: `${Math.round(results.runSeconds)} s on ${results.machine.cpus} CPUs`,
      met: results.runSeconds < RUN_LIMIT_SECONDS,
    },
  ];
}

/** Bulk and detail calls of one vendor's sweep (results from before the split count every call as bulk). */
function splitCalls(v: SweepRound['vendors'][number]): { bulk: number; detail: number } {
  const detail = v.detailCalls ?? 0;
  return { bulk: v.bulkCalls ?? v.calls - detail, detail };
}

function bulkOf(entry: SweepRound): number {
  return entry.vendors.reduce((sum, v) => sum + splitCalls(v).bulk, 0);
}

function detailOf(entry: SweepRound): string {
  const made = entry.vendors.reduce((sum, v) => sum + splitCalls(v).detail, 0);
  const needed = entry.vendors.reduce((sum, v) => sum + (v.expectedDetailCalls ?? 0), 0);
  return `${made}/${needed}`;
}

function minimumOf(entry: SweepRound): number {
  return entry.vendors.reduce((sum, v) => sum + v.minimumCalls, 0);
}

/** The median of CPU figures (absent from results written before they were measured). */
function cpuText(values: ReadonlyArray<number | undefined>): string | null {
  const known = values.filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? null : ms(median(known));
}

function gapText(value: number): string {
  return Number.isFinite(value) ? ms(value) : 'n/a';
}

export function formatReport(results: BenchResults): string {
  const { ack, sweep, digest, startup, memory, machine } = results;
  const out: string[] = [];
  out.push(
    `caseops benchmark — ${results.startedAt}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryTotalGiB} GiB, node ${machine.node}, ${Math.round(results.runSeconds)} s`,
    `load average at start ${machine.loadAverage.atStart.join(' / ')}, at end ${machine.loadAverage.atEnd.join(' / ')}`,
    '',
    'ACK LATENCY (signed /case show, loopback; medians over rounds)',
    formatTable(
      [
        'concurrency',
        'bare p50',
        'caseops p50',
        'p50 ratio',
        'bare p99',
        'caseops p99',
        'p99 ratio',
        'caseops max',
        'CPU/command bare',
        'CPU/command caseops (+ world)',
        'CPU/command until last ack bare → caseops',
        'collections until last ack bare → caseops',
      ],
      ack.levels.map((level) => [
        level.concurrency,
        ms(level.bare.p50Ms),
        ms(level.caseops.p50Ms),
        ratio(level.p50Ratio),
        ms(level.bare.p99Ms),
        ms(level.caseops.p99Ms),
        ratio(level.p99Ratio),
        ms(level.caseops.maxMs),
        ms(level.bare.appCpuMsPerCommand),
        `${ms(level.caseops.appCpuMsPerCommand)} (+ ${ms(level.caseops.worldCpuMsPerCommand)})`,
        `${ms(level.bare.appAckCpuMsPerCommand)} → ${ms(level.caseops.appAckCpuMsPerCommand)}`,
        `${level.bare.gcPauses} → ${level.caseops.gcPauses}`,
      ]),
    ),
    ...ack.notes.map((note) => `  · ${note}`),
    '',
    `POLL SWEEP (${sweep.watched} watched cases, ${results.config.vendorLatencyMs} ms vendor latency)`,
    formatTable(
      [
        'sweep',
        'kind',
        'Cisco gate',
        'time',
        'bound',
        'ratio',
        'bulk calls',
        'minimum',
        'detail/changed',
        'changes',
        'failed',
        'RSS after',
        'heap after GC',
      ],
      sweep.rounds.map((entry) => [
        entry.round,
        entry.kind,
        `${entry.ciscoGatePerSecond}/s`,
        ms(entry.wallMs),
        ms(entry.boundMs),
        ratio(entry.ratio),
        bulkOf(entry),
        minimumOf(entry),
        detailOf(entry),
        entry.changes,
        entry.failed,
        mib(entry.rssAfterBytes),
        mib(entry.heapAfterGcBytes),
      ]),
    ),
    'per vendor, last steady sweep and the diagnostic one:',
    formatTable(
      [
        'sweep',
        'vendor',
        'cases',
        'budget',
        'bulk calls',
        'minimum',
        'detail calls',
        'changed',
        'not ok',
        'token calls',
        'peak calls/s',
        'vendor time',
        'vendor bound',
        'ratio',
        'in refresh',
        'in store writes',
      ],
      sweep.rounds
        .filter(
          (entry, index, all) =>
            entry.kind === 'diagnostic' || (entry.kind === 'steady' && all[index + 1]?.kind !== 'steady'),
        )
        .flatMap((entry) =>
          entry.vendors.map((v) => [
            entry.round,
            v.vendor,
            v.cases,
            `${v.budget.ratePerSecond}/s × ${v.budget.maxConcurrent}`,
            splitCalls(v).bulk,
            v.minimumCalls,
            splitCalls(v).detail,
            v.changedCases ?? null,
            v.callsNotOk,
            v.tokenCalls,
            v.peakPerSecond,
            v.elapsedMs === null ? null : ms(v.elapsedMs),
            ms(v.boundMs),
            v.elapsedMs === null ? null : ratio(v.elapsedMs / v.boundMs),
            ms(v.refreshMs),
            ms(v.storeWritesMs),
          ]),
        ),
    ),
    ...sweep.notes.map((note) => `  · ${note}`),
    '',
    `DIGEST FAN-OUT (${digest.channels} channels, ${digest.changesPerRound} changes a round)`,
    formatTable(
      [
        'round',
        'kind',
        'channels at once',
        'time',
        'bound',
        'ratio',
        'messages',
        'max/channel',
        'min gap sent',
        'min gap at Slack',
        '429s',
        'channel lookup',
        'caseops CPU',
      ],
      digest.rounds.map((entry) => [
        entry.round,
        entry.kind,
        entry.channelConcurrency,
        ms(entry.wallMs),
        ms(entry.boundMs),
        ratio(entry.ratio),
        entry.messagesPosted,
        entry.maxMessagesPerChannel,
        entry.minHandOffGapMs === null ? null : ms(entry.minHandOffGapMs),
        entry.minGapPerChannelMs === null ? null : ms(entry.minGapPerChannelMs),
        entry.rateLimited,
        ms(entry.channelLookupMs),
        cpuText([entry.cpuMs]),
      ]),
    ),
    ...digest.notes.map((note) => `  · ${note}`),
    '',
    'MEMORY AND START-UP (fresh process each)',
    formatTable(
      ['figure', 'bare Bolt', 'caseops', 'ratio'],
      [
        [
          'start-up to /healthz 200',
          ms(startup.bare.startupMs),
          ms(startup.caseops.startupMs),
          ratio(startup.startupRatio),
        ],
        [
          'RSS after start-up',
          mib(startup.bare.rssBytes),
          mib(startup.caseops.rssBytes),
          ratio(startup.caseops.rssBytes / startup.bare.rssBytes),
        ],
        [
          'RSS after the sweep (caseops) vs idle (bare)',
          mib(memory.bareIdleRssBytes),
          mib(memory.caseopsAfterSweepRssBytes),
          ratio(memory.ratio),
        ],
        [
          'heap in use after a full collection, after the sweeps (caseops)',
          null,
          memory.caseopsAfterSweepHeapAfterGcBytes === undefined
            ? null
            : mib(memory.caseopsAfterSweepHeapAfterGcBytes),
          null,
        ],
        ...sweepMemoryRows(sweep),
      ],
    ),
    ...startup.notes.map((note) => `  · ${note}`),
    '',
    'GOALS',
    formatTable(
      ['goal', 'measured', 'met'],
      results.goals.map((goal) => [
        goal.goal,
        goal.measured,
        goal.met === null ? 'n/a' : goal.met ? 'yes' : 'NO',
      ]),
    ),
  );
  return out.join('\n');
}

/** The README's results section, from a results file: the same figures as the terminal report, in Markdown. */
export function formatMarkdownReport(results: BenchResults): string {
  const { ack, sweep, digest, startup, memory, machine } = results;
  const steady = sweep.rounds.filter((entry) => entry.kind === 'steady');
  const diagnostic = sweep.rounds.find((entry) => entry.kind === 'diagnostic');
  const lastSteady = steady[steady.length - 1];
  const digestDefault = digest.rounds.filter((entry) => entry.kind === 'default');
  const digestDiagnostic = digest.rounds.find((entry) => entry.kind === 'diagnostic');
  const lines = [
    `Measured ${results.startedAt.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryTotalGiB} GiB RAM, Node ${machine.node}, ${machine.platform}; the whole run took ${Math.round(results.runSeconds)} s (load average at start ${machine.loadAverage.atStart.join(' / ')}).`,
    '',
    '**Ack latency** (signed `/case show`, medians over rounds; CPU per command includes caseops’ follow-up: vendor lookup and response_url reply)',
    '',
    formatMarkdownTable(
      [
        'concurrent',
        'bare p50',
        'caseops p50',
        'bare p99',
        'caseops p99',
        'p99 ratio',
        'longest caseops ack',
        'CPU/command bare → caseops',
        'CPU/command until last ack',
      ],
      ack.levels.map((level) => [
        level.concurrency,
        ms(level.bare.p50Ms),
        ms(level.caseops.p50Ms),
        ms(level.bare.p99Ms),
        ms(level.caseops.p99Ms),
        ratio(level.p99Ratio),
        ms(level.caseops.maxMs),
        `${ms(level.bare.appCpuMsPerCommand)} → ${ms(level.caseops.appCpuMsPerCommand)}`,
        `${ms(level.bare.appAckCpuMsPerCommand)} → ${ms(level.caseops.appAckCpuMsPerCommand)}`,
      ]),
    ),
    '',
    `**Poll sweep** (${sweep.watched} watched cases, ${results.config.vendorLatencyMs} ms vendor latency; bound per vendor = max(⌈c/k⌉ × L, (c − 1)/r + L), the sweep’s = the slowest vendor’s)`,
    '',
    formatMarkdownTable(
      [
        'sweep',
        'Cisco limit',
        'time',
        'bound',
        'ratio',
        'bulk calls',
        'minimum',
        'detail calls / changed cases',
      ],
      [
        ...(lastSteady
          ? [
              [
                `steady (median of ${steady.length})`,
                `${lastSteady.ciscoGatePerSecond}/s`,
                ms(sweep.wallMs),
                ms(sweep.boundMs),
                ratio(sweep.ratio),
                bulkOf(lastSteady),
                minimumOf(lastSteady),
                detailOf(lastSteady),
              ],
            ]
          : []),
        ...(diagnostic
          ? [
              [
                'diagnostic',
                `${diagnostic.ciscoGatePerSecond}/s`,
                ms(diagnostic.wallMs),
                ms(diagnostic.boundMs),
                ratio(diagnostic.ratio),
                bulkOf(diagnostic),
                minimumOf(diagnostic),
                detailOf(diagnostic),
              ],
            ]
          : []),
      ],
    ),
    '',
    formatMarkdownTable(
      [
        'vendor (last steady sweep)',
        'budget',
        'calls / minimum',
        'throttled',
        'peak calls/s',
        'time / bound',
      ],
      (lastSteady?.vendors ?? []).map((v) => [
        v.vendor,
        `${v.budget.ratePerSecond}/s × ${v.budget.maxConcurrent}`,
        `${v.calls} / ${v.minimumCalls}`,
        v.callsNotOk,
        v.peakPerSecond,
        v.elapsedMs === null
          ? null
          : `${ms(v.elapsedMs)} / ${ms(v.boundMs)} (${ratio(v.elapsedMs / v.boundMs)})`,
      ]),
    ),
    '',
    `**Digest fan-out** (${digest.channels} channels, ${digest.changesPerRound} changes a round, fake Slack ${results.config.digest.slackLatencyMs} ms away)`,
    '',
    formatMarkdownTable(
      [
        'run',
        'channels at once',
        'time',
        'bound',
        'ratio',
        'messages',
        'shortest gap in a channel (sent / at Slack)',
        '429s',
        'caseops CPU',
      ],
      [
        [
          `caseops default (median of ${digestDefault.length})`,
          digestDefault[0]?.channelConcurrency,
          ms(digest.wallMs),
          ms(digest.boundMs),
          ratio(digest.ratio),
          digest.messagesPosted,
          `${gapText(Math.min(...digestDefault.map((e) => e.minHandOffGapMs ?? Number.POSITIVE_INFINITY)))} / ${gapText(Math.min(...digestDefault.map((e) => e.minGapPerChannelMs ?? Number.POSITIVE_INFINITY)))}`,
          digestDefault.reduce((sum, e) => sum + e.rateLimited, 0),
          cpuText(digestDefault.map((e) => e.cpuMs)),
        ],
        ...(digestDiagnostic
          ? [
              [
                'diagnostic: every channel at once',
                digestDiagnostic.channelConcurrency,
                ms(digestDiagnostic.wallMs),
                ms(digestDiagnostic.boundMs),
                ratio(digestDiagnostic.ratio),
                digestDiagnostic.messagesPosted,
                `${gapText(digestDiagnostic.minHandOffGapMs ?? Number.NaN)} / ${gapText(digestDiagnostic.minGapPerChannelMs ?? Number.NaN)}`,
                digestDiagnostic.rateLimited,
                cpuText([digestDiagnostic.cpuMs]),
              ],
            ]
          : []),
      ],
    ),
    '',
    '**Memory and start-up** (fresh process each; caseops is its production build, `dist/main.js`)',
    '',
    formatMarkdownTable(
      ['figure', 'bare Bolt', 'caseops', 'ratio'],
      [
        [
          'start-up to `/healthz` 200',
          ms(startup.bare.startupMs),
          ms(startup.caseops.startupMs),
          ratio(startup.startupRatio),
        ],
        [
          'RSS after start-up',
          mib(startup.bare.rssBytes),
          mib(startup.caseops.rssBytes),
          ratio(startup.caseops.rssBytes / startup.bare.rssBytes),
        ],
        [
          'RSS after the 10,000-case sweeps (caseops) vs idle (bare)',
          mib(memory.bareIdleRssBytes),
          mib(memory.caseopsAfterSweepRssBytes),
          ratio(memory.ratio),
        ],
        [
          'heap in use after a full collection, after the sweeps (caseops)',
          null,
          memory.caseopsAfterSweepHeapAfterGcBytes === undefined
            ? null
            : mib(memory.caseopsAfterSweepHeapAfterGcBytes),
          null,
        ],
        ...sweepMemoryRows(sweep),
      ],
    ),
    '',
    '**Goals**',
    '',
    formatMarkdownTable(
      ['goal', 'measured', 'met'],
      results.goals.map((goal) => [
        goal.goal,
        goal.measured,
        goal.met === null ? 'n/a' : goal.met ? 'yes' : '**no**',
      ]),
    ),
  ];
  return lines.join('\n');
}

/** V8's heap and what lies outside it at the moment of the after-sweep figure (older results lack them). */
function sweepMemoryRows(sweep: SweepResultSummary): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  if (sweep.heapTotalAfterSweepBytes !== undefined)
    rows.push([
      'V8 heap total right after the sweeps (caseops)',
      null,
      mib(sweep.heapTotalAfterSweepBytes),
      null,
    ]);
  if (typeof sweep.outsideV8AfterSweepBytes === 'number')
    rows.push([
      'resident outside V8, not file-backed (caseops)',
      null,
      mib(sweep.outsideV8AfterSweepBytes),
      null,
    ]);
  return rows;
}
