/**
 * A loopback vendor that answers badly on purpose. It first records what the real simulator answers (a
 * proxy), then answers every request (token requests included) from a generated answer: the recorded answer
 * with fields dropped, retyped, blown up or echoing credentials, or something else entirely (truncated JSON,
 * an HTML error page, an empty body, odd status codes and content types, a reset connection).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { request as undiciRequest } from 'undici';
import { hostileText, wrongType } from './support.js';

export interface RecordedAnswer {
  method: string;
  route: string;
  status: number;
  contentType: string;
  body: string;
}

export type Mutation =
  | { at: number; kind: 'delete' | 'null' | 'empty' | 'huge' | 'secret' | 'numeric-string' }
  | { at: number; kind: 'wrong'; value: unknown }
  | { at: number; kind: 'hostile'; value: string }
  | { at: number; kind: 'extra'; key: string; value: unknown };

export type Shape =
  | { kind: 'recorded'; mutations: Mutation[] }
  | { kind: 'truncated'; cut: number }
  | { kind: 'html' }
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'huge'; length: number }
  | { kind: 'secret-echo' };

export interface AnswerSpec {
  /** Which recorded answer for the route to start from (modulo how many there are). */
  base: number;
  /** undefined: the recorded status. */
  status?: number;
  shape: Shape;
  /** undefined: the recorded content type. */
  contentType?: string;
  retryAfter?: string;
  connection: 'normal' | 'reset' | 'reset-mid-body';
}

export interface AnswerScript {
  /** Answers for API requests, in order; the last one repeats once they run out. */
  api: AnswerSpec[];
  /** Answers for token requests, in order; `good` means the recorded token answer with a fresh token. */
  token: Array<AnswerSpec | 'good'>;
}

const ODD_STATUSES = [
  200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 418, 422, 429,
  499, 500, 501, 502, 503, 504, 520, 599, 999,
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/html; charset=utf-8',
  'text/plain',
  'application/xml',
  'application/octet-stream',
  'application/problem+json',
  '',
  'application/json; charset=latin1',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'null', 'empty', 'huge', 'secret', 'numeric-string') as fc.Arbitrary<
      'delete' | 'null' | 'empty' | 'huge' | 'secret' | 'numeric-string'
    >,
  }),
  fc.record({ at: fc.nat(), kind: fc.constant('wrong' as const), value: wrongType }),
  fc.record({ at: fc.nat(), kind: fc.constant('hostile' as const), value: hostileText }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('extra' as const),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'access_token')),
    value: fc.oneof(wrongType, hostileText),
  }),
);

const shape: fc.Arbitrary<Shape> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('recorded' as const), mutations: fc.constant<Mutation[]>([]) }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('recorded' as const),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('truncated' as const),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('html' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('empty' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: hostileText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      value: fc.oneof(
        fc.json().map((j) => JSON.parse(j) as unknown),
        wrongType,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      length: fc.integer({ min: 10_000, max: 300_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('secret-echo' as const) }) },
);

export const answerSpec: fc.Arbitrary<AnswerSpec> = fc.record(
  {
    base: fc.nat({ max: 50 }),
    status: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_STATUSES) },
    ),
    shape,
    contentType: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    ),
    retryAfter: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '0',
          '1',
          '2.5',
          '-1',
          '86400',
          'soon',
          'Wed, 21 Oct 2015 07:28:00 GMT',
          '1e9',
        ),
      },
    ),
    connection: fc.oneof(
      { weight: 30, arbitrary: fc.constant('normal' as const) },
      { weight: 1, arbitrary: fc.constantFrom('reset' as const, 'reset-mid-body' as const) },
    ),
  },
  { requiredKeys: ['base', 'shape', 'connection'] },
);

