/**
 * /healthz, /readyz and /metrics. The public port (Bolt's `customRoutes` in HTTP mode, the app's small health
 * server in Socket Mode) gets `createPublicRoutes(...)`: a /readyz that says only ready or not. With OPS_PORT
 * set, `startOpsServer(createOpsRoutes(...), OPS_PORT, OPS_HOST)` serves the detailed /readyz and /metrics on
 * their own listener (loopback by default), so neither has to be public.
 *
 * /healthz says only that the process answers. /readyz says whether this replica can do its job: it is serving
 * (started, not draining), the store answers a ping and Slack accepted the bot token (auth.test, cached). Vendor health is reported beside them but
 * never fails readiness: a vendor outage hits every replica alike, and taking them all out of the load balancer
 * would also take away lookups of the other vendors. No body ever carries a secret.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { VendorHealth } from '../domain/ports/vendor.js';
import { redactText } from '../logging/logger.js';

/** The shape Bolt's `customRoutes` takes; also what `startOpsServer` serves. */
export interface OpsRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface ReadinessOptions {
  store: { ping(): Promise<void> };
  /**
   * False until the app has started and again once it begins shutting down, so the load balancer stops
   * sending Slack requests to a replica that is draining. Absent: always serving.
   */
  serving?: () => boolean;
  /** Slack `auth.test` (it throws on a refused token). Absent where there is no Slack (the playground). */
  slackAuthTest?: () => Promise<unknown>;
  /** The enabled vendors' health, e.g. `() => registry.enabled().map((a) => a.health())`. */
  vendors?: () => readonly VendorHealth[];
  now?: () => number;
  /** A store that does not answer within this is not ready (default 2 s). */
  storeTimeoutMs?: number;
  /** How long a good auth.test is trusted (default 5 min) and a failed one (default 30 s). */
  slackOkTtlMs?: number;
  slackFailedTtlMs?: number;
}

export interface CheckResult {
  ok: boolean;
  /** Why it failed, in words; no secret. */
  error?: string;
}

export interface VendorReadiness {
  vendor: string;
  lastSuccessAt: string | null;
  lastSuccessAgeSeconds: number | null;
  lastError: { code: string; at: string } | null;
  throttledForSeconds: number | null;
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  /** The checks that failed, e.g. ["store"]. */
  failed: string[];
  checks: {
    app: CheckResult;
    store: CheckResult & { latencyMs: number };
    slack: CheckResult & { skipped?: true; checkedAt?: string };
  };
  vendors: VendorReadiness[];
}

/** Error text safe to show: no URL credentials, no tokens, one line, bounded. */
export function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const safe = redactText(message)
    .replace(/\/\/[^/\s:@]+:[^@\s]*@/g, '//[redacted]@')
    .replace(/\s+/g, ' ')
    .trim();
  const text = typeof code === 'string' && !safe.includes(code) ? `${code}: ${safe}` : safe;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ReadinessCheck {
  private readonly now: () => number;
  private slack?: { result: CheckResult; checkedAt: number };
  private slackInFlight?: Promise<CheckResult>;

  constructor(private readonly options: ReadinessOptions) {
    this.now = options.now ?? Date.now;
  }

  async check(): Promise<ReadinessReport> {
    const serving = this.options.serving?.() ?? true;
    const app: CheckResult = serving
      ? { ok: true }
      : { ok: false, error: 'not serving: starting or shutting down' };
    const [store, slack] = await Promise.all([this.checkStore(), this.checkSlack()]);
    const failed = [
      ...(app.ok ? [] : ['app']),
      ...(store.ok ? [] : ['store']),
      ...(slack.ok ? [] : ['slack']),
    ];
    return {
      status: failed.length === 0 ? 'ready' : 'not ready',
      failed,
      checks: { app, store, slack },
      vendors: this.vendorReadiness(),
    };
  }

  private async checkStore(): Promise<CheckResult & { latencyMs: number }> {
    const started = this.now();
    try {
      await withTimeout(this.options.store.ping(), this.options.storeTimeoutMs ?? 2_000, 'the store');
      return { ok: true, latencyMs: this.now() - started };
    } catch (error) {
      return { ok: false, latencyMs: this.now() - started, error: describeFailure(error) };
    }
  }

  /** auth.test at most once per TTL, however often the load balancer probes. */
  private async checkSlack(): Promise<CheckResult & { skipped?: true; checkedAt?: string }> {
    const authTest = this.options.slackAuthTest;
    if (!authTest) return { ok: true, skipped: true };
    const cached = this.slack;
    const ttl = cached?.result.ok
      ? (this.options.slackOkTtlMs ?? 5 * 60_000)
      : (this.options.slackFailedTtlMs ?? 30_000);
    if (!cached || this.now() - cached.checkedAt >= ttl) {
      this.slackInFlight ??= this.runAuthTest(authTest).finally(() => {
        this.slackInFlight = undefined;
      });
      await this.slackInFlight;
    }
    const current = this.slack!;
    return { ...current.result, checkedAt: new Date(current.checkedAt).toISOString() };
  }

  private async runAuthTest(authTest: () => Promise<unknown>): Promise<CheckResult> {
    let result: CheckResult;
    try {
      const answer = await withTimeout(authTest(), 5_000, 'Slack auth.test');
      const refused = (answer as { ok?: unknown } | undefined)?.ok === false;
      result = refused
        ? { ok: false, error: `auth.test refused: ${describeFailure((answer as { error?: unknown }).error)}` }
        : { ok: true };
    } catch (error) {
      result = { ok: false, error: `auth.test failed: ${describeFailure(error)}` };
    }
    this.slack = { result, checkedAt: this.now() };
    return result;
  }

  private vendorReadiness(): VendorReadiness[] {
    const now = this.now();
    const ageSeconds = (iso: string) => Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    return (this.options.vendors?.() ?? []).map((health) => ({
      vendor: health.vendor,
      lastSuccessAt: health.lastSuccessAt ?? null,
      lastSuccessAgeSeconds: health.lastSuccessAt ? ageSeconds(health.lastSuccessAt) : null,
      // The code only: vendor messages can quote the vendor's answer, which has no place on an open endpoint.
      lastError: health.lastError ? { code: health.lastError.code, at: health.lastError.at } : null,
      throttledForSeconds: health.throttledUntil
        ? Math.max(0, Math.ceil((Date.parse(health.throttledUntil) - now) / 1000))
        : null,
    }));
  }
}

