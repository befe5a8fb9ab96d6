/**
 * For the crash tests: caseops' poller and digests in a child process (crash-child.ts) that a test can
 * SIGKILL and start again, a Slack Web API proxy on loopback that can hold chat.postMessage answers, to
 * open a window in which a kill lands (before Slack has the message, or after Slack accepted it), and a TCP
 * proxy that can cut caseops off its database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const CHILD_ENTRY = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

export interface LogLine {
  msg?: string;
  level?: string;
  [key: string]: unknown;
}

/** Collects a child's JSON log lines (a line that is not JSON kept as its message) and its stderr. */
export function followOutput(
  child: ChildProcess,
  lines: LogLine[],
  onLine: () => void,
  onStderr: (chunk: string) => void,
): void {
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ msg: line });
      }
    }
    onLine();
  });
  child.stderr?.setEncoding('utf8').on('data', onStderr);
}

export class CaseopsProcess {
  readonly lines: LogLine[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();
  stderr = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    followOutput(
      this.child,
      this.lines,
      () => {
        for (const wake of this.waiters) wake();
      },
      (chunk) => {
        this.stderr += chunk;
      },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the first log line (existing or future) that matches. */
  waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs = 30_000): Promise<LogLine> {
    return waitUntil(
      () => this.lines.find(match),
      what,
      timeoutMs,
      (wake) => {
        this.waiters.add(wake);
        return () => this.waiters.delete(wake);
      },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nstderr: ${this.stderr.slice(-2000)}`);
    });
  }

  /** SIGKILL: no shutdown code runs, as when the machine or the orchestrator kills caseops. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** For cleanup after a failed test. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await this.kill();
  }
}

/** Polls `probe` on every wake-up and every 50 ms until it returns something, or fails after `timeoutMs`. */
export function waitUntil<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs: number,
  subscribe?: (wake: () => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      const found = probe();
      if (found === undefined) return false;
      finish();
      resolve(found);
      return true;
    };
    const interval = setInterval(check, 50);
    const unsubscribe = subscribe?.(() => void check());
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const finish = () => {
      clearInterval(interval);
      clearTimeout(timer);
      unsubscribe?.();
    };
    check();
  });
}

/** How the proxy treats chat.postMessage right now. */
export type PostHold =
  | { kind: 'none' }
  /** Keep the request `ms` before passing it on: Slack does not have the message yet. */
  | { kind: 'before-slack'; ms: number }
  /** Pass it on at once, keep Slack's answer `ms`: Slack accepted the message, caseops does not know yet. */
  | { kind: 'after-slack'; ms: number };

/** A loopback proxy in front of the fake Slack Web API. */
export class SlackProxy {
  hold: PostHold = { kind: 'none' };
  /** chat.postMessage requests that reached the proxy, whether or not Slack has them yet. */
  postsReceived = 0;
  private server?: Server;
  private base?: string;

  constructor(private readonly target: string) {}

  get apiUrl(): string {
    if (!this.base) throw new Error('the Slack proxy is not started');
    return `${this.base}/api/`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.forward(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(error));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const isPost = req.url?.endsWith('/chat.postMessage') ?? false;
    if (isPost) this.postsReceived++;
    const hold = isPost ? this.hold : ({ kind: 'none' } as const);
    let callerGone = false;
    res.once('close', () => {
      callerGone = !res.writableFinished;
    });
    if (hold.kind === 'before-slack') {
      await sleep(hold.ms);
      // The caller died while its message was held here: the message never reaches Slack.
      if (callerGone) return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await request(`${this.target}${req.url ?? '/'}`, {
      method: req.method as 'POST',
      headers,
      body: Buffer.concat(chunks),
    });
    const body = await answer.body.text();
    if (hold.kind === 'after-slack') await sleep(hold.ms);
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === 'string' && name !== 'content-length' && name !== 'transfer-encoding') {
        outHeaders[name] = value;
      }
    }
    res.writeHead(answer.statusCode, outHeaders).end(body);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A TCP proxy on loopback in front of a server (PostgreSQL here) that can be cut: every open connection is
 * destroyed and new ones are refused until it is restored, as when the server restarts or the network
 * between caseops and it goes away.
 */
export class CuttableTcpProxy {
  private server?: NetServer;
  private readonly sockets = new Set<Socket>();
  private down = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get port(): number {
    if (!this.server) throw new Error('the TCP proxy is not started');
    return (this.server.address() as AddressInfo).port;
  }

  async start(): Promise<void> {
    const server = createNetServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
