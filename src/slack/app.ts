/**
 * Builds the Bolt app: Socket Mode when an app-level token is set (no public URL needed), otherwise the HTTP
 * receiver with signature checks, commands, interactivity and events all at POST /slack/events. GET /healthz
 * answers 200 once the app is started (in Socket Mode on its own small server on PORT, bound to loopback
 * unless HOST is set: nothing outside the machine needs it there but probes, and a container sets HOST).
 *
 * The Web API client never retries by itself (a retried 5xx or timeout could post a card twice), rejects a 429
 * to us at once (SlackGateway waits out a short one and tries once more, which is safe: Slack did not act on
 * it) and gives up on a call after a timeout.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { noTracing, type Tracing } from '../observability/tracing.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps, SlackUseCases } from './deps.js';
import { FollowUpQueue } from './follow-ups.js';
import { SlackGateway } from './gateway.js';
import { register as registerActions } from './listeners/actions/index.js';
import { register as registerCommands } from './listeners/commands/index.js';
import { register as registerEvents } from './listeners/events/index.js';
import { register as registerShortcuts } from './listeners/shortcuts/index.js';
import { register as registerViews } from './listeners/views/index.js';
import { requestKind, type SlackMetrics } from './metrics.js';
import { OnceGuard } from './once.js';
import { RequestActivity, watchRequests } from './request-activity.js';
import { guardSlackRequests, SLACK_BODY_LIMIT_BYTES } from './request-guard.js';
import { describeTracedRequest, traceListeners, traceSlackRequests } from './tracing.js';
import { apiBaseUrl, WEB_API_TIMEOUT_MS, webClientOptions } from './web-client.js';

export { apiBaseUrl, WEB_API_TIMEOUT_MS, webClientOptions };

export const SLACK_EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';

export type SlackConfig = Pick<
  Env,
  'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'PORT' | 'HOST'
>;

export interface CreateSlackAppOptions {
  config: SlackConfig;
  /** What the listeners talk to (src/compose builds them); the app reaches no store or vendor itself. */
  useCases: SlackUseCases;
  logger: Logger;
  clock?: () => Date;
  /** Overrides SLACK_BOT_TOKEN (tests). */
  token?: string;
  /** With botUserId: skips the start-up auth.test (tests, the playground). */
  botId?: string;
  botUserId?: string;
  /** Web API timeout; tests shorten it. */
  webApiTimeoutMs?: number;
  /** Counters and ack timings (src/observability/metrics.ts). */
  metrics?: SlackMetrics;
  /**
   * More HTTP routes (/readyz, /metrics), served beside /slack/events in HTTP mode and on the health server
   * in Socket Mode. A route for /healthz here replaces the built-in one.
   */
  routes?: ExtraRoute[];
  /** Spans for Slack requests and their listeners (src/observability/tracing.ts); none when absent. */
  tracing?: Tracing;
}

export interface ExtraRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface SlackApp {
  app: App;
  deps: SlackDeps;
  mode: 'http' | 'socket';
  /** True from the end of `start` until `stop` begins (for readiness checks). */
  isReady(): boolean;
  /** Starts listening; resolves with the address the HTTP server (events or health) listens on. */
  start(port?: number): Promise<{ port: number; host: string }>;
  stop(): Promise<void>;
}

interface TaggedRequest extends IncomingMessage {
  caseopsKind?: string;
}

/**
 * The ack-time metric: from a Slack request's arrival to the HTTP answer, which is the ack (Bolt answers as
 * soon as the listener acks). Measured around the whole receiver, so verification and parsing are included.
 */
function ackTimer(metrics: SlackMetrics) {
  return (req: IncomingMessage, statusCode: number, seconds: number) => {
    const kind = (req as TaggedRequest).caseopsKind ?? 'unverified';
    metrics.observeAck(kind, statusCode === 200 ? 'ok' : `http_${statusCode}`, seconds);
  };
}

function healthHandler(isReady: () => boolean) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const ready = isReady();
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: ready }));
  };
}

