/**
 * The real caseops process for the fault suites: `node dist/main.js` (built once per run) in HTTP mode, its
 * JSON log lines collected, its Slack port read from the start-up line, killed with SIGKILL at will. The
 * vendor simulators and the fake Slack Web API live in the test process, so they outlive every kill.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogLine } from './processes.js';
import { followOutput, waitUntil } from './processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Builds dist/ with the project's own production build (npm run build); returns how long it took in ms. */
export function buildCaseops(): number {
  const started = performance.now();
  execFileSync(process.execPath, [`${ROOT}scripts/build.mjs`], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return Math.round(performance.now() - started);
}

/** A tiny seeded generator (mulberry32), so a failing run can be repeated with its SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Children still running; killed when the test process exits, however it exits, so none is orphaned. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class AppProcess {
  readonly lines: LogLine[] = [];
  readonly startedAt = performance.now();
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private killedAt?: number;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [MAIN], {
      // Only what the test sets: nothing of the machine's own caseops configuration leaks in.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
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
    running.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        running.delete(this.child);
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

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
      const recent = this.lines.slice(-5).map((l) => JSON.stringify(l).slice(0, 400));
      throw new Error(
        `${error.message}\nlast log lines:\n${recent.join('\n')}\nstderr: ${this.stderr.slice(-2000)}`,
      );
    });
  }

  /** Resolves with the app's Slack URL once it listens. */
  async ready(timeoutMs = 30_000): Promise<string> {
    const line = await this.waitForLine(
      (l) => typeof l.port === 'number' && /listening for Slack/.test(String(l.msg)),
      `pid ${this.pid} listening for Slack`,
      timeoutMs,
    );
    return `http://127.0.0.1:${String(line.port)}`;
  }

  count(match: (line: LogLine) => boolean): number {
    return this.lines.filter(match).length;
  }

  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    this.killedAt = performance.now();
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  get killedAtMs(): number | undefined {
    return this.killedAt;
  }

  async stop(): Promise<void> {
    if (this.alive) await this.kill();
  }
}
