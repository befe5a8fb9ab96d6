import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomRoute } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/domain/ports/store.js';
import type { VendorHealth } from '../../src/domain/ports/vendor.js';
import { silentLogger } from '../../src/logging/logger.js';
import { CaseopsMetrics } from '../../src/observability/metrics.js';
import {
  createOpsRoutes,
  describeFailure,
  ReadinessCheck,
  type ReadinessOptions,
  type ReadinessReport,
  startOpsServer,
} from '../../src/observability/ops-server.js';
import { createStore } from '../../src/store/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(options: ReadinessOptions): Promise<string> {
  const routes = createOpsRoutes({
    readiness: new ReadinessCheck(options),
    metrics: new CaseopsMetrics({ defaultMetrics: false }),
  });
  const server = await startOpsServer(routes, 0, '127.0.0.1');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readyz(base: string): Promise<{ status: number; body: ReadinessReport; text: string }> {
  const response = await fetch(`${base}/readyz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as ReadinessReport, text };
}

describe('/readyz with a real SQLite store', () => {
  it('is 503 naming the store while it is down, and 200 once it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caseops-readyz-'));
    let store: Store = await createStore({ dataDir, logger: silentLogger });
    await store.migrate();
    const base = await serve({ store: { ping: () => store.ping() } });

    const up = await readyz(base);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', failed: [], checks: { store: { ok: true } } });

    await store.close();
    const down = await readyz(base);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not ready');
    expect(down.body.failed).toEqual(['store']);
    expect(down.body.checks.store.ok).toBe(false);
    expect(down.body.checks.store.error).toMatch(/\S/);

    store = await createStore({ dataDir, logger: silentLogger });
    const back = await readyz(base);
    expect(back.status).toBe(200);
    expect(back.body.failed).toEqual([]);
    await store.close();
  });

  it('is 503 when the store hangs past the timeout', async () => {
    const base = await serve({ store: { ping: () => new Promise(() => {}) }, storeTimeoutMs: 50 });
    const hung = await readyz(base);
    expect(hung.status).toBe(503);
    expect(hung.body.checks.store.error).toBe('the store did not answer within 50 ms');
  });
});

describe('/readyz and the app lifecycle', () => {
  it('is 503 until the app serves and again while it drains', async () => {
    let serving = false;
    const base = await serve({ store: { ping: async () => {} }, serving: () => serving });
    const starting = await readyz(base);
    expect(starting.status).toBe(503);
    expect(starting.body.failed).toEqual(['app']);
    serving = true;
    expect((await readyz(base)).status).toBe(200);
    serving = false;
    expect((await readyz(base)).body.checks.app).toEqual({
      ok: false,
      error: 'not serving: starting or shutting down',
    });
  });
});

describe('/readyz and Slack auth', () => {
  it('checks auth.test once per TTL, fails while Slack refuses the token, and recovers', async () => {
    let now = 1_700_000_000_000;
    let refusing = false;
    const authTest = vi.fn(async () => {
      if (refusing) throw new Error('An API error occurred: invalid_auth (token xoxb-1234567890-abcdef)');
      return { ok: true };
    });
    const base = await serve({
      store: { ping: async () => {} },
      slackAuthTest: authTest,
      now: () => now,
      slackOkTtlMs: 60_000,
      slackFailedTtlMs: 10_000,
    });

    expect((await readyz(base)).status).toBe(200);
    expect((await readyz(base)).status).toBe(200);
    expect(authTest).toHaveBeenCalledTimes(1);

    refusing = true;
    now += 61_000;
    const refused = await readyz(base);
    expect(refused.status).toBe(503);
    expect(refused.body.failed).toEqual(['slack']);
    expect(refused.body.checks.slack.error).toContain('invalid_auth');
    expect(refused.text).not.toContain('xoxb-1234567890');

    refusing = false;
    now += 5_000;
    expect((await readyz(base)).status).toBe(503);
    now += 6_000;
    expect((await readyz(base)).status).toBe(200);
    expect(authTest).toHaveBeenCalledTimes(3);
  });

  it('treats an ok:false answer as a refusal and skips Slack where there is none', async () => {
    const refused = await serve({
      store: { ping: async () => {} },
      slackAuthTest: async () => ({ ok: false, error: 'account_inactive' }),
    });
    expect((await readyz(refused)).body.checks.slack).toMatchObject({
      ok: false,
      error: 'auth.test refused: account_inactive',
    });

    const playground = await serve({ store: { ping: async () => {} } });
    expect((await readyz(playground)).body.checks.slack).toEqual({ ok: true, skipped: true });
  });
});

describe('/readyz vendor report', () => {
  it('gives each vendor its last-success age and error code, never fails on them, and carries no message', async () => {
    const now = Date.parse('2026-11-02T10:00:00Z');
    const vendors: VendorHealth[] = [
      {
        vendor: 'cisco',
        lastSuccessAt: '2026-11-02T09:58:00Z',
        lastError: {
          code: 'throttled',
          message: 'cisco is rate limiting us (Bearer abcdefghijkl)',
          at: '2026-11-02T09:59:50Z',
        },
        throttledUntil: '2026-11-02T10:00:40Z',
        budget: { ratePerSecond: 2, maxConcurrent: 2, inFlight: 0, queued: 0 },
      },
      { vendor: 'juniper', budget: { ratePerSecond: 5, maxConcurrent: 4, inFlight: 0, queued: 0 } },
    ];
    const base = await serve({ store: { ping: async () => {} }, vendors: () => vendors, now: () => now });
    const report = await readyz(base);
    expect(report.status).toBe(200);
    expect(report.body.vendors).toEqual([
      {
        vendor: 'cisco',
        lastSuccessAt: '2026-11-02T09:58:00Z',
        lastSuccessAgeSeconds: 120,
        lastError: { code: 'throttled', at: '2026-11-02T09:59:50Z' },
        throttledForSeconds: 40,
      },
      {
        vendor: 'juniper',
        lastSuccessAt: null,
        lastSuccessAgeSeconds: null,
        lastError: null,
        throttledForSeconds: null,
      },
    ]);
    expect(report.text).not.toContain('abcdefghijkl');
  });
});

describe('ops routes', () => {
  it('/healthz answers while the store is down', async () => {
    const base = await serve({ store: { ping: async () => Promise.reject(new Error('down')) } });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers HEAD without a body, 404 elsewhere and 405 for other methods', async () => {
    const base = await serve({ store: { ping: async () => {} } });
    const head = await fetch(`${base}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/healthz?probe=1`)).status).toBe(200);
  });

  it('answers 500 when metrics cannot be rendered, and reports it', async () => {
    const onError = vi.fn();
    const routes = createOpsRoutes({
      readiness: new ReadinessCheck({ store: { ping: async () => {} } }),
      metrics: { contentType: 'text/plain', render: () => Promise.reject(new Error('collector broke')) },
      onError,
    });
    const server = await startOpsServer(routes, 0, '127.0.0.1');
    servers.push(server);
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    expect(response.status).toBe(500);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), '/metrics');
  });

  it('are Bolt custom routes as they are', () => {
    const routes: CustomRoute[] = createOpsRoutes({
      readiness: new ReadinessCheck({ store: { ping: async () => {} } }),
      metrics: new CaseopsMetrics({ defaultMetrics: false }),
    });
    expect(routes.map((r) => r.path)).toEqual(['/healthz', '/readyz', '/metrics']);
  });
});

describe('describeFailure', () => {
  it('keeps the code and drops credentials from URLs and tokens', () => {
    const error = Object.assign(new Error('connect to postgres://caseops:s3cret@db:5432/caseops failed'), {
      code: 'ECONNREFUSED',
    });
    expect(describeFailure(error)).toBe(
      'ECONNREFUSED: connect to postgres://[redacted]@db:5432/caseops failed',
    );
  });
});
