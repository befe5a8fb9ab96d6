/**
 * caseops in playground mode, composed the way src/main.ts composes it: the vendor sandbox, the playground
 * (fake Slack Web API, page and its API, portal pages under the manifests' unfurl domain), the real store (SQLite in a temp folder), vendor adapters, status
 * tracker, digest runner, scheduler and the real Slack app in HTTP mode with the playground's routes.
 * Nothing here is a stand-in for caseops itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelCardRenderer } from '../../src/compose/app.js';
import { playgroundHooks } from '../../src/compose/playground-hooks.js';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import { StatusTracker } from '../../src/domain/status-tracking.js';
import { type Logger, silentLogger } from '../../src/logging/logger.js';
import {
  PLAYGROUND_SANDBOX_OPTIONS,
  type Playground,
  playgroundPortalPages,
  startPlayground,
} from '../../src/playground/index.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
import { NudgeRunner } from '../../src/scheduler/nudge-runner.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { apiBaseUrl, createSlackApp, type SlackApp } from '../../src/slack/app.js';
import {
  createNotifierWebClient,
  SlackCardUpdater,
  SlackDigestPublisher,
  SlackNotifier,
} from '../../src/slack/notifier.js';
import { SlackNudgePublisher } from '../../src/slack/nudges.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import { type Sandbox, startSandbox } from '../../src/vendors/sandbox.js';

export interface PlaygroundInstance {
  /** The page, e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  playground: Playground;
  sandbox: Sandbox;
  slackApp: SlackApp;
  store: Store;
  stop(): Promise<void>;
}

/** Never fires during a test: polls and digests are driven by the page (advance, digest now). */
const NEVER = '0 0 0 1 1 *';

export async function startPlaygroundInstance(
  options: { logger?: Logger; autoAdvanceEveryMs?: number; env?: Record<string, string> } = {},
): Promise<PlaygroundInstance> {
  const logger = options.logger ?? silentLogger;
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-playground-'));
  const sandbox = await startSandbox(PLAYGROUND_SANDBOX_OPTIONS);
  const playground = await startPlayground({
    sandbox,
    logger,
    autoAdvanceEveryMs: options.autoAdvanceEveryMs,
  });
  const { botId, botUserId, ...slackEnv } = playground.slack;
  const env = loadEnv({
    ...playgroundPortalPages(),
    ...sandbox.env,
    ...slackEnv,
    CASEOPS_PLAYGROUND: 'true',
    PORT: '0',
    HOST: '127.0.0.1',
    VENDOR_TIMEOUT_MS: '5000',
    ...options.env,
  });
  const store = await createStore({ dataDir, logger });
  await store.migrate();
  const vendors = createVendorRegistry(env, { logger });
  const notifier = new SlackNotifier({
    client: createNotifierWebClient({
      token: slackEnv.SLACK_BOT_TOKEN,
      slackApiUrl: apiBaseUrl(env.SLACK_API_URL),
    }),
    logger,
  });
  const tracker = new StatusTracker({ store, vendors, logger });
  const holder = 'playground-test';
  const digests = new DigestRunner({
    store,
    publisher: new SlackDigestPublisher({ notifier }),
    defaults: { cron: env.DIGEST_CRON, timezone: env.DIGEST_TZ },
    holder,
    logger,
  });
  const scheduler = new Scheduler({
    store,
    tracker,
    digests,
    pollCron: NEVER,
    resyncCron: NEVER,
    holder,
    logger,
  });
  const useCases = createUseCases({ store, vendors, logger, digests: scheduler });
  const slackApp = createSlackApp({
    config: env,
    useCases,
    logger,
    botId,
    botUserId,
    routes: playground.routes,
  });
  tracker.setCardUpdater(
    new SlackCardUpdater({ cards: useCases.cards, notifier, renderCard: channelCardRenderer(useCases) }),
  );
  await scheduler.start();
  const { port } = await slackApp.start(0);
  // As src/main.ts attaches it; nudges run after an aging as they do after a poll.
  const nudges = new NudgeRunner({
    store,
    publisher: new SlackNudgePublisher(notifier),
    digestDefaults: { cron: env.DIGEST_CRON, timezone: env.DIGEST_TZ },
    logger,
  });
  playground.attach(
    `http://127.0.0.1:${port}/slack/events`,
    playgroundHooks({ pollOnce: () => tracker.pollOnce(), store, afterPoll: () => nudges.runOnce() }),
  );
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    playground,
    sandbox,
    slackApp,
    store,
    async stop() {
      // The page's event streams first: the app's server waits for open connections when it closes.
      await playground.stop();
      await slackApp.stop();
      await scheduler.stop();
      await vendors.close();
      await store.close();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