export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  const { config, logger } = options;
  const token = options.token ?? config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('SLACK_BOT_TOKEN is required to start the Slack app');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET) {
    throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  const clientOptions = webClientOptions(config, options.webApiTimeoutMs);
  const log = boltLogger(logger);
  const tracing = options.tracing ?? noTracing;
  let ready = false;
  const extraRoutes = options.routes ?? [];
  const routes: ExtraRoute[] = extraRoutes.some((r) => r.path === HEALTH_PATH)
    ? extraRoutes
    : [{ path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: healthHandler(() => ready) }, ...extraRoutes];

  const activity = new RequestActivity();
  let receiver: Receiver;
  let healthServer: Server | undefined;
  if (socketMode) {
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN as string,
      logger: log,
      installerOptions: { clientOptions },
    });
    healthServer = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? ''));
      if (route) return route.handler(req, res);
      res.writeHead(404).end();
    });
  } else {
    const http = new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET as string,
      endpoints: SLACK_EVENTS_PATH,
      customRoutes: routes,
      bodyLimit: SLACK_BODY_LIMIT_BYTES,
      logger: log,
      // Runs once the body is read and verified: tags the request with its kind for the ack-time metric.
      customPropertiesExtractor: (req) => {
        const kind = requestKind(req.rawBody, req.headers['content-type']);
        (req as TaggedRequest).caseopsKind = kind;
        if (tracing.enabled) describeTracedRequest(req, req.rawBody.toString(), kind);
        return {};
      },
    });
    // Header checks (timestamp, signature present, length) before Bolt reads the body; see request-guard.ts.
    http.requestListener = guardSlackRequests(http.requestListener, { path: SLACK_EVENTS_PATH, logger });
    // Follow-ups wait for quiet moments of this endpoint (follow-ups.ts); the ack-time metric rides along.
    http.requestListener = watchRequests(
      http.requestListener,
      activity,
      SLACK_EVENTS_PATH,
      options.metrics && ackTimer(options.metrics),
    );
    // Outermost, so refused requests are spans too.
    if (tracing.enabled)
      http.requestListener = traceSlackRequests(http.requestListener, tracing, SLACK_EVENTS_PATH);
    receiver = http;
  }

  const app = new App({
    receiver,
    token,
    ...(options.botId && options.botUserId ? { botId: options.botId, botUserId: options.botUserId } : {}),
    logger: log,
    clientOptions,
    // Bolt's conversation store is a global middleware run before every ack; nothing here keeps state in it.
    convoStore: false,
  });
  // Socket Mode: no HTTP request to watch, so an arrival is the moment Bolt starts on an envelope.
  if (socketMode) {
    app.use(async ({ next }) => {
      activity.seen();
      await next();
    });
  }
  if (tracing.enabled) traceListeners(app, tracing);
  app.error(async (error) => {
    logger.error({ err: error }, 'a Slack listener failed');
  });

  const now = options.clock ?? (() => new Date());
  const deps: SlackDeps = {
    ...options.useCases,
    slack: new SlackGateway(app.client, logger, {}, options.metrics),
    once: new OnceGuard(),
    logger,
    now,
    metrics: options.metrics,
    followUps: new FollowUpQueue({ activity }),
  };
  registerCommands(app, deps);
  registerViews(app, deps);
  registerActions(app, deps);
  registerShortcuts(app, deps);
  registerEvents(app, deps);

  // In Socket Mode this listener only answers probes and scrapes: keep it on loopback unless HOST says so.
  const host = config.HOST ?? (socketMode ? '127.0.0.1' : '0.0.0.0');
  return {
    app,
    deps,
    mode: socketMode ? 'socket' : 'http',
    isReady: () => ready,
    async start(port = config.PORT) {
      if (healthServer) {
        const server = healthServer;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
        try {
          await app.start();
        } catch (error) {
          server.close();
          throw error;
        }
        ready = true;
        const bound = server.address() as AddressInfo;
        logger.info({ port: bound.port, host: bound.address }, 'Slack app connected in Socket Mode');
        return { port: bound.port, host: bound.address };
      }
      const server = (await app.start({ port, host })) as Server;
      ready = true;
      const bound = server.address() as AddressInfo;
      logger.info(
        { port: bound.port, host: bound.address, path: SLACK_EVENTS_PATH },
        'Slack app listening (HTTP mode)',
      );
      return { port: bound.port, host: bound.address };
    },
    async stop() {
      ready = false;
      await app
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the Slack receiver failed'));
      // Commands already acknowledged still get their answers (their follow-ups outlive Bolt's handling).
      await deps.followUps.idle();
      if (healthServer?.listening) {
        healthServer.closeAllConnections();
        await new Promise<void>((resolve) => healthServer?.close(() => resolve()));
      }
    },
  };
}
