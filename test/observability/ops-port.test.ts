/**
 * Where the operator's endpoints are served: the public port says only ready or not, OPS_PORT (on loopback
 * unless OPS_HOST says otherwise) has /metrics and the detailed /readyz, and the Socket Mode listener stays on
 * loopback unless HOST is set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUseCases } from '../../src/compose/use-cases.js';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { CaseopsMetrics } from '../../src/observability/metrics.js';
import {
  createOpsRoutes,
  createPublicRoutes,
  ReadinessCheck,
  startOpsServer,
} from '../../src/observability/ops-server.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { createSlackApp } from '../../src/slack/app.js';
import { createStore } from '../../src/store/index.js';
import { VendorRegistry } from '../../src/vendors/registry.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(server: Promise<Server>): Promise<string> {
  const started = await server;
  cleanups.push(() => new Promise<void>((resolve) => started.close(() => resolve())));
  return `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
}

/** A PostgreSQL store that cannot be reached says where it was looking: an internal address. */
const unreachableStore = {
  ping: () =>
    Promise.reject(
      Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), { code: 'ECONNREFUSED' }),
    ),
};

describe('public and ops routes', () => {
  it('the public /readyz says only "not ready", while the ops /readyz says why', async () => {
    const readiness = new ReadinessCheck({ store: unreachableStore });
    const publicBase = await serve(startOpsServer(createPublicRoutes({ readiness }), 0));
    const opsBase = await serve(
      startOpsServer(
        createOpsRoutes({ readiness, metrics: new CaseopsMetrics({ defaultMetrics: false }) }),
        0,
      ),
    );

    const shown = await fetch(`${publicBase}/readyz`);
    expect(shown.status).toBe(503);
    expect(await shown.text()).toBe('{"status":"not ready"}');
    expect((await fetch(`${publicBase}/metrics`)).status).toBe(404);
    expect((await fetch(`${publicBase}/healthz`)).status).toBe(200);

    const detailed = await fetch(`${opsBase}/readyz`);
    expect(detailed.status).toBe(503);
    expect(await detailed.text()).toContain('10.20.30.40:5432');
    expect((await fetch(`${opsBase}/metrics`)).status).toBe(200);
  });

  it('the public /readyz says "ready" when all is well, and serves /metrics only when given them', async () => {
    const readiness = new ReadinessCheck({ store: { ping: async () => {} } });
    const base = await serve(
      startOpsServer(
        createPublicRoutes({ readiness, metrics: new CaseopsMetrics({ defaultMetrics: false }) }),
        0,
      ),
    );
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('the ops server listens on loopback by default', async () => {
    const server = await startOpsServer([], 0);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});

describe('configuration', () => {
  it('defaults OPS_HOST to loopback and refuses OPS_PORT equal to PORT', () => {
    expect(loadEnv({ OPS_PORT: '9464' })).toMatchObject({ OPS_PORT: 9464, OPS_HOST: '127.0.0.1' });
    expect(loadEnv({}).OPS_PORT).toBeUndefined();
    expect(loadEnv({}).HOST).toBeUndefined();
    expect(() => loadEnv({ PORT: '3000', OPS_PORT: '3000' })).toThrow(ConfigError);
    expect(() => loadEnv({ OPS_PORT: 'metrics' })).toThrow(/OPS_PORT: expected a port number/);
  });
});

describe('the Socket Mode listener', () => {
  it('binds loopback when HOST is unset, and what HOST says when it is', async () => {
    const fake = new FakeSlackApi({ botToken: 'xoxb-socket-bot', appToken: 'xapp-1-socket-app' });
    await fake.start();
    cleanups.push(() => fake.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'caseops-ops-bind-'));
    const store = await createStore({ dataDir, logger: silentLogger });
    cleanups.push(async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const base = { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.url };
    for (const [host, expected] of [
      [undefined, '127.0.0.1'],
      ['0.0.0.0', '0.0.0.0'],
    ] as const) {
      const env = loadEnv({ ...base, PORT: '0', ...(host ? { HOST: host } : {}) });
      const app = createSlackApp({
        config: env,
        useCases: createUseCases({ store, vendors: new VendorRegistry([]), logger: silentLogger }),
        logger: silentLogger,
        botId: fake.botId,
        botUserId: fake.botUserId,
      });
      const bound = await app.start(0);
      await app.stop();
      expect(bound.host).toBe(expected);
    }
  });
});

const root = new URL('../..', import.meta.url).pathname;

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

describe('npm start with OPS_PORT', () => {
  it('serves /metrics and the detailed /readyz on the ops port only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caseops-ops-main-'));
    const [port, opsPort] = [await freePort(), await freePort()];
    // node itself, not the tsx wrapper, whose signal relay kills a child slow to confirm a SIGTERM.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_FORMAT: 'json',
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PORT: String(port),
        OPS_PORT: String(opsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(() => {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    await waitFor(`http://127.0.0.1:${port}/readyz`, 20_000);
    const shown = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await shown.json()).toEqual({ status: 'ready' });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

    const detailed = (await (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).json()) as {
      checks: { store: { ok: boolean } };
    };
    expect(detailed.checks.store.ok).toBe(true);
    const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('caseops_vendor_requests_in_flight');
    expect(output).toContain(`/metrics and /readyz on 127.0.0.1:${opsPort}`);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
