/**
 * OpenTelemetry costs nothing when it is not asked for: `npm start` without OTEL_EXPORTER_OTLP_ENDPOINT loads
 * none of the SDK's packages (a preloaded recorder lists every package module the process loaded). With the
 * variable set, the same start-up sends spans (here: the scheduler's polls) to an OTLP/HTTP collector.
 *
 * `@opentelemetry/api` alone is allowed without the variable: prom-client requires it for its exemplars
 * whatever caseops does, and the API on its own is a no-op.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const recorder = new URL('./fixtures/record-modules.mjs', import.meta.url).pathname;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs the playground (no Slack variables) until it is ready, then stops it; returns the packages it loaded. */
async function startAndStop(extra: Record<string, string>, whileUp?: () => Promise<void>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'caseops-otel-load-'));
  const report = join(dir, 'modules.txt');
  const port = await freePort();
  // node itself, not the tsx wrapper: the wrapper gives the child 60 ms to confirm a relayed SIGTERM and
  // kills it otherwise, which a busy machine can miss.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', recorder, 'src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        CASEOPS_MODULE_REPORT: report,
        ...extra,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`, 20_000);
  await whileUp?.();
  child.kill('SIGTERM');
  expect(await exited, stderr).toBe(0);
  const lines = readFileSync(report, 'utf8').split('\n');
  // The recorder works: it saw packages the app always loads.
  expect(lines.some((line) => line.includes('/node_modules/@slack/bolt/'))).toBe(true);
  const packages = new Set<string>();
  for (const line of lines) {
    const name = /\/node_modules\/@opentelemetry\/([^/]+)\//.exec(line)?.[1];
    if (name) packages.add(name);
  }
  return [...packages].sort();
}

describe('OpenTelemetry is loaded only when asked for', () => {
  it('without OTEL_EXPORTER_OTLP_ENDPOINT no SDK, exporter or context package is loaded', async () => {
    const loaded = await startAndStop({});
    expect(loaded.filter((name) => name !== 'api')).toEqual([]);
  }, 40_000);

  it('with it, spans reach the OTLP/HTTP collector', async () => {
    const received: string[] = [];
    const collector: Server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += String(chunk);
      });
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => collector.close());
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    const loaded = await startAndStop(
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, POLL_CRON: '* * * * * *', OTEL_BSP_SCHEDULE_DELAY: '200' },
      async () => {
        const deadline = Date.now() + 10_000;
        while (!received.some((r) => r.includes('caseops.poll')) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    );
    expect(loaded).toEqual(
      expect.arrayContaining(['sdk-trace', 'exporter-trace-otlp-http', 'context-async-hooks']),
    );
    const poll = received.find((r) => r.includes('caseops.poll'));
    expect(poll).toMatch(/^POST \/v1\/traces application\/json /);
    expect(poll).toContain('"service.name"');
  }, 40_000);
});
