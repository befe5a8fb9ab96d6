/**
 * The composition root as an operator runs it: a real process, its endpoints, its shutdown, and what it says
 * when the configuration is wrong.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Spawned, spawnNode } from './support/spawned.js';

const root = new URL('..', import.meta.url).pathname;
// node itself with tsx's loader, not the tsx wrapper: signals then reach the app's own process directly.
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

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

function run(env: NodeJS.ProcessEnv, cwd = root): Spawned {
  return spawnNode(['--import', tsxLoader, join(root, 'src', 'main.ts')], { cwd, env });
}

/** Opens a POST to /slack/events and sends only part of its body, so the request stays in flight. */
function holdRequestOpen(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      // Signed headers that pass the checks made before the body is read; the body never completes.
      const timestamp = Math.floor(Date.now() / 1000);
      socket.write(
        `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Slack-Request-Timestamp: ${timestamp}\r\nX-Slack-Signature: v0=${'0'.repeat(64)}\r\n\r\n{"type":`,
      );
      // Give the server a moment to take the request in before the test signals.
      setTimeout(() => resolve(socket), 200);
    });
    socket.on('error', reject);
  });
}

async function until(condition: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every JSON log line, parsed, in order. */
function logEntries(output: string): Array<{ msg?: string; [field: string]: unknown }> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string });
}

