/**
 * The composition root: configuration → store → vendors → Slack app → scheduler → start; graceful shutdown.
 *
 * With no Slack credentials (or CASEOPS_PLAYGROUND=true) it runs the playground instead of serving a
 * workspace: the same app, vendor simulators, the embedded store and a Slack-like page on PORT.
 */
import { loadDotEnv } from './config/dotenv.js';
import { ConfigError, loadEnv } from './config/env.js';
import { checkStartupConfiguration } from './config/startup.js';
import { createLogger, type Logger, registerSecretValues, secretValuesOf } from './logging/logger.js';
import { CaseopsMetrics } from './observability/metrics.js';
import { createOpsRoutes, ReadinessCheck } from './observability/ops-server.js';
import { type Playground, startPlayground } from './playground/index.js';
import { createStatusTracking, type StatusTracking } from './scheduler/index.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { channelCard } from './slack/cards.js';
import { createSlackPolicyGate } from './slack/policy.js';
import { checkPostgresReachable, DatabaseUnreachableError, IN_MEMORY } from './store/connect.js';
import { createStore } from './store/index.js';
import type { Store } from './store/store.js';
import { createVendorRegistry } from './vendors/index.js';
import type { VendorRegistry } from './vendors/registry.js';
import { type Sandbox, startSandbox } from './vendors/sandbox.js';

/** Slack listener runs (middleware and listeners, which go on after the ack) that have not finished yet. */
class InFlight {
  private count = 0;
  private idleWaiters: Array<() => void> = [];

