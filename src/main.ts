/**
 * Start-up and shutdown: configuration → the composed app (src/compose) → start; graceful shutdown.
 *
 * With no Slack credentials (or CASEOPS_PLAYGROUND=true) it runs the playground instead of serving a
 * workspace: the same app, vendor simulators, the embedded store and a Slack-like page on PORT.
 */

import type { Server } from 'node:http';
import { composeApp } from './compose/app.js';
import type { StatusTracking } from './compose/status-tracking.js';
import { ConfigError, type Env, loadEnv } from './config/env.js';
import { loadPolicy, PolicyFileError } from './config/policy-file.js';
import type { Store } from './domain/ports/store.js';
import { createLogger, type Logger } from './logging/logger.js';
import { CaseopsMetrics } from './observability/metrics.js';
import { startOpsServer } from './observability/ops-server.js';
import { noTracing, type Tracing } from './observability/tracing.js';
import {
  PLAYGROUND_HOST,
  PLAYGROUND_SANDBOX_OPTIONS,
  type Playground,
  startPlayground,
} from './playground/index.js';
import type { SlackApp } from './slack/app.js';
import type { VendorRegistry } from './vendors/registry.js';
import { type Sandbox, startSandbox } from './vendors/sandbox.js';

/** Playground unless forced either way: no Slack credentials means nobody could reach the app anyway. */
function playgroundWanted(env: Env): boolean {
  return env.CASEOPS_PLAYGROUND ?? !(env.SLACK_BOT_TOKEN || env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET);
}

interface Running {
  logger: Logger;
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
  let env = loadEnv();
  const logger = createLogger({
    level: env.LOG_LEVEL,
    pretty: env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT === undefined && env.NODE_ENV === 'development'),
  });
  running.logger = logger;
  const playgroundMode = playgroundWanted(env);

  if (playgroundMode || env.CASEOPS_SANDBOX) {
    running.sandbox = await startSandbox(playgroundMode ? PLAYGROUND_SANDBOX_OPTIONS : {});
    // The simulators' addresses and credentials win over anything set for real vendors.
    env = loadEnv({ ...process.env, ...running.sandbox.env });
    logger.info('CASEOPS_SANDBOX: all four vendors run against the built-in simulators on loopback');
  }
  if (playgroundMode) {
    if (!running.sandbox) throw new Error('the playground needs the sandbox');
    running.playground = await startPlayground({ sandbox: running.sandbox, logger });
    const { botId: _botId, botUserId: _botUserId, ...slackVariables } = running.playground.slack;
    env = { ...env, ...slackVariables, SLACK_APP_TOKEN: undefined, CASEOPS_PLAYGROUND: true };
    // The page acts as a signed-in person: it stays on this machine whatever HOST says.
    if (env.HOST !== PLAYGROUND_HOST && process.env.HOST) {
      logger.warn(`HOST=${process.env.HOST} ignored: the playground listens on ${PLAYGROUND_HOST} only`);
    }
    env.HOST = PLAYGROUND_HOST;
  }

  const policy = loadPolicy(env.CASEOPS_POLICY);
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
  });
  const { tracking, slack } = composed;
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
        ? `caseops connected to Slack over Socket Mode; health${env.OPS_PORT === undefined ? ' and metrics' : ''} on ${host}:${port}`
        : `caseops listening for Slack on http://${host}:${port}/slack/events`,
    );
  }
}

/** Stops taking new work, lets in-flight work finish (the scheduler bounds how long), then closes everything. */
async function shutdown(running: Running): Promise<void> {
  const step = async (what: string, action: (() => Promise<unknown>) | undefined) => {
    if (!action) return;
    try {
      await action();
    } catch (error) {
      running.logger.warn({ err: error }, `shutdown: ${what} failed`);
    }
  };
  // The playground first: its page's live streams ride on the app's HTTP server and would hold it open.
  await step('playground', running.playground && (() => (running.playground as Playground).stop()));
  await step('Slack app', running.slack && (() => (running.slack as SlackApp).stop()));
  await step('scheduler', running.tracking && (() => (running.tracking as StatusTracking).stop()));
  await step('vendors', running.vendors && (() => (running.vendors as VendorRegistry).close()));
  await step('store', running.store && (() => (running.store as Store).close()));
  await step('simulators', running.sandbox && (() => (running.sandbox as Sandbox).stop()));
  await step(
    'ops server',
    running.ops &&
      (() => {
        const ops = running.ops as Server;
        ops.closeAllConnections();
        return new Promise<void>((resolve) => ops.close(() => resolve()));
      }),
  );
  // Last: it sends the spans of everything above.
  await step('tracing', running.tracing && (() => (running.tracing as Tracing).shutdown()));
}

async function main(): Promise<void> {
  const running: Running = { logger: createLogger() };
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      running.logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    running.logger.info(`${signal}: finishing in-flight work, then stopping`);
    void shutdown(running).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    await start(running);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PolicyFileError) {
      // Configuration problems are the operator's to fix: say what, without a stack trace.
      process.stderr.write(`${error.message}\n`);
    } else {
      running.logger.fatal({ err: error }, 'caseops could not start');
    }
    await shutdown(running);
    process.exit(1);
  }
}

await main();