/** The `msg` of every JSON log line, in order. */
function logMessages(output: string): string[] {
  return logEntries(output).map((entry) => entry.msg ?? '');
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

    // The playground keeps its own store: nothing lands in the deployment's DATA_DIR.
    expect(readdirSync(dataDir)).toEqual([]);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    const said = logMessages(app.output());
    const order = [
      'SIGTERM: finishing in-flight work, then stopping',
      'shutdown: /readyz answers 503 from now on',
      'shutdown: no new Slack requests are taken',
      'scheduler stopped',
      'shutdown: in-flight work finished',
      'shutdown: stopped',
    ];
    const positions = order.map((message) => said.indexOf(message));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(said),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  }, 40_000);

  it('waits at most SHUTDOWN_TIMEOUT_MS for a request still in flight, and exits at once on a second signal', async () => {
    const port = await freePort();
    const app = run(cleanEnv({ PORT: String(port), SHUTDOWN_TIMEOUT_MS: '1500' }));
    cleanups.push(() => app.child.kill('SIGKILL'));
    await waitFor(`http://127.0.0.1:${port}/readyz`, 20_000);

    // A Slack request whose body is still arriving: the server cannot finish closing while it is in flight.
    const slowRequest = await holdRequestOpen(port);
    cleanups.push(() => slowRequest.destroy());
    const signalled = Date.now();
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(1);
    const waited = Date.now() - signalled;
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(8000);
    const said = logMessages(app.output());
    expect(said).toContain(
      'shutdown: SHUTDOWN_TIMEOUT_MS (1500 ms) passed with work still running; stopping anyway',
    );
    expect(said.indexOf('shutdown: /readyz answers 503 from now on')).toBeLessThan(
      said.indexOf('shutdown: SHUTDOWN_TIMEOUT_MS (1500 ms) passed with work still running; stopping anyway'),
    );
    expect(said).toContain('shutdown: stopped');
    // The held request never reached a listener: nothing was running, and the line says so for both kinds.
    const timedOut = logEntries(app.output()).find((entry) =>
      entry.msg?.startsWith('shutdown: SHUTDOWN_TIMEOUT_MS'),
    );
    expect(timedOut).toMatchObject({ slackRequestsRunning: 0, commandFollowUpsRunning: 0 });

    const again = run(cleanEnv({ PORT: String(port), SHUTDOWN_TIMEOUT_MS: '30000' }));
    cleanups.push(() => again.child.kill('SIGKILL'));
    await waitFor(`http://127.0.0.1:${port}/readyz`, 20_000);
    const heldAgain = await holdRequestOpen(port);
    cleanups.push(() => heldAgain.destroy());
    again.child.kill('SIGTERM');
    await until(
      () => logMessages(again.output()).includes('shutdown: /readyz answers 503 from now on'),
      5_000,
    );
    const secondSignal = Date.now();
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(1);
    expect(Date.now() - secondSignal).toBeLessThan(3000);
    expect(logMessages(again.output())).toContain('SIGINT again: exiting without waiting');
    expect(logMessages(again.output())).not.toContain('shutdown: stopped');
  }, 60_000);

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

  it('names three bad values at once and creates nothing before the configuration passes', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'caseops-main-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const dataDir = join(parent, 'data');
    const app = run(
      cleanEnv({
        DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: 'xoxb-1-2-3',
        SLACK_SIGNING_SECRET: 'abc',
        POLL_CRON: '61 * * * *',
        DIGEST_TZ: 'Atlantis/Capital',
        CASEOPS_POLICY: join(parent, 'no-such-policy.yaml'),
      }),
    );
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split('\n');
    expect(lines[0]).toBe('caseops cannot start: the configuration has 3 problems:');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- POLL_CRON: .*minute field takes 0–59/),
      expect.stringMatching(/^ {2}- DIGEST_TZ: "Atlantis\/Capital" is not a time zone/),
      expect.stringMatching(/^ {2}- CASEOPS_POLICY: .*no-such-policy\.yaml: cannot read the policy file/),
    ]);
    expect(existsSync(dataDir)).toBe(false);
  }, 20_000);

  it('with CASEOPS_PLAYGROUND=false and nothing else, says in one line what is missing', async () => {
    const app = run(cleanEnv({ CASEOPS_PLAYGROUND: 'false' }));
    expect(await app.exited).toBe(1);
    expect(app.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^caseops cannot start: SLACK_BOT_TOKEN: required with CASEOPS_PLAYGROUND=false/),
    ]);
  }, 20_000);

  it('names an unreachable DATABASE_URL by host and port, without the password or a stack trace', async () => {
    const port = await freePort(); // nothing listens there once freePort has closed it
    const parent = mkdtempSync(join(tmpdir(), 'caseops-main-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const app = run(
      cleanEnv({
        DATA_DIR: join(parent, 'data'),
        SLACK_BOT_TOKEN: 'xoxb-1-2-3',
        SLACK_SIGNING_SECRET: 'abc',
        DATABASE_URL: `postgres://caseops:hunter2-pw@127.0.0.1:${port}/caseops`,
      }),
    );
    expect(await app.exited).toBe(1);
    const output = app.output().trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toContain(`DATABASE_URL: cannot use PostgreSQL at 127.0.0.1:${port} (database caseops)`);
    expect(output).toContain('nothing accepts connections there');
    expect(output).toMatch(/Check that the server is running/);
    expect(output).not.toContain('hunter2-pw');
    expect(existsSync(join(parent, 'data'))).toBe(false);
  }, 20_000);

  it('reads .env from the working directory, and the environment wins over it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'caseops-main-'));
    cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    writeFileSync(join(cwd, '.env'), 'PORT=eighty\nDIGEST_TZ=Atlantis/Capital\nCASEOPS_PLAYGROUND=false\n');
    const app = run(cleanEnv({ PORT: '3000', CASEOPS_PLAYGROUND: '' }), cwd);
    expect(await app.exited).toBe(1);
    const output = app.output();
    // From the file: DIGEST_TZ; from the environment: PORT (valid) and an empty CASEOPS_PLAYGROUND, which the
    // file fills, since an empty variable means unset.
    expect(output).toMatch(/DIGEST_TZ: "Atlantis\/Capital" is not a time zone/);
    expect(output).toMatch(/SLACK_BOT_TOKEN: required with CASEOPS_PLAYGROUND=false/);
    expect(output).not.toMatch(/PORT:/);
  }, 20_000);
});
