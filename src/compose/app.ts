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
import {
  createOpsRoutes,
  createPublicRoutes,
  type OpsRoute,
  ReadinessCheck,
} from '../observability/ops-server.js';
import { traceStore } from '../observability/store-tracing.js';
import { noTracing, type Tracing } from '../observability/tracing.js';
import { createSlackApp, type ExtraRoute, type SlackApp } from '../slack/app.js';
import { boltLogger } from '../slack/bolt-logger.js';
import { capabilitiesOf, renderChannelCard } from '../slack/cards.js';
import { SlackChannelMembership } from '../slack/channel-membership.js';
import { SlackGateway } from '../slack/gateway.js';
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
  /** Spans for Slack requests, vendor calls, store queries, polls and digests; none when absent. */
  tracing?: Tracing;
}

export interface ComposedApp {
  store: Store;
  vendors: VendorRegistry;
  useCases: UseCases;
  tracking: StatusTracking;
  slack: SlackApp;
  /** `/metrics` and the detailed `/readyz`, for the ops server when OPS_PORT is set. */
  opsRoutes: OpsRoute[];
  /** Starts the Slack app, then the scheduler; resolves with where the app's HTTP server listens. */
  start(port: number): Promise<{ port: number; host: string }>;
  /** `/readyz` answers 503 from now on (the first step of a shutdown). */
  stopServing(): void;
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
    const tracing = options.tracing ?? noTracing;
    const opened = await createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
    built.push({ what: 'store', close: () => opened.close() });
    await opened.migrate();
    logger.info({ dialect: opened.dialect }, `store ready (${opened.dialect})`);
    const store = tracing.enabled ? traceStore(opened, tracing) : opened;

    const vendors = createVendorRegistry(env, {
      logger,
      tracing,
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

    const tracking = createStatusTracking({
      env,
      store,
      vendors,
      slackClient,
      logger,
      observer: metrics,
      tracing,
    });
    built.push({ what: 'scheduler', close: () => tracking.stop() });
    // The scheduler's digest runs back the digest settings; the use cases back the poller's card updates.
    const useCases = createUseCases({
      store,
      vendors,
      logger,
      policy,
      digests: tracking.scheduler,
      digestMinIntervalMs: env.DIGEST_MIN_INTERVAL,
      channels: new SlackChannelMembership(new SlackGateway(slackClient, logger, {}, metrics)),
    });
    tracking.enableCardUpdates(useCases.cards, channelCardRenderer(useCases));
    tracking.subscriptionDms.checkReadsWith((userId, cases) => useCases.home.readableBy(userId, cases));

    let serving = false;
    const readiness = new ReadinessCheck({
      store,
      serving: () => serving,
      vendors: vendorHealth,
      ...(options.bot ? {} : { slackAuthTest: () => slackClient.auth.test() }),
    });
    const onError = (error: unknown, path: string) =>
      logger.error({ err: error, path }, 'an operations endpoint failed');
    // With OPS_PORT, /metrics and the detailed /readyz live only there; the public port says ready or not.
    const routes = [
      ...createPublicRoutes({ readiness, onError, ...(env.OPS_PORT === undefined ? { metrics } : {}) }),
      ...(options.routes ?? []),
    ];
    const slack = createSlackApp({
      config: env,
      useCases,
      logger,
      metrics,
      routes,
      tracing,
      ...(options.bot ?? {}),
    });
    return {
      store,
      vendors,
      useCases,
      tracking,
      slack,
      opsRoutes: createOpsRoutes({ readiness, metrics, onError }),
      stopServing: () => {
        serving = false;
      },
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
