/**
 * Request/answer over the IPC channel of a forked process: the benchmark drives its child processes (the
 * vendor and Slack stand-ins, the apps under test) with a handful of named commands. Children exit when the
 * parent goes away, so an interrupted run leaves nothing behind.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { openSync } from 'node:fs';

interface RpcRequest {
  id: number;
  command: string;
  args?: unknown;
}

type RpcAnswer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

interface ReadyMessage {
  ready: true;
  info: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers validate their own arguments; the wire is untyped JSON.
type Handler = (args: any) => unknown;

/** Child side: answers the parent's commands and announces readiness. */
export function serveCommands(handlers: Record<string, Handler>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this module must be started by the benchmark (no IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: RpcRequest) => {
    const handler = handlers[message.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        return handler(message.args);
      })
      .then(
        (result) => send({ id: message.id, ok: true, result } satisfies RpcAnswer),
        (error: unknown) =>
          send({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies RpcAnswer),
      );
  });
}

export function announceReady(info: unknown = {}): void {
  process.send?.({ ready: true, info } satisfies ReadyMessage);
}

/**
 * BENCH_CPU_PROFILE=<dir>: every child writes a V8 CPU profile there when it exits (finding hot spots).
 * BENCH_NODE_ARGS="--trace-gc …": more node options for every child, space-separated (looking closer).
 */
function profileArguments(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...extra];
}

export interface SpawnOptions {
  /** The built module to run with plain `node`. */
  modulePath: string;
  /** Options for node itself, e.g. `--import <probe>`. */
  nodeArgs?: string[];
  args?: string[];
  env?: Record<string, string>;
  /** The child's stdout and stderr go here (appended). */
  logFile: string;
  /** How long to wait for the child's ready message. */
  readyTimeoutMs?: number;
}

/** Parent side: one forked child and its commands. */
export class BenchChild<Info = unknown> {
  readonly process: ChildProcess;
  /** process.hrtime-based ms when fork() was called. */
  readonly spawnedAt: number;
  readonly ready: Promise<Info>;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private exited = false;

  constructor(options: SpawnOptions) {
    const log = openSync(options.logFile, 'a');
    this.spawnedAt = performance.now();
    this.process = fork(options.modulePath, options.args ?? [], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log, 'ipc'],
      execArgv: [...(options.nodeArgs ?? []), ...profileArguments()],
    });
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.ready = new Promise<Info>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.modulePath} was not ready within ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      this.process.on('message', (message: RpcAnswer | ReadyMessage) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolve(message.info as Info);
          return;
        }
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`child command failed: ${message.error}`));
      });
      this.process.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const error = new Error(
          `${options.modulePath} exited (code ${code}, signal ${signal}); see ${options.logFile}`,
        );
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
    });
    // A child that dies before ready is reported by whoever awaits `ready`; avoid an unhandled rejection here.
    this.ready.catch(() => undefined);
  }

  call<T>(command: string, args?: unknown, timeoutMs = 600_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`child has exited; cannot run ${command}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`child command ${command} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, command, args } satisfies RpcRequest);
    });
  }

  /** Ends this child (it is ours: killed by its own pid) and waits for it to go. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
