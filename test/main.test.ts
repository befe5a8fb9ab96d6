/**
 * The composition root as an operator runs it: a real process, its endpoints, its shutdown, and what it says
 * when the configuration is wrong.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Only what the test sets: no Slack or vendor variables leak in from the machine. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    ...extra,
  };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: NodeJS.ProcessEnv): Run {
  const child = spawn(tsx, ['src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(url: string, deadlineMs: number): Promise<Response> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return response;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('npm start (src/main.ts)', () => {
  it('with no Slack credentials runs the playground, serves its endpoints and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caseops-main-'));
    const port = await freePort();
    const app = run(cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }));
    cleanups.push(() => {
      app.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    await waitFor(`http://127.0.0.1:${port}/readyz`, 20_000);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<title>caseops playground</title>');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('caseops_vendor_requests_in_flight{vendor="cisco"}');
    expect(app.output()).toContain(`caseops playground: open http://localhost:${port}/`);
    expect(app.output()).toContain('vendors enabled: Equinix, Cisco, Juniper, Motadata ServiceOps');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('SIGTERM: finishing in-flight work, then stopping');
  }, 40_000);

  it('refuses a bad configuration with one line per problem, naming the variable, and no stack trace', async () => {
    const app = run(
      cleanEnv({ PORT: 'eighty', EQUINIX_CLIENT_ID: 'id-only', SLACK_BOT_TOKEN: 'xoxb-secret-value-123' }),
    );
    expect(await app.exited).toBe(1);
    const output = app.output();
    expect(output).toMatch(/PORT: expected a port number/);
    expect(output).toMatch(/caseops cannot start/);
    expect(output).not.toMatch(/\bat .*\.ts:\d+/);
    expect(output).not.toContain('xoxb-secret-value-123');
  }, 20_000);
});