  async track(work: () => Promise<void>): Promise<void> {
    this.count++;
    try {
      await work();
    } finally {
      this.count--;
      if (this.count === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  get size(): number {
    return this.count;
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

interface Running {
  logger: Logger;
  /** What /readyz reports: true once everything has started, false again as soon as shutdown begins. */
  serving: boolean;
  shutdownTimeoutMs: number;
  slackWork: InFlight;
  slack?: SlackApp;
  tracking?: StatusTracking;
  vendors?: VendorRegistry;
  store?: Store;
  playground?: Playground;
  sandbox?: Sandbox;
}

async function start(running: Running): Promise<void> {
  const dotenv = loadDotEnv();
  // Everything is checked before anything is opened, created or started.
  const config = checkStartupConfiguration();
  let env = config.env;
  const { policy } = config;
  const playgroundMode = config.mode === 'playground';
  running.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
  // Configured credentials are masked by value in every log line, whatever their shape.
  registerSecretValues(secretValuesOf(env));
  const logger = createLogger({
    level: env.LOG_LEVEL,
    pretty: env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT === undefined && env.NODE_ENV === 'development'),
  });
  running.logger = logger;
  if (dotenv) {
    logger.info(
      { file: dotenv.path, applied: dotenv.applied.length, keptFromEnvironment: dotenv.keptFromEnvironment },
      `read ${dotenv.applied.length} variable(s) from .env; the environment's own values won where both were set`,
    );
  }
  if (env.DATABASE_URL) await checkPostgresReachable(env.DATABASE_URL);

  if (playgroundMode || env.CASEOPS_SANDBOX) {
    running.sandbox = await startSandbox();
    // The simulators' addresses and credentials win over anything set for real vendors.
    env = loadEnv({ ...process.env, ...running.sandbox.env });
    logger.info('CASEOPS_SANDBOX: all four vendors run against the built-in simulators on loopback');
  }
  if (playgroundMode) {
    if (!running.sandbox) throw new Error('the playground needs the sandbox');
    running.playground = await startPlayground({ sandbox: running.sandbox, logger });
    const { botId: _botId, botUserId: _botUserId, ...slackVariables } = running.playground.slack;
    env = { ...env, ...slackVariables, SLACK_APP_TOKEN: undefined, CASEOPS_PLAYGROUND: true };
    // The page acts as a signed-in person: keep it on this machine unless HOST says otherwise.
    if (!process.env.HOST) env.HOST = '127.0.0.1';
  }

  const metrics = new CaseopsMetrics();

  // The playground keeps its own throwaway store: a deployment's DATA_DIR or database is never touched by it.
  const store = await createStore(
    playgroundMode
      ? { dataDir: IN_MEMORY, logger }
      : { dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger },
  );
  running.store = store;
  await store.migrate();
  logger.info({ dialect: store.dialect }, `store ready (${store.dialect})`);

  const vendors = createVendorRegistry(env, {
    logger,
    onCall: metrics.vendorCallObserver,
    onTokenRefresh: metrics.onTokenRefresh,
  });
  running.vendors = vendors;
  const vendorHealth = () => vendors.enabled().map((adapter) => adapter.health());
  metrics.trackVendorHealth(vendorHealth);

  // Group rules are resolved through Slack's Web API with its own client, so the gate exists before the app.
  const gate = createSlackPolicyGate(policy, { config: env, logger, metrics });

  // Built below; the readiness check and the digest poster only call it after start-up.
  let slack: SlackApp | undefined;
  const readiness = new ReadinessCheck({
    store,
    serving: () => running.serving,
    vendors: vendorHealth,
    ...(playgroundMode ? {} : { slackAuthTest: () => (slack as SlackApp).app.client.auth.test() }),
  });
  const routes = [
    ...createOpsRoutes({
      readiness,
      metrics,
      onError: (error, path) => logger.error({ err: error, path }, 'an operations endpoint failed'),
    }),
    ...(running.playground?.routes ?? []),
  ];

  const tracking = createStatusTracking({
    env,
    store,
    vendors,
    // Assigned below before anything can fire: start() runs after the Slack app is built.
    slackClient: {
      chat: {
        postMessage: (args) => (slack as SlackApp).app.client.chat.postMessage(args),
        update: (args) => (slack as SlackApp).app.client.chat.update(args),
      },
    },
    logger,
    observer: metrics,
  });
  running.tracking = tracking;

  slack = createSlackApp({
    config: env,
    vendors,
    store,
    logger,
    policy: gate,
    digests: tracking.scheduler,
    metrics,
    routes,
    ...(running.playground
      ? { botId: running.playground.slack.botId, botUserId: running.playground.slack.botUserId }
      : {}),
  });
  running.slack = slack;
  // Counts every Slack request's work through to its listener's end, so shutdown can wait for it.
  slack.app.use(({ next }) => running.slackWork.track(next));
  const slackApp = slack;
  tracking.enableCardUpdates((c, card) => channelCard(slackApp.deps, c, card.channelId, 'channel'));

  const { port } = await slack.start(env.PORT);
  await tracking.start();
  running.serving = true;

  if (running.playground) {
    running.playground.attach(`http://127.0.0.1:${port}/slack/events`, {
      pollNow: async () => {
        await tracking.tracker.pollOnce();
      },
    });
    logger.info(`caseops playground: open http://localhost:${port}/ (no Slack workspace needed)`);
  } else {
    logger.info(
      { mode: slack.mode, port },
      slack.mode === 'socket'
        ? `caseops connected to Slack over Socket Mode; health and metrics on port ${port}`
        : `caseops listening for Slack on http://${env.HOST}:${port}/slack/events`,
    );
  }
}

/**
 * SIGTERM's order: /readyz answers 503 first (a load balancer stops sending), then no new Slack requests are
 * taken, then in-flight Slack work and scheduler runs get up to SHUTDOWN_TIMEOUT_MS to finish, then everything
 * is closed. Returns false when the deadline passed with work still running.
 */
async function shutdown(running: Running): Promise<boolean> {
  const { logger } = running;
  running.serving = false;
  logger.info('shutdown: /readyz answers 503 from now on');
  const { playground, slack, tracking } = running;
  running.playground = undefined;
  running.slack = undefined;
  running.tracking = undefined;
  const drain = async () => {
    // The playground first: its page's live streams ride on the app's HTTP server and would hold it open.
    await step(running, 'playground', playground && (() => playground.stop()));
    // Closing the listener refuses new connections; requests already received run to their answer.
    await step(running, 'Slack app', slack && (() => slack.stop()));
    if (slack) logger.info('shutdown: no new Slack requests are taken');
    await Promise.all([
      running.slackWork.idle(),
      step(running, 'scheduler', tracking && (() => tracking.stop())),
    ]);
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), running.shutdownTimeoutMs);
  });
  const finished = await Promise.race([drain(), deadline]);
  clearTimeout(timer);
  if (finished) {
    logger.info('shutdown: in-flight work finished');
  } else {
    logger.warn(
      { slackRequestsRunning: running.slackWork.size },
      `shutdown: SHUTDOWN_TIMEOUT_MS (${running.shutdownTimeoutMs} ms) passed with work still running; stopping anyway`,
    );
  }
  await closeResources(running);
  logger.info('shutdown: stopped');
  return finished;
}

async function step(running: Running, what: string, action: (() => Promise<unknown>) | undefined) {
  if (!action) return;
  try {
    await action();
  } catch (error) {
    running.logger.warn({ err: error }, `shutdown: ${what} failed`);
  }
}

/** Closes whatever was opened, in reverse order of dependence; also what a failed start-up runs. */
async function closeResources(running: Running): Promise<void> {
  await step(running, 'playground', running.playground && (() => (running.playground as Playground).stop()));
  await step(running, 'Slack app', running.slack && (() => (running.slack as SlackApp).stop()));
  await step(running, 'scheduler', running.tracking && (() => (running.tracking as StatusTracking).stop()));
  await step(running, 'vendors', running.vendors && (() => (running.vendors as VendorRegistry).close()));
  await step(running, 'store', running.store && (() => (running.store as Store).close()));
  await step(running, 'simulators', running.sandbox && (() => (running.sandbox as Sandbox).stop()));
}

/** Problems an operator fixes in the configuration or the environment: one clear message, no stack trace. */
function isOperatorProblem(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof DatabaseUnreachableError;
}

async function main(): Promise<void> {
  const running: Running = {
    logger: createLogger(),
    serving: false,
    shutdownTimeoutMs: 10_000,
    slackWork: new InFlight(),
  };
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      running.logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    running.logger.info(`${signal}: finishing in-flight work, then stopping`);
    void shutdown(running).then((drained) => process.exit(drained ? 0 : 1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    await start(running);
  } catch (error) {
    if (isOperatorProblem(error)) {
      process.stderr.write(`${error.message}\n`);
    } else {
      running.logger.fatal({ err: error }, 'caseops could not start');
    }
    await closeResources(running);
    process.exit(1);
  }
}

await main();