export const answerScript: fc.Arbitrary<AnswerScript> = fc.record({
  api: fc.array(answerSpec, { minLength: 1, maxLength: 6 }),
  token: fc.array(
    fc.oneof({ weight: 6, arbitrary: fc.constant('good' as const) }, { weight: 1, arbitrary: answerSpec }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
});

/** Where two requests to the same endpoint differ only by ids, they share a route. */
export function routeOf(method: string, url: string): string {
  const path = url.split('?')[0] ?? '';
  return `${method} ${path.replace(/\d+/g, '#')}`;
}

export interface FuzzVendorOptions {
  /** The token endpoint's path on this server (undefined: the vendor has none). */
  tokenPath?: string;
  /** Credentials the adapter was configured with; echoed back in answers. */
  secrets: string[];
}

export class FuzzVendorServer {
  readonly recorded: RecordedAnswer[] = [];
  /** Every access token this server handed out; none may show up in an error. */
  readonly issuedTokens: string[] = [];
  /** While set, requests are forwarded there and the answers recorded. */
  proxyTo?: string;
  private script: AnswerScript = { api: [], token: ['good'] };
  private apiIndex = 0;
  private tokenIndex = 0;
  private tokenCounter = 0;
  private echoCounter = 0;
  /** How many requests the current script answered (API, token). */
  answered = { api: 0, token: 0 };
  private server?: Server;
  url = '';

  constructor(private readonly options: FuzzVendorOptions) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.handle(req, res, body).catch((error: unknown) => {
          res.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The answers for the next operation. */
  use(script: AnswerScript): void {
    this.script = script;
    this.apiIndex = 0;
    this.tokenIndex = 0;
    this.answered = { api: 0, token: 0 };
  }

  /** Everything a credential can look like in an answer: configured secrets and the tokens handed out. */
  secrets(): string[] {
    return [...this.options.secrets, ...this.issuedTokens];
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (this.proxyTo) {
      await this.forward(req, res, body);
      return;
    }
    const isToken = this.options.tokenPath !== undefined && url.split('?')[0] === this.options.tokenPath;
    const echo = this.echoText(req);
    if (isToken) {
      this.answered.token++;
      const spec = this.script.token[Math.min(this.tokenIndex++, this.script.token.length - 1)] ?? 'good';
      const base = this.pick(routeOf(method, url), spec === 'good' ? 0 : spec.base);
      if (spec === 'good') {
        const good = withFreshToken(base.body, this.freshToken());
        send(res, base.status, base.contentType, good);
        return;
      }
      this.answer(res, spec, { ...base, body: withFreshToken(base.body, this.freshToken()) }, echo);
      return;
    }
    this.answered.api++;
    const spec = this.script.api[Math.min(this.apiIndex++, this.script.api.length - 1)];
    if (!spec) {
      send(res, 500, 'text/plain', 'no answer scripted');
      return;
    }
    this.answer(res, spec, this.pick(routeOf(method, url), spec.base), echo);
  }

  private freshToken(): string {
    const token = `FUZZTOKEN${String(++this.tokenCounter).padStart(6, '0')}x${Math.random().toString(36).slice(2, 10)}`;
    this.issuedTokens.push(token);
    return token;
  }

  /** A sentence a careless vendor might answer with, quoting what it was sent. */
  private echoText(req: IncomingMessage): string {
    const authorization = req.headers.authorization ?? '';
    const bare = authorization.replace(/^\S+\s+/, '');
    // The credentials it was configured with, one per answer in turn; tokens travel in the header.
    const secrets = this.options.secrets;
    const someSecret = secrets[this.echoCounter++ % Math.max(1, secrets.length)] ?? '';
    const decoded = /^basic /i.test(authorization) ? Buffer.from(bare, 'base64').toString('utf8') : '';
    return `invalid_client: credentials ${authorization} (${bare}) ${decoded} rejected; client_secret=${someSecret} password=${someSecret}`;
  }

  private pick(route: string, index: number): RecordedAnswer {
    const same = this.recorded.filter((r) => r.route === route);
    const pool = same.length > 0 ? same : this.recorded;
    const found = pool[index % Math.max(1, pool.length)];
    return found ?? { method: 'GET', route, status: 200, contentType: 'application/json', body: '{}' };
  }

  private answer(res: ServerResponse, spec: AnswerSpec, base: RecordedAnswer, echo: string): void {
    const status = spec.status ?? base.status;
    let contentType = base.contentType;
    let body: string;
    switch (spec.shape.kind) {
      case 'recorded':
        body = mutateJsonText(base.body, spec.shape.mutations, echo);
        break;
      case 'truncated':
        body = base.body.slice(0, Math.floor(base.body.length * spec.shape.cut));
        break;
      case 'html':
        contentType = 'text/html';
        body = `<!DOCTYPE html><html><head><title>${status} Service Unavailable</title></head><body><h1>Bad Gateway</h1><p>The upstream server is unavailable. Request: ${escapeHtml(echo)}</p><hr><address>nginx</address></body></html>`;
        break;
      case 'empty':
        body = '';
        break;
      case 'text':
        contentType = 'text/plain';
        body = spec.shape.text;
        break;
      case 'json':
        body = JSON.stringify(spec.shape.value) ?? 'undefined';
        break;
      case 'huge':
        body = JSON.stringify({
          message: `${echo} ${'A'.repeat(spec.shape.length)}`,
          error: 'x'.repeat(spec.shape.length),
        });
        break;
      case 'secret-echo':
        body = JSON.stringify({
          error: 'invalid_client',
          error_description: echo,
          message: echo,
          errorMessage: echo,
          errors: [{ code: 'EQ-0000', message: echo, errorCode: 'E1', errorMessage: echo, detail: echo }],
          userMessage: echo,
          ErrorResponse: { APIError: { ErrorCode: 'X', ErrorDescription: echo } },
        });
        break;
    }
    if (spec.contentType !== undefined) contentType = spec.contentType;
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    if (spec.retryAfter !== undefined) headers['retry-after'] = spec.retryAfter;
    if (spec.connection === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (spec.connection === 'reset-mid-body') {
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length + 100) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    send(res, status, contentType, body, headers);
  }

  private async forward(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && key !== 'host' && key !== 'connection' && key !== 'content-length')
        headers[key] = value;
    }
    const answer = await undiciRequest(`${this.proxyTo}${req.url ?? '/'}`, {
      method: method as 'GET',
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const text = await answer.body.text();
    const contentType = String(answer.headers['content-type'] ?? '');
    this.recorded.push({
      method,
      route: routeOf(method, req.url ?? '/'),
      status: answer.statusCode,
      contentType,
      body: text,
    });
    send(res, answer.statusCode, contentType, text);
  }
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...(contentType ? { 'content-type': contentType } : {}), ...headers });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

/** The recorded token answer, with every access token field set to `token`. */
function withFreshToken(body: string, token: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (parsed && typeof parsed === 'object') {
      for (const key of Object.keys(parsed)) {
        if (/access_?token|^token$/i.test(key)) parsed[key] = token;
      }
      return JSON.stringify(parsed);
    }
  } catch {
    // not JSON: answer it as recorded
  }
  return body;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number };

/** Every place in a JSON tree, parents before children, in a stable order. */
function slotsOf(value: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push({ parent: value, key: index });
      slotsOf(item, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push({ parent: value, key });
      slotsOf(value[key] as Json, out);
    }
  }
  return out;
}

export function mutateJsonText(text: string, mutations: Mutation[], echo: string): string {
  if (mutations.length === 0) return text;
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return `${text}${echo}`;
  }
  const holder: { [key: string]: Json } = { root };
  for (const m of mutations) {
    const slots = slotsOf(holder);
    const slot = slots[m.at % slots.length];
    if (!slot) continue;
    const { parent, key } = slot;
    const get = () => (parent as Record<string | number, Json>)[key];
    const set = (v: unknown) => {
      (parent as Record<string | number, unknown>)[key] = v;
    };
    switch (m.kind) {
      case 'delete':
        if (parent === holder) set({});
        else if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Record<string, Json>)[key as string];
        break;
      case 'null':
        set(null);
        break;
      case 'empty': {
        const current = get();
        set(Array.isArray(current) ? [] : typeof current === 'string' ? '' : {});
        break;
      }
      case 'huge': {
        const current = get();
        set(
          Array.isArray(current)
            ? Array(2000).fill(current[0] ?? 'x')
            : `${String(current)}${'Z'.repeat(100_000)}`,
        );
        break;
      }
      case 'secret':
        set(`${typeof get() === 'string' ? get() : ''} ${echo}`);
        break;
      case 'numeric-string': {
        const current = get();
        set(
          typeof current === 'number'
            ? String(current)
            : typeof current === 'string'
              ? Number(current)
              : current,
        );
        break;
      }
      case 'wrong':
      case 'hostile':
        set(m.value);
        break;
      case 'extra': {
        const current = get();
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
          Object.defineProperty(current, m.key, {
            value: m.value ?? null,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        break;
      }
    }
  }
  return JSON.stringify(holder.root) ?? '';
}
