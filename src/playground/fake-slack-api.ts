/**
 * A fake of the Slack Web API on loopback, for tests and the local playground. It speaks the wire format
 * the real client uses (form-encoded bodies, `blocks`/`view` as JSON strings, `Authorization: Bearer`),
 * records every call, enforces Slack's real limits (fake-slack-checks.ts) and can inject failures: 429
 * with Retry-After, 5xx, an `ok: false` error such as `invalid_auth`, or a call done whose answer is lost.
 *
 * This is the server: HTTP, authentication, injected failures, the record of calls and ways to wait for
 * them. The methods are in fake-slack-methods.ts, the workspace's state in fake-slack-store.ts; plus
 * response_url endpoints (POST /respond/<id>).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asRecord, type Json, SlackApiError } from './fake-slack-checks.js';
import { FakeSlackMethods } from './fake-slack-methods.js';
import type { InjectedFailure, RecordedCall, RecordedResponse } from './fake-slack-store.js';

export { validateBlocks } from './fake-slack-checks.js';
export type {
  FakeChannel,
  FakeMessage,
  FakeSlackOptions,
  FakeUser,
  FakeUserGroup,
  FakeView,
  InjectedFailure,
  RecordedCall,
  RecordedResponse,
} from './fake-slack-store.js';

const JSON_ARGS = new Set(['blocks', 'view', 'attachments', 'metadata', 'unfurls']);

export class FakeSlackApi extends FakeSlackMethods {
  private readonly failures: Array<{ method: string; failure: InjectedFailure; times: number }> = [];
  private server?: Server;
  private base?: string;

  get url(): string {
    if (!this.base) throw new Error('fake Slack API is not started');
    return this.base;
  }

  /** What to give the client as slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_failure', detail: (error as Error).message }));
      });
    });
    this.server = server;
    this.socketMode.attach(server);
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.base = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.socketMode.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    this.failures.push({ method, failure, times });
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  okCallsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.outcome === 'ok');
  }

  /** Resolves with the first call (existing or future) that matches, or rejects after `timeoutMs`. */
  waitForCall(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    return this.waitFor(
      () => this.calls.find((c) => c.method === method && predicate(c)),
      `${method} call`,
      timeoutMs,
    );
  }

  waitForResponse(
    predicate: (r: RecordedResponse) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedResponse> {
    return this.waitFor(() => this.responses.find(predicate), 'response_url post', timeoutMs);
  }

  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const hit = probe();
        if (hit !== undefined) {
          clearTimeout(timer);
          this.events.off('change', onChange);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.events.on('change', onChange);
    });
  }

  // ---- HTTP --------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake-slack');
    if (req.method === 'POST' && url.pathname.startsWith('/respond/')) {
      return this.handleResponseUrl(url.pathname.slice('/respond/'.length), raw, res);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      return this.handleMethod(url.pathname.slice('/api/'.length), req, raw, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private parseArgs(req: IncomingMessage, raw: string): Json {
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      try {
        return asRecord(JSON.parse(raw));
      } catch {
        return {};
      }
    }
    const args: Json = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      if (JSON_ARGS.has(key)) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          args[key] = value;
        }
      } else {
        args[key] = value;
      }
    }
    return args;
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    const rule = this.failures.find((f) => f.method === method && f.times > 0);
    if (!rule) return undefined;
    rule.times -= 1;
    return rule.failure;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit('change');
  }

  private async handleMethod(
    method: string,
    req: IncomingMessage,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const args = this.parseArgs(req, raw);
    const auth =
      /^Bearer\s+(\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ??
      (args.token as string | undefined);
    const call: RecordedCall = { method, args, token: auth, at: Date.now(), outcome: 'ok' };
    const failure = this.takeFailure(method);
    if (failure?.kind === 'ratelimited') {
      call.outcome = 'http_429';
      this.record(call);
      res.writeHead(429, {
        'retry-after': String(failure.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (failure?.kind === 'http') {
      call.outcome = `http_${failure.status}`;
      this.record(call);
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('upstream failure');
      return;
    }
    let body: Json;
    try {
      if (failure?.kind === 'error') throw new SlackApiError(failure.error);
      if (!auth) throw new SlackApiError('not_authed');
      // Socket Mode connections are opened with the app-level token; everything else with the bot token.
      if (auth !== (method === 'apps.connections.open' ? this.appToken : this.botToken)) {
        throw new SlackApiError('invalid_auth');
      }
      body = { ok: true, ...this.dispatch(method, args) };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      call.outcome = error.error;
      body = {
        ok: false,
        error: error.error,
        ...(error.details.length ? { response_metadata: { messages: error.details } } : {}),
      };
    }
    if (failure?.kind === 'lost') {
      // Done, as the state shows; the caller only learns that the answer never came.
      call.outcome = `lost_${body.ok === true ? 'ok' : String(body.error)}`;
      this.record(call);
      res.writeHead(failure.status ?? 500, { 'content-type': 'text/plain' }).end('upstream failure');
      return;
    }
    this.record(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const answer = this.respond(id, raw);
    res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.text);
  }
}
