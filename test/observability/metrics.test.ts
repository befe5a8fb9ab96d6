import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseopsMetrics } from '../../src/observability/metrics.js';
import { createOpsRoutes, ReadinessCheck, startOpsServer } from '../../src/observability/ops-server.js';
import { VendorHttpClient } from '../../src/vendors/http/client.js';
import { RateBudget } from '../../src/vendors/http/rate-budget.js';

/** A vendor on loopback: 200 for /ok, 429 with Retry-After for /busy. */
async function fakeVendor(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/busy')) {
      res.writeHead(429, { 'retry-after': '40', 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** `name{labels} value` lines of the exposition, keyed by everything before the value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    map.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return map;
}

describe('metrics after a scripted session', () => {
  const metrics = new CaseopsMetrics();
  let vendor: { server: Server; url: string };
  let ops: Server;
  let exposition: string;
  let contentType: string | null;

  beforeAll(async () => {
    vendor = await fakeVendor();
    const client = new VendorHttpClient({
      vendor: 'cisco',
      baseUrl: vendor.url,
      timeoutMs: 2_000,
      budget: new RateBudget({ ratePerSecond: 100, maxConcurrent: 2 }),
      onCall: metrics.vendorCallObserver,
    });
    metrics.trackVendorHealth(() => [client.health()]);

    // A person looks a case up and opens one; the vendor throttles a second lookup.
    metrics.commandHandled('lookup', 'ok');
    metrics.observeAck('command', 'ok', 0.12);
    await client.request({ operation: 'lookup', method: 'GET', path: '/ok', idempotent: false });
    await client
      .request({ operation: 'lookup', method: 'GET', path: '/busy', idempotent: false })
      .catch(() => {});
    metrics.onTokenRefresh('cisco');
    metrics.interactionHandled('open_submit', 'denied');
    metrics.observeAck('view_submission', 'denied', 4.2);
    metrics.commandHandled('cancel', 'denied');
    metrics.policyDecision('cancel', false);

    // The scheduler polls twice (once skipped on this replica) and posts a digest; Slack objects twice.
    metrics.observePoll({ refreshed: 12, failed: 1, skipped: 0, abandoned: false }, 1.5);
    metrics.pollRun('skipped');
    metrics.observeDigest({ status: 'posted' });
    metrics.observeDigest({ status: 'nothing-to-post' });
    metrics.observeDigest({ status: 'posted-empty' });
    metrics.slackApiError('chat.postMessage', 'channel_not_found');
    metrics.slack429('chat.update');

    const readiness = new ReadinessCheck({ store: { ping: async () => {} } });
    ops = await startOpsServer(createOpsRoutes({ readiness, metrics }), 0, '127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${(ops.address() as AddressInfo).port}/metrics`);
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    exposition = await response.text();
  });

  afterAll(async () => {
    await new Promise((resolve) => vendor.server.close(resolve));
    await new Promise((resolve) => ops.close(resolve));
  });

  it('serves the Prometheus text format', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(exposition).toContain('# TYPE caseops_vendor_calls_total counter');
    expect(exposition).toContain('# TYPE caseops_ack_seconds histogram');
  });

  it('counts commands, interactions and policy decisions', () => {
    const s = samples(exposition);
    expect(s.get('caseops_commands_total{kind="lookup",outcome="ok"}')).toBe(1);
    expect(s.get('caseops_commands_total{kind="cancel",outcome="denied"}')).toBe(1);
    expect(s.get('caseops_interactions_total{kind="open_submit",outcome="denied"}')).toBe(1);
    expect(s.get('caseops_policy_decisions_total{action="cancel",decision="denied"}')).toBe(1);
  });

  it('buckets ack latency around Slack 3 s limit', () => {
    const s = samples(exposition);
    expect(s.get('caseops_ack_seconds_bucket{le="0.25",kind="command",outcome="ok"}')).toBe(1);
    expect(s.get('caseops_ack_seconds_bucket{le="0.1",kind="command",outcome="ok"}')).toBe(0);
    expect(s.get('caseops_ack_seconds_bucket{le="3",kind="view_submission",outcome="denied"}')).toBe(0);
    expect(s.get('caseops_ack_seconds_bucket{le="5",kind="view_submission",outcome="denied"}')).toBe(1);
    expect(s.get('caseops_ack_seconds_sum{kind="view_submission",outcome="denied"}')).toBeCloseTo(4.2);
  });

  it('records real vendor calls by vendor, operation and outcome, with latency', () => {
    const s = samples(exposition);
    expect(s.get('caseops_vendor_calls_total{vendor="cisco",operation="lookup",outcome="ok"}')).toBe(1);
    expect(s.get('caseops_vendor_calls_total{vendor="cisco",operation="lookup",outcome="throttled"}')).toBe(
      1,
    );
    expect(
      s.get('caseops_vendor_call_duration_seconds_count{vendor="cisco",operation="lookup",outcome="ok"}'),
    ).toBe(1);
    expect(
      s.get('caseops_vendor_call_duration_seconds_sum{vendor="cisco",operation="lookup",outcome="ok"}'),
    ).toBeGreaterThan(0);
    expect(s.get('caseops_vendor_throttled_total{vendor="cisco"}')).toBe(1);
    expect(s.get('caseops_vendor_token_refreshes_total{vendor="cisco"}')).toBe(1);
  });

  it('reads vendor health at scrape time', () => {
    const s = samples(exposition);
    const lastSuccess = s.get('caseops_vendor_last_success_timestamp_seconds{vendor="cisco"}')!;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);
    // The 429 said Retry-After: 40, so the budget is paused now.
    expect(s.get('caseops_vendor_throttled{vendor="cisco"}')).toBe(1);
    expect(s.get('caseops_vendor_requests_in_flight{vendor="cisco"}')).toBe(0);
    expect(s.get('caseops_vendor_requests_queued{vendor="cisco"}')).toBe(0);
  });

  it('counts poller runs, refreshed cases and digests', () => {
    const s = samples(exposition);
    expect(s.get('caseops_poll_runs_total{outcome="ok"}')).toBe(1);
    expect(s.get('caseops_poll_runs_total{outcome="skipped"}')).toBe(1);
    expect(s.get('caseops_poll_run_duration_seconds_sum{outcome="ok"}')).toBe(1.5);
    expect(s.get('caseops_cases_refreshed_total{outcome="ok"}')).toBe(12);
    expect(s.get('caseops_cases_refreshed_total{outcome="failed"}')).toBe(1);
    expect(s.has('caseops_cases_refreshed_total{outcome="skipped"}')).toBe(false);
    expect(s.get('caseops_digests_posted_total{outcome="ok"}')).toBe(1);
    expect(s.get('caseops_digests_posted_total{outcome="empty"}')).toBe(1);
    expect(s.has('caseops_digests_posted_total{outcome="error"}')).toBe(false);
  });

  it('counts Slack API errors and rate limiting', () => {
    const s = samples(exposition);
    expect(s.get('caseops_slack_api_errors_total{method="chat.postMessage",code="channel_not_found"}')).toBe(
      1,
    );
    expect(s.get('caseops_slack_rate_limited_total{method="chat.update"}')).toBe(1);
  });

  it('includes the Node.js process metrics', () => {
    expect(exposition).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(exposition).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});

describe('metrics registries', () => {
  it('are independent per instance and leave the global registry alone', async () => {
    const a = new CaseopsMetrics({ defaultMetrics: false });
    const b = new CaseopsMetrics({ defaultMetrics: false });
    a.digestPosted('ok');
    expect(samples(await a.render()).get('caseops_digests_posted_total{outcome="ok"}')).toBe(1);
    expect(samples(await b.render()).get('caseops_digests_posted_total{outcome="ok"}')).toBeUndefined();
    const { register } = await import('prom-client');
    expect(await register.getSingleMetricAsString('caseops_digests_posted_total').catch(() => 'absent')).toBe(
      'absent',
    );
  });

  it('omit the last-success gauge for a vendor that never succeeded', async () => {
    const metrics = new CaseopsMetrics({ defaultMetrics: false });
    metrics.trackVendorHealth(() => [
      { vendor: 'juniper', budget: { ratePerSecond: 5, maxConcurrent: 4, inFlight: 2, queued: 3 } },
    ]);
    const s = samples(await metrics.render());
    expect(s.has('caseops_vendor_last_success_timestamp_seconds{vendor="juniper"}')).toBe(false);
    expect(s.get('caseops_vendor_requests_in_flight{vendor="juniper"}')).toBe(2);
    expect(s.get('caseops_vendor_requests_queued{vendor="juniper"}')).toBe(3);
    expect(s.get('caseops_vendor_throttled{vendor="juniper"}')).toBe(0);
  });
});
