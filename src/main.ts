/**
 * Start-up and shutdown: configuration (checked completely first) → the composed app (src/compose) → start;
 * graceful shutdown.
 *
 * With no Slack credentials (or CASEOPS_PLAYGROUND=true) it runs the playground instead of serving a
 * workspace: the same app, vendor simulators, the embedded store and a Slack-like page on PORT.
 */
import type { Server } from 'node:http';
import { composeApp } from './compose/app.js';
import { playgroundHooks } from './compose/playground-hooks.js';
import type { StatusTracking } from './compose/status-tracking.js';
import { loadDotEnv } from './config/dotenv.js';
import { ConfigError, loadEnv } from './config/env.js';
import { checkStartupConfiguration } from './config/startup.js';
import type { Store } from './domain/ports/store.js';
import { createLogger, type Logger, registerSecretValues, secretValuesOf } from './logging/logger.js';
import { CaseopsMetrics } from './observability/metrics.js';
import { startOpsServer } from './observability/ops-server.js';
import { noTracing, type Tracing } from './observability/tracing.js';
import type { Playground } from './playground/index.js';
import type { SlackApp } from './slack/app.js';
import { checkPostgresReachable, DatabaseUnreachableError, IN_MEMORY } from './store/connect.js';
import type { VendorRegistry } from './vendors/registry.js';
import type { Sandbox } from './vendors/sandbox.js';

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
  /** Turns /readyz to 503: the first step of a shutdown. */
  stopServing?: () => void;
  shutdownTimeoutMs: number;
  slackWork: InFlight;
  slack?: SlackApp;
  tracking?: StatusTracking;
  vendors?: VendorRegistry;
  store?: Store;
  playground?: Playground;
  sandbox?: Sandbox;
  ops?: Server;
  tracing?: Tracing;
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

  // The playground and the simulators are loaded only when this start uses them (start-up time, memory).
  const playgroundModule = playgroundMode ? await import('./playground/index.js') : undefined;
  if (playgroundModule || env.CASEOPS_SANDBOX) {
    const { startSandbox } = await import('./vendors/sandbox.js');
    running.sandbox = await startSandbox(playgroundModule ? playgroundModule.PLAYGROUND_SANDBOX_OPTIONS : {});
    // The simulators' addresses and credentials win over anything set for real vendors.
    // The playground's portal pages go under the environment: a configured one wins.
    env = loadEnv({
      ...playgroundModule?.playgroundPortalPages(),
      ...process.env,
      ...running.sandbox.env,
    });
    logger.info('CASEOPS_SANDBOX: all four vendors run against the built-in simulators on loopback');
  }
  if (playgroundModule) {
    const { PLAYGROUND_HOST, startPlayground } = playgroundModule;
    if (!running.sandbox) throw new Error('the playground needs the sandbox');
    running.playground = await startPlayground({ sandbox: running.sandbox, logger });
    const { botId: _botId, botUserId: _botUserId, ...slackVariables } = running.playground.slack;
    // The playground keeps its own throwaway store: a deployment's DATA_DIR or database is never touched by it.
    env = {
      ...env,
      ...slackVariables,
      SLACK_APP_TOKEN: undefined,
      CASEOPS_PLAYGROUND: true,
      DATA_DIR: IN_MEMORY,
      DATABASE_URL: undefined,
    };
    // The page acts as a signed-in person: it stays on this machine whatever HOST says.
    if (env.HOST !== PLAYGROUND_HOST && process.env.HOST) {
      logger.warn(`HOST=${process.env.HOST} ignored: the playground listens on ${PLAYGROUND_HOST} only`);
    }
    env.HOST = PLAYGROUND_HOST;
  }

  // Loaded only when asked for: without an endpoint no OpenTelemetry package is imported at all.
  const tracing = env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? (await import('./observability/otel.js')).createOtelTracing({
        endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
        serviceName: env.OTEL_SERVICE_NAME,
      })
    : noTracing;
  running.tracing = tracing;
  if (tracing.enabled)
    logger.info({ service: env.OTEL_SERVICE_NAME }, 'tracing: spans go to the OTLP endpoint');

  const composed = await composeApp({
    env,
    logger,
    policy,
    tracing,
    metrics: new CaseopsMetrics(),
    routes: running.playground?.routes,
    bot: running.playground && {
      botId: running.playground.slack.botId,
      botUserId: running.playground.slack.botUserId,
    },
  });
  Object.assign(running, {
    store: composed.store,
    vendors: composed.vendors,
    tracking: composed.tracking,
    slack: composed.slack,
    stopServing: composed.stopServing,
  });
  const { tracking, slack } = composed;
  // Counts every Slack request's work through to its listener's end, so shutdown can wait for it.
  slack.app.use(({ next }) => running.slackWork.track(next));
  if (env.OPS_PORT !== undefined) {
    running.ops = await startOpsServer(composed.opsRoutes, env.OPS_PORT, env.OPS_HOST);
    const bound = running.ops.address() as { address: string; port: number };
    logger.info(
      { host: bound.address, port: bound.port },
      `/metrics and /readyz on ${bound.address}:${bound.port}`,
    );
  }
  const { port, host } = await composed.start(env.PORT);

  if (running.playground) {
    running.playground.attach(
      `http://127.0.0.1:${port}/slack/events`,
      playgroundHooks({
        pollOnce: () => tracking.tracker.pollOnce(),
        store: composed.store,
        afterPoll: () => tracking.nudges.runOnce(),
      }),
    );
    logger.info(`caseops playground: open http://localhost:${port}/ (no Slack workspace needed)`);
  } else {
    logger.info(
      { mode: slack.mode, port },
      slack.mode === 'socket'
        ? `caseops connected to Slack over Socket Mode; health${env.OPS_PORT === undefined ? ' and metrics' : ''} on ${host}:${port}`
        : `caseops listening for Slack on http://${host}:${port}/slack/events`,
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
  running.stopServing?.();
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
      {
        slackRequestsRunning: running.slackWork.size,
        // Replies and forms still under way after their command's ack: the Slack app's stop waits for them.
        commandFollowUpsRunning: slack?.deps.followUps.pending ?? 0,
      },
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
  await step(
    running,
    'ops server',
    running.ops &&
      (() => {
        const ops = running.ops as Server;
        ops.closeAllConnections();
        return new Promise<void>((resolve) => ops.close(() => resolve()));
      }),
  );
  // Last: it sends the spans of everything above.
  await step(running, 'tracing', running.tracing && (() => (running.tracing as Tracing).shutdown()));
}

/** Problems an operator fixes in the configuration or the environment: one clear message, no stack trace. */
function isOperatorProblem(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof DatabaseUnreachableError;
}

async function main(): Promise<void> {
  const running: Running = {
    logger: createLogger(),
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
