/**
 * /metrics read over HTTP from the real app (routes from createOpsRoutes, beside /slack/events) after a
 * scripted session: commands and interactions by outcome, ack times, vendor calls, policy decisions and the
 * vendor gauges carry the session's real values.
 */
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy-file.js';
import { type CaseopsMetrics, createMetrics } from '../../src/observability/metrics.js';
import { createOpsRoutes, ReadinessCheck } from '../../src/observability/ops-server.js';
import { input } from '../support/slack-client.js';
import { ALICE, BOB, blockText, type Harness, openedForm, startHarness } from '../support/slack-harness.js';

let h: Harness;
let metrics: CaseopsMetrics;
beforeAll(async () => {
  metrics = createMetrics({ defaultMetrics: false });
  h = await startHarness({
    vendors: ['equinix'],
    metrics,
    policyMetrics: metrics,
    vendorHooks: { onCall: metrics.vendorCallObserver, onTokenRefresh: metrics.onTokenRefresh },
    policy: parsePolicy(
      `version: 1\ndefaults:\n  cancel:\n    - name: the NOC lead cancels\n      users: [${BOB}]\n`,
      'policy.yaml',
    ),
    routes: ({ store, vendors }) => {
      const health = () => vendors.enabled().map((adapter) => adapter.health());
      metrics.trackVendorHealth(health);
      return createOpsRoutes({ readiness: new ReadinessCheck({ store, vendors: health }), metrics });
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

async function answerTo(text: string, user = ALICE) {
  const sent = await h.slack.command(text, { user });
  return h.fake.waitForResponse((r) => r.id === sent.responseUrl?.split('/').at(-1));
}

/** The exposition text as a map from `name{labels}` to value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    map.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return map;
}

it('after a scripted session, /metrics shows what happened', async () => {
  const startedAt = Date.now() / 1000;
  const id = h.sims.equinix.seed();
  await answerTo(`show eqx ${id}`);
  await answerTo(`note eqx ${id} Optics replaced`);
  const refused = await answerTo(`cancel eqx ${id} Duplicate`);
  expect(String(refused.body.text)).toMatch(/^:no_entry: You may not cancel Equinix cases/);
  const form = await openedForm(h, 'open eqx');
  await h.slack.submitView(form, {
    code: input.text('0100-0200'),
    description: input.text('Cross connect CC-SV5-000777 down since 02:10 UTC'),
    primaryId: input.text('CC-SV5-000777'),
    notificationContacts: input.users([ALICE]),
  });
  await h.fake.waitForCall(
    'views.update',
    (c) =>
      c.args.view_id === form.id &&
      /Opened Equinix case/.test(blockText((c.args.view as { blocks: unknown[] }).blocks)),
    8000,
  );

  const response = await request(`${h.slack.appUrl}/metrics`);
  expect(response.statusCode).toBe(200);
  expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
  const values = samples(await response.body.text());

  // Commands and interactions, by outcome.
  expect(values.get('caseops_commands_total{kind="show",outcome="ok"}')).toBe(1);
  expect(values.get('caseops_commands_total{kind="note",outcome="ok"}')).toBe(1);
  expect(values.get('caseops_commands_total{kind="cancel",outcome="denied"}')).toBe(1);
  expect(values.get('caseops_commands_total{kind="open",outcome="ok"}')).toBe(1);
  expect(values.get('caseops_interactions_total{kind="open_case",outcome="ok"}')).toBe(1);

  // Every ack timed, all within Slack's 3 s.
  expect(values.get('caseops_ack_seconds_count{kind="command",outcome="ok"}')).toBe(4);
  expect(values.get('caseops_ack_seconds_bucket{le="3",kind="command",outcome="ok"}')).toBe(4);
  expect(values.get('caseops_ack_seconds_count{kind="view_submission",outcome="ok"}')).toBe(1);
  expect(values.get('caseops_ack_seconds_bucket{le="3",kind="view_submission",outcome="ok"}')).toBe(1);

  // Vendor calls by operation: the refused cancel never reached Equinix.
  expect(values.get('caseops_vendor_calls_total{vendor="equinix",operation="annotate",outcome="ok"}')).toBe(
    1,
  );
  expect(values.get('caseops_vendor_calls_total{vendor="equinix",operation="open",outcome="ok"}')).toBe(1);
  expect(
    values.get('caseops_vendor_calls_total{vendor="equinix",operation="lookup",outcome="ok"}'),
  ).toBeGreaterThan(0);
  expect(values.has('caseops_vendor_calls_total{vendor="equinix",operation="cancel",outcome="ok"}')).toBe(
    false,
  );
  expect(
    values.get('caseops_vendor_call_duration_seconds_count{vendor="equinix",operation="open",outcome="ok"}'),
  ).toBe(1);
  expect(values.get('caseops_vendor_token_refreshes_total{vendor="equinix"}')).toBe(1);

  // Policy decisions, each counted once (the early looks before forms are not counted twice).
  expect(values.get('caseops_policy_decisions_total{action="cancel",decision="denied"}')).toBe(1);
  expect(values.get('caseops_policy_decisions_total{action="annotate",decision="allowed"}')).toBe(1);
  expect(values.get('caseops_policy_decisions_total{action="open",decision="allowed"}')).toBe(1);
  expect(values.get('caseops_policy_decisions_total{action="watch",decision="allowed"}')).toBe(1);
  expect(values.get('caseops_policy_decisions_total{action="lookup",decision="allowed"}')).toBeGreaterThan(0);

  // Vendor gauges read at scrape time.
  const lastSuccess = values.get('caseops_vendor_last_success_timestamp_seconds{vendor="equinix"}') ?? 0;
  expect(lastSuccess).toBeGreaterThanOrEqual(Math.floor(startedAt));
  expect(lastSuccess).toBeLessThanOrEqual(Date.now() / 1000);
  expect(values.get('caseops_vendor_throttled{vendor="equinix"}')).toBe(0);
  expect(values.get('caseops_vendor_requests_in_flight{vendor="equinix"}')).toBe(0);
});