export interface OpsRoutesOptions {
  readiness: ReadinessCheck;
  metrics: { render(): Promise<string>; readonly contentType: string };
  /** Told when a handler fails unexpectedly (a metrics collector that throws). */
  onError?: (error: unknown, path: string) => void;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

type Handle = (head: boolean, res: ServerResponse) => Promise<void>;

function guardedRoute(path: string, onError: OpsRoutesOptions['onError'], handle: Handle): OpsRoute {
  return {
    path,
    method: ['GET', 'HEAD'],
    handler: (req, res) => {
      handle(req.method === 'HEAD', res).catch((error: unknown) => {
        onError?.(error, path);
        if (!res.headersSent) {
          send(res, 500, JSON_TYPE, JSON.stringify({ error: describeFailure(error) }), req.method === 'HEAD');
        }
      });
    },
  };
}

function healthRoute(onError: OpsRoutesOptions['onError']): OpsRoute {
  return guardedRoute('/healthz', onError, async (head, res) => {
    send(
      res,
      200,
      JSON_TYPE,
      JSON.stringify({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }),
      head,
    );
  });
}

function metricsRoute(metrics: OpsRoutesOptions['metrics'], onError: OpsRoutesOptions['onError']): OpsRoute {
  return guardedRoute('/metrics', onError, async (head, res) => {
    send(res, 200, metrics.contentType, await metrics.render(), head);
  });
}

/** The operator's routes: /healthz, the detailed /readyz (which checks failed and why) and /metrics. */
export function createOpsRoutes(options: OpsRoutesOptions): OpsRoute[] {
  return [
    healthRoute(options.onError),
    guardedRoute('/readyz', options.onError, async (head, res) => {
      const report = await options.readiness.check();
      send(res, report.status === 'ready' ? 200 : 503, JSON_TYPE, JSON.stringify(report), head);
    }),
    metricsRoute(options.metrics, options.onError),
  ];
}

export interface PublicRoutesOptions extends Omit<OpsRoutesOptions, 'metrics'> {
  /** Served on the public port only when there is no ops port (OPS_PORT unset). */
  metrics?: OpsRoutesOptions['metrics'];
}

/**
 * The routes for the port the world (or Slack) can reach: /healthz and a /readyz that says only
 * `{"status":"ready"}` (200) or `{"status":"not ready"}` (503). The detailed report names what failed in words
 * that can include internal hosts and ports (a store's "connect ECONNREFUSED 10.0.0.5:5432"), so it stays on
 * the ops port.
 */
export function createPublicRoutes(options: PublicRoutesOptions): OpsRoute[] {
  return [
    healthRoute(options.onError),
    guardedRoute('/readyz', options.onError, async (head, res) => {
      const { status } = await options.readiness.check();
      send(res, status === 'ready' ? 200 : 503, JSON_TYPE, JSON.stringify({ status }), head);
    }),
    ...(options.metrics ? [metricsRoute(options.metrics, options.onError)] : []),
  ];
}

/** A node:http listener for the routes: 404 for other paths, 405 for other methods. */
export function opsRequestListener(routes: readonly OpsRoute[]): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path);
    if (!route)
      return send(res, 404, JSON_TYPE, JSON.stringify({ error: 'not found' }), req.method === 'HEAD');
    if (!route.method.includes(req.method ?? '')) {
      res.setHeader('allow', route.method.join(', '));
      return send(res, 405, JSON_TYPE, JSON.stringify({ error: 'method not allowed' }), false);
    }
    route.handler(req, res);
  };
}

/** Serves the routes on their own server (OPS_PORT); loopback unless `host` says otherwise. */
export function startOpsServer(
  routes: readonly OpsRoute[],
  port: number,
  host = '127.0.0.1',
): Promise<Server> {
  const server = createServer(opsRequestListener(routes));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
