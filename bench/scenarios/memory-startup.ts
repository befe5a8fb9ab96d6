/**
 * Start-up and idle memory, each app in a fresh process per round (bare Bolt and caseops alternating first):
 * time from spawn to the first 200 from /healthz (caseops' answers 200 only once the app has started:
 * store opened and migrated, scheduler and Slack receiver up), polled every 5 ms; then the process's
 * resident memory. caseops' memory after the 10,000-case sweep comes from the sweep scenario's process.
 */
import { freePort, waitFor200 } from '../support/launch.js';
import { BenchChild } from '../support/rpc.js';
import { median, round } from '../support/stats.js';
import { appEnvironment, type BenchContext, startMain } from './context.js';

type AppName = 'bare' | 'caseops';

export interface StartupRound {
  app: AppName;
  round: number;
  startupMs: number;
  rssBytes: number;
  /** The bare app's own marks, ms since its process began (main.ts has none). */
  phases: Record<string, number>;
}

export interface StartupFigures {
  startupMs: number;
  rssBytes: number;
  /** Median of each start-up mark. */
  phases: Record<string, number>;
}

export interface StartupResult {
  rounds: StartupRound[];
  bare: StartupFigures;
  caseops: StartupFigures;
  startupRatio: number;
  notes: string[];
}

function describePhases(phases: Record<string, number>): string {
  return Object.entries(phases)
    .map(([mark, at]) => `${mark} ${Math.round(at)}`)
    .join(', ');
}

export async function measureStartup(context: BenchContext): Promise<StartupResult> {
  const { config, scratch } = context;
  const rounds: StartupRound[] = [];
  // One unmeasured start of each first, so both find the files in the page cache alike.
  for (let r = 0; r <= config.startup.rounds; r++) {
    const order: AppName[] = r % 2 === 1 ? ['bare', 'caseops'] : ['caseops', 'bare'];
    for (const app of order) {
      const port = await freePort();
      const dataDir = scratch.folder(`startup-${app}`);
      const logFile = scratch.log(`startup-${app}`);
      const child: BenchChild<{ phases?: Record<string, number> }> =
        app === 'caseops'
          ? startMain(context, { port, dataDir, logFile })
          : new BenchChild({
              modulePath: context.entryPoints['bare-bolt'],
              env: appEnvironment(context, { port, dataDir }),
              logFile,
            });
      try {
        const answeredAt = await waitFor200(`http://127.0.0.1:${port}/healthz`, 30_000);
        const { phases = {} } = await child.ready;
        const memory = await child.call<NodeJS.MemoryUsage>('memory');
        if (r > 0) {
          rounds.push({
            app,
            round: r,
            startupMs: answeredAt - child.spawnedAt,
            rssBytes: memory.rss,
            phases,
          });
        }
      } finally {
        await child.stop();
        scratch.removeData(dataDir);
      }
    }
  }
  const of = (app: AppName): StartupFigures => {
    const mine = rounds.filter((entry) => entry.app === app);
    const marks = Object.keys(mine[0]?.phases ?? {});
    return {
      startupMs: median(mine.map((entry) => entry.startupMs)),
      rssBytes: median(mine.map((entry) => entry.rssBytes)),
      phases: Object.fromEntries(
        marks.map((mark) => [mark, median(mine.map((entry) => entry.phases[mark] ?? 0))]),
      ),
    };
  };
  const bare = of('bare');
  const caseops = of('caseops');
  context.progress(
    `start-up: bare ${round(bare.startupMs)} ms, caseops ${round(caseops.startupMs)} ms (medians of ${config.startup.rounds})`,
  );
  return {
    rounds,
    bare,
    caseops,
    startupRatio: caseops.startupMs / bare.startupMs,
    notes: [
      `start-up: spawn to first /healthz 200, polled every 5 ms, fresh process each time, median of ${config.startup.rounds} (after one unmeasured start of each); both run with plain node: caseops from its production build (scripts/build.mjs, the bundle npm run build puts in dist/), bare Bolt from the benchmark's own one-file-per-module build. caseops' entry turns on Node's compile cache (src/launch.ts), which the unmeasured start fills, as a restart finds it; bare Bolt runs without one, as a plain Bolt app does.`,
      'idle memory: resident set right after start-up, median of the same processes.',
      `caseops is dist/main.js (HTTP mode, SQLite in a fresh folder, auth.test to the fake Slack in the background as Bolt does for both); its /healthz answers once the Slack receiver listens. Bare start-up marks, ms since the process began (medians): ${describePhases(bare.phases)}.`,
    ],
  };
}
