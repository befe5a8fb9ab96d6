/** What every scenario gets from the runner: configuration, the world, built entry points, scratch space. */
import { pathToFileURL } from 'node:url';
import { type BenchConfig, CASEOPS_MALLOC_ENV, CASEOPS_NODE_FLAGS } from '../config.js';
import type { WorldInfo } from '../processes/world.js';
import type { ChildName, ScratchSpace } from '../support/launch.js';
import { BenchChild } from '../support/rpc.js';

export const SIGNING_SECRET = 'bench-signing-secret-0f4c2a';

export interface BenchContext {
  config: BenchConfig;
  world: BenchChild<WorldInfo>;
  worldInfo: WorldInfo;
  /** Built JavaScript of each child process, run with plain node. */
  entryPoints: Record<ChildName, string>;
  scratch: ScratchSpace;
  /** One line of progress on stderr (the table goes to stdout). */
  progress(message: string): void;
}

/**
 * caseops' own entry point (dist/main.js of the production build) with the probe loaded ahead of it; the probe's ready message only
 * means its IPC channel is open, so wait for the app's /healthz as well.
 */
export function startMain(
  context: BenchContext,
  options: { port: number; dataDir: string; logFile: string; budgets?: Budgets },
): BenchChild<Record<string, never>> {
  return new BenchChild<Record<string, never>>({
    modulePath: context.entryPoints.main,
    nodeArgs: [...CASEOPS_NODE_FLAGS, '--import', pathToFileURL(context.entryPoints.probe).href],
    env: { ...appEnvironment(context, options), ...CASEOPS_MALLOC_ENV },
    logFile: options.logFile,
  });
}

type Budgets = Record<string, { ratePerSecond: number; maxConcurrent: number }>;

/** The environment an app under test starts with: Slack pointed at the fake, vendors at the simulators. */
export function appEnvironment(
  context: BenchContext,
  options: {
    port: number;
    dataDir: string;
    budgets?: Record<string, { ratePerSecond: number; maxConcurrent: number }>;
  },
): Record<string, string> {
  const env: Record<string, string> = {
    ...context.worldInfo.vendorEnv,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(options.port),
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: context.worldInfo.slackBotToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: context.worldInfo.slackApiUrl,
    DATA_DIR: options.dataDir,
    // Nothing fires by itself during a run: only the sweeps and digests the benchmark asks for happen.
    POLL_CRON: '0 0 1 1 *',
    DIGEST_CRON: '0 0 1 1 *',
  };
  for (const [vendor, budget] of Object.entries(options.budgets ?? {})) {
    env[`${vendor.toUpperCase()}_RATE_PER_SECOND`] = String(budget.ratePerSecond);
    env[`${vendor.toUpperCase()}_MAX_CONCURRENT`] = String(budget.maxConcurrent);
  }
  return env;
}
