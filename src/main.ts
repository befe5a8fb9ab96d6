/**
 * The composition root: configuration → store → vendors → Slack app → scheduler → start; graceful shutdown.
 *
 * With no Slack credentials (or CASEOPS_PLAYGROUND=true) it runs the playground instead of serving a
 * workspace: the same app, vendor simulators, the embedded store and a Slack-like page on PORT.
 */
import { ConfigError, type Env, loadEnv } from './config/env.js';
import { loadPolicy, PolicyFileError } from './config/policy-file.js';
import type { Store } from './domain/ports/store.js';
import { createLogger, type Logger } from './logging/logger.js';
import { CaseopsMetrics } from './observability/metrics.js';
import { createOpsRoutes, ReadinessCheck } from './observability/ops-server.js';
import type { Playground } from './playground/index.js';
import { createStatusTracking, type StatusTracking } from './scheduler/index.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { channelCard } from './slack/cards.js';
import { createSlackPolicyGate } from './slack/policy.js';
import { createStore } from './store/index.js';
import { createVendorRegistry } from './vendors/index.js';
import type { VendorRegistry } from './vendors/registry.js';
import type { Sandbox } from './vendors/sandbox.js';

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
}

async function start(running: Running): Promise<void> {
  let env = loadEnv();
  const logger = createLogger({
    level: env.LOG_LEVEL,
    pretty: env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT === undefined && env.NODE_ENV === 'development'),
  });
  running.logger = logger;
  const playgroundMode = playgroundWanted(env);

  // The playground and the simulators are loaded only when this start uses them (start-up time, memory).
  const playgroundModule = playgroundMode ? await import('./playground/index.js') : undefined;
  if (playgroundModule || env.CASEOPS_SANDBOX) {
    const { startSandbox } = await import('./vendors/sandbox.js');
    running.sandbox = await startSandbox(playgroundModule ? playgroundModule.PLAYGROUND_SANDBOX_OPTIONS : {});
    // The simulators' addresses and credentials win over anything set for real vendors.
    env = loadEnv({ ...process.env, ...running.sandbox.env });
    logger.info('CASEOPS_SANDBOX: all four vendors run against the built-in simulators on loopback');
  }
  if (playgroundModule) {
    const { PLAYGROUND_HOST, startPlayground } = playgroundModule;
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
  const metrics = new CaseopsMetrics();

  const store = await createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
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
  let serving = false;
  const readiness = new ReadinessCheck({
    store,
    serving: () => serving,
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
  const slackApp = slack;
  tracking.enableCardUpdates((c, card) => channelCard(slackApp.deps, c, card.channelId, 'channel'));

  const { port } = await slack.start(env.PORT);
  await tracking.start();
  serving = true;

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
