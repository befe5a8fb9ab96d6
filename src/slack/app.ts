/**
 * Builds the Bolt app: Socket Mode when an app-level token is set (no public URL needed), otherwise the HTTP
 * receiver with signature checks, commands, interactivity and events all at POST /slack/events. GET /healthz
 * answers 200 once the app is started (in Socket Mode on its own small server on PORT).
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
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps, SlackUseCases } from './deps.js';
import { SlackGateway } from './gateway.js';
import { register as registerActions } from './listeners/actions/index.js';
import { register as registerCommands } from './listeners/commands/index.js';
import { register as registerEvents } from './listeners/events/index.js';
import { register as registerShortcuts } from './listeners/shortcuts/index.js';
import { register as registerViews } from './listeners/views/index.js';
import { requestKind, type SlackMetrics } from './metrics.js';
import { OnceGuard } from './once.js';
import { MAX_SKEW_SECONDS } from './signing.js';
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
  /** Starts listening; resolves with the port the HTTP server (events or health) listens on. */
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Bolt's receiver refuses a request signed more than five minutes ago but not one dated more than five
 * minutes ahead; Slack's rule is "either direction". The timestamp is a header, so this check needs no body.
 */
function refuseFutureTimestamps(receiver: HTTPReceiver, logger: Logger): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const stamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(stamp) && stamp - Date.now() / 1000 > MAX_SKEW_SECONDS) {
      logger.warn({ path: req.url }, 'refused a Slack request dated in the future');
      req.resume();
      res.writeHead(401).end();
      return;
    }
    inner(req, res);
  };
}

interface TaggedRequest extends IncomingMessage {
  caseopsKind?: string;
}

/**
 * The time from a Slack request's arrival to the HTTP answer, which is the ack (Bolt answers as soon as the
 * listener acks). Measured here, around the whole receiver, so verification and parsing are included.
 */
function timeAcks(receiver: HTTPReceiver, metrics: SlackMetrics): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === SLACK_EVENTS_PATH) {
      const started = performance.now();
      res.once('finish', () => {
        const kind = (req as TaggedRequest).caseopsKind ?? 'unverified';
        const outcome = res.statusCode === 200 ? 'ok' : `http_${res.statusCode}`;
        metrics.observeAck(kind, outcome, (performance.now() - started) / 1000);
      });
    }
    inner(req, res);
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
  let ready = false;
  const extraRoutes = options.routes ?? [];
  const routes: ExtraRoute[] = extraRoutes.some((r) => r.path === HEALTH_PATH)
    ? extraRoutes
    : [{ path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: healthHandler(() => ready) }, ...extraRoutes];

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
      logger: log,
      // Runs once the body is read and verified: tags the request with its kind for the ack-time metric.
      customPropertiesExtractor: (req) => {
        (req as TaggedRequest).caseopsKind = requestKind(req.rawBody.toString(), req.headers['content-type']);
        return {};
      },
    });
    refuseFutureTimestamps(http, logger);
    if (options.metrics) timeAcks(http, options.metrics);
    receiver = http;
  }

  const app = new App({
    receiver,
    token,
    ...(options.botId && options.botUserId ? { botId: options.botId, botUserId: options.botUserId } : {}),
    logger: log,
    clientOptions,
  });
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
  };
  registerCommands(app, deps);
  registerViews(app, deps);
  registerActions(app, deps);
  registerShortcuts(app, deps);
  registerEvents(app, deps);

  const host = config.HOST;
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
        logger.info({ port: (server.address() as AddressInfo).port }, 'Slack app connected in Socket Mode');
        return { port: (server.address() as AddressInfo).port };
      }
      const server = (await app.start({ port, host })) as Server;
      ready = true;
      const bound = (server.address() as AddressInfo).port;
      logger.info({ port: bound, path: SLACK_EVENTS_PATH }, 'Slack app listening (HTTP mode)');
      return { port: bound };
    },
    async stop() {
      ready = false;
      await app
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the Slack receiver failed'));
      if (healthServer?.listening) {
        healthServer.closeAllConnections();
        await new Promise<void>((resolve) => healthServer?.close(() => resolve()));
      }
    },
  };
}
