/**
 * The plumbing every vendor simulator shares: a loopback HTTP server with a small router, JSON and form body
 * parsing, a request log tests can assert on, simulated latency, and fault switches (timeouts, 5xx, 429,
 * malformed JSON) that an operator, a test or the playground can flip. Each vendor's simulator adds its own
 * contract (paths, auth, media types, error bodies) on top.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Accept the request and never answer (the client's timeout must fire). */
  | 'timeout'
  /** Carry the request out, then never answer: the write happened but the client cannot know. */
  | 'timeout-after-commit'
  | 'http-500'
  | 'http-503'
  | 'throttle'
  | 'malformed-json'
  /** Close the connection without an answer. */
  | 'drop';

export interface FaultRule {
  fault: Fault;
  /** Only requests whose path contains this text (default: every request). */
  pathIncludes?: string;
  /** Only requests with this HTTP method (default: any), e.g. the write, not the read, on one path. */
  method?: string;
  /** Only requests whose whole path matches (a create, not the search under the same path). */
  pathMatches?: RegExp;
  /** How many matching requests get the fault (default 1). Infinity for "until cleared". */
  times?: number;
  /** For a 'throttle' fault: the Retry-After (seconds) its answer carries, over the vendor's usual one. */
  retryAfterSeconds?: number;
}

type ActiveFault = Required<Pick<FaultRule, 'fault' | 'times'>> &
  Pick<FaultRule, 'pathIncludes' | 'method' | 'pathMatches' | 'retryAfterSeconds'>;

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** Path parameters from the route pattern, decoded. */
  params: Record<string, string>;
  json(): unknown;
  form(): URLSearchParams;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: SimHandler;
}

export interface SimulatorServerOptions {
  name: string;
  /** Latency added to every answer, in ms. */
  latencyMs?: number;
  /** Answer for a fault of kind 'throttle' (vendors throttle differently: Cisco 403 text, others 429). */
  throttleResponse?: () => SimResponse;
}

export class SimulatorServer {
  readonly requests: LoggedRequest[] = [];
  latencyMs: number;
  /** The answer to a 'throttle' fault; settable after construction (it may need the simulator's own state). */
  throttleResponse?: () => SimResponse;
  private readonly routes: Route[] = [];
  private faults: ActiveFault[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  private baseUrl?: string;

  constructor(private readonly options: SimulatorServerOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    this.throttleResponse = options.throttleResponse;
  }

  /** Registers a route; `:name` segments become params. Routes match in the order they were added. */
  route(method: string, path: string, handler: SimHandler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({
      fault: rule.fault,
      times: rule.times ?? 1,
      pathIncludes: rule.pathIncludes,
      method: rule.method?.toUpperCase(),
      pathMatches: rule.pathMatches,
      retryAfterSeconds: rule.retryAfterSeconds,
    });
  }

  clearFaults(): void {
    this.faults = [];
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.options.name} simulator is not started`);
    return this.baseUrl;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `simulator failure: ${(error as Error).message}` }));
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(method: string, path: string): ActiveFault | undefined {
    const rule = this.faults.find(
      (f) =>
        f.times > 0 &&
        (!f.pathIncludes || path.includes(f.pathIncludes)) &&
        (!f.pathMatches || f.pathMatches.test(path)) &&
        (!f.method || f.method === method),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    this.faults = this.faults.filter((f) => f.times > 0);
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: rawBody,
      at: Date.now(),
    });

    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const rule = this.takeFault(method, url.pathname);
    const fault = rule?.fault;
    if (fault === 'timeout') return this.hang(res);
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'http-500' || fault === 'http-503') {
      const status = fault === 'http-500' ? 500 : 503;
      return this.send(res, { status, body: { error: `simulated ${status}` } });
    }
    if (fault === 'throttle') {
      const answer = this.throttleResponse?.() ?? {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: 'Too Many Requests' },
      };
      if (rule?.retryAfterSeconds !== undefined) {
        const headers = Object.fromEntries(
          Object.entries(answer.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'retry-after'),
        );
        answer.headers = { ...headers, 'retry-after': String(rule.retryAfterSeconds) };
      }
      return this.send(res, answer);
    }

    const match = this.match(method, url.pathname);
    let response: SimResponse;
    if (!match) {
      response = { status: 404, body: { error: `no route for ${method} ${url.pathname}` } };
    } else {
      const simReq: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        params: match.params,
        json: () => JSON.parse(rawBody),
        form: () => new URLSearchParams(rawBody),
      };
      response = await match.route.handler(simReq);
    }
    if (fault === 'timeout-after-commit') return this.hang(res);
    if (fault === 'malformed-json' && response.status < 300) {
      response = { ...response, rawBody: '{"truncated": ', body: undefined };
    }
    this.send(res, response);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }

  private hang(res: ServerResponse): void {
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }

  private send(res: ServerResponse, response: SimResponse): void {
    const body = response.rawBody ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    const headers: Record<string, string> = { ...response.headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    res.writeHead(response.status, headers);
    res.end(body);
  }
}

/** Reads `Authorization: Basic …` into its parts, or undefined. */
export function readBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? undefined : { user: decoded.slice(0, at), pass: decoded.slice(at + 1) };
}

/** Reads `Authorization: Bearer …`, or undefined. */
export function readBearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** Issues and checks opaque bearer tokens with an expiry, for simulators with a token endpoint. */
export class SimTokenIssuer {
  private readonly tokens = new Map<string, number>();
  private counter = 0;
  constructor(private readonly lifetimeSeconds: number) {}

  issue(): { token: string; expiresInSeconds: number } {
    const token = `sim-${Date.now().toString(36)}-${(++this.counter).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.tokens.set(token, Date.now() + this.lifetimeSeconds * 1000);
    return { token, expiresInSeconds: this.lifetimeSeconds };
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const expiry = this.tokens.get(token);
    return expiry !== undefined && expiry > Date.now();
  }

  /** Expires every issued token now (tests of the refresh-on-401 path). */
  expireAll(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  get issuedCount(): number {
    return this.counter;
  }
}
