/**
 * The composition root: store → vendors → policy gate → use cases → scheduler → Slack app, each handed only
 * what it uses. Nothing else in src/ constructs a use case, a Slack notifier or the scheduler.
 *
 * The Slack surface and the scheduler never meet: both are given the same use cases, and the notifier posts
 * through a Web API client of its own (built like the app's), so the scheduler needs no Slack app to exist.
 */
import { webApi } from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { Case } from '../domain/case.js';
import type { AccessPolicy } from '../domain/policy.js';
import type { Store } from '../domain/ports/store.js';
import type { CardContext } from '../domain/use-cases/case-cards.js';
import type { Logger } from '../logging/logger.js';
import type { CaseopsMetrics } from '../observability/metrics.js';
import { createOpsRoutes, ReadinessCheck } from '../observability/ops-server.js';
import { createSlackApp, type ExtraRoute, type SlackApp } from '../slack/app.js';
import { boltLogger } from '../slack/bolt-logger.js';
import { capabilitiesOf, renderChannelCard } from '../slack/cards.js';
import { webClientOptions } from '../slack/web-client.js';
import { createStore } from '../store/index.js';
import { createVendorRegistry } from '../vendors/index.js';
import type { VendorRegistry } from '../vendors/registry.js';
import { createSlackPolicyGate } from './policy-gate.js';
import { createStatusTracking, type StatusTracking } from './status-tracking.js';
import { createUseCases, type UseCases } from './use-cases.js';

export interface ComposeOptions {
  env: Env;
  logger: Logger;
  policy: AccessPolicy;
  metrics: CaseopsMetrics;
  /** More routes on the app's HTTP server (the playground's page). */
  routes?: ExtraRoute[];
  /** The playground's bot identity: skips the start-up auth.test, and readiness does not ask Slack. */
  bot?: { botId: string; botUserId: string };
}

export interface ComposedApp {
  store: Store;
  vendors: VendorRegistry;
  useCases: UseCases;
  tracking: StatusTracking;
  slack: SlackApp;
  /** Starts the Slack app, then the scheduler; resolves with the port the app's HTTP server listens on. */
  start(port: number): Promise<{ port: number }>;
}

/** The card the poller puts in place of a posted one when its case changes, as the Slack surface renders it. */
export function channelCardRenderer(useCases: Pick<UseCases, 'cases'>) {
  return (current: Case, context: CardContext) =>
    renderChannelCard(current, context, capabilitiesOf(useCases, current.vendor));
}

/** Pieces built so far, closed in reverse when a later one cannot be built. */
type Closer = { what: string; close: () => Promise<unknown> };

export async function composeApp(options: ComposeOptions): Promise<ComposedApp> {
  const { env, logger, metrics } = options;
  const built: Closer[] = [];
  try {
    const store = await createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
    built.push({ what: 'store', close: () => store.close() });
    await store.migrate();
    logger.info({ dialect: store.dialect }, `store ready (${store.dialect})`);

    const vendors = createVendorRegistry(env, {
      logger,
      onCall: metrics.vendorCallObserver,
      onTokenRefresh: metrics.onTokenRefresh,
    });
    built.push({ what: 'vendors', close: () => vendors.close() });
    const vendorHealth = () => vendors.enabled().map((adapter) => adapter.health());
    metrics.trackVendorHealth(vendorHealth);

    // Group rules are resolved through Slack's Web API with the gate's own client.
    const policy = createSlackPolicyGate(options.policy, { config: env, logger, metrics });
    const token = env.SLACK_BOT_TOKEN;
    if (!token) throw new Error('SLACK_BOT_TOKEN is required to start the Slack app');
    const slackClient = new webApi.WebClient(token, { ...webClientOptions(env), logger: boltLogger(logger) });

    const tracking = createStatusTracking({ env, store, vendors, slackClient, logger, observer: metrics });
    built.push({ what: 'scheduler', close: () => tracking.stop() });
    // The scheduler's digest runs back the digest settings; the use cases back the poller's card updates.
    const useCases = createUseCases({ store, vendors, logger, policy, digests: tracking.scheduler });
    tracking.enableCardUpdates(useCases.cards, channelCardRenderer(useCases));

    let serving = false;
    const readiness = new ReadinessCheck({
      store,
      serving: () => serving,
      vendors: vendorHealth,
      ...(options.bot ? {} : { slackAuthTest: () => slackClient.auth.test() }),
    });
    const routes = [
      ...createOpsRoutes({
        readiness,
        metrics,
        onError: (error, path) => logger.error({ err: error, path }, 'an operations endpoint failed'),
      }),
      ...(options.routes ?? []),
    ];
    const slack = createSlackApp({
      config: env,
      useCases,
      logger,
      metrics,
      routes,
      ...(options.bot ?? {}),
    });
    return {
      store,
      vendors,
      useCases,
      tracking,
      slack,
      async start(port) {
        const started = await slack.start(port);
        await tracking.start();
        serving = true;
        return started;
      },
    };
  } catch (error) {
    for (const piece of built.reverse()) {
      await piece.close().catch((closeError: unknown) => {
        logger.warn({ err: closeError }, `start-up failed; closing the ${piece.what} failed too`);
      });
    }
    throw error;
  }
}
