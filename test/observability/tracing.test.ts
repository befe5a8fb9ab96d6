/**
 * Spans as a tracing backend would receive them, from the real app wired as main.ts wires it (the Bolt HTTP
 * receiver, the vendor adapters against their simulators, the SQLite store, the scheduler), exported to an
 * in-memory exporter: a slash command over HTTP (its ack and its follow-up), the vendor call it makes, the
 * store queries, a poll and a digest, each with vendor, case id and channel, and no secret anywhere.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelTracing, safeAttributes } from '../../src/observability/otel.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { type Harness, NOC, SIGNING_SECRET, sleep, startHarness, TEAM } from '../support/slack-harness.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let h: Harness;

beforeAll(async () => {
  tracing = createOtelTracing({ exporter, serviceName: 'caseops-test' });
  h = await startHarness({ vendors: ['equinix'], tracing, digests: true });
});
afterAll(async () => {
  await h?.stop();
  await tracing?.shutdown();
});

const spans = () => exporter.getFinishedSpans();
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) =>
  spans().filter((s) => s.spanContext().traceId === span.spanContext().traceId);

async function waitForSpan(what: string, match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = spans().find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `no ${what} span; got: ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    }
    await sleep(25);
  }
}

const hrMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

describe('a slash command over HTTP', () => {
  it('is a server span ending at the ack, with the listener, vendor call and store queries under it', async () => {
    const caseId = h.sims.equinix.seed();
    exporter.reset();
    const sent = await h.slack.command(`show eqx ${caseId}`);
    expect(sent.status).toBe(200);

    const request = await waitForSpan('request', (s) => s.name === 'POST /slack/events');
    expect(request.kind).toBe(1); // SERVER
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/slack/events',
      'http.response.status_code': 200,
      'slack.request.kind': 'command',
      'slack.command': '/case',
      'slack.channel_id': NOC,
      'slack.team_id': TEAM,
    });

    const listener = await waitForSpan('listener', (s) => s.name === 'slack.listener');
    expect(listener.parentSpanContext?.spanId).toBe(idOf(request));
    expect(listener.attributes).toMatchObject({ 'slack.request.kind': 'command', 'slack.channel_id': NOC });

    const vendorCall = await waitForSpan(
      'vendor',
      (s) => s.attributes['caseops.vendor'] === 'equinix' && s.attributes['caseops.case_id'] === caseId,
    );
    expect(vendorCall.kind).toBe(2); // CLIENT
    expect(vendorCall.attributes).toMatchObject({
      'caseops.outcome': 'ok',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
    });
    expect(vendorCall.spanContext().traceId).toBe(request.spanContext().traceId);
    // The follow-up (the vendor lookup, the card) happens after the ack, in the same trace.
    expect(hrMs(vendorCall.startTime)).toBeGreaterThanOrEqual(hrMs(request.endTime));

    const storeCalls = traceOf(request).filter((s) => s.name.startsWith('store.'));
    expect(storeCalls.length).toBeGreaterThan(0);
    for (const call of storeCalls) expect(call.attributes['db.system.name']).toBe('sqlite');
    expect(storeCalls.some((s) => s.attributes['caseops.case_id'] === caseId)).toBe(true);
  });

  it('records a refused request as a span too (401, nothing under it)', async () => {
    exporter.reset();
    const sent = await h.slack.command('help', { sign: { unsigned: true } });
    expect(sent.status).toBe(401);
    const request = await waitForSpan('request', (s) => s.name === 'POST /slack/events');
    expect(request.attributes['http.response.status_code']).toBe(401);
    await sleep(100);
    expect(traceOf(request).map((s) => s.name)).toEqual(['POST /slack/events']);
  });
});

describe('the scheduler', () => {
  it('traces a poll with its vendor calls and the store write of what it saw', async () => {
    const caseId = h.sims.equinix.seed();
    await h.store.addWatch({ vendor: 'equinix', caseId, channelId: NOC, createdBy: 'UALICE01' });
    exporter.reset();
    expect(await h.tracking?.scheduler.fire('poll', new Date())).toBe('ran');

    const poll = await waitForSpan('poll', (s) => s.name === 'caseops.poll');
    expect(poll.attributes['caseops.poll.watched']).toBeGreaterThanOrEqual(1);
    expect(poll.attributes['caseops.poll.refreshed']).toBeGreaterThanOrEqual(1);
    expect(poll.attributes['caseops.outcome']).toBe('ok');
    const inPoll = traceOf(poll);
    expect(inPoll.some((s) => s.kind === 2 && s.attributes['caseops.vendor'] === 'equinix')).toBe(true);
    expect(
      inPoll.find((s) => s.name === 'store.observeCase' && s.attributes['caseops.case_id'] === caseId)
        ?.attributes,
    ).toMatchObject({ 'caseops.vendor': 'equinix', 'db.operation.name': 'observeCase' });
  });

  it('traces a digest run with its channel and outcome', async () => {
    exporter.reset();
    await h.tracking?.scheduler.runDigestNow(NOC);
    const digest = await waitForSpan('digest', (s) => s.name === 'caseops.digest');
    expect(digest.attributes).toMatchObject({ 'slack.channel_id': NOC, 'caseops.digest.trigger': 'now' });
    expect(typeof digest.attributes['caseops.outcome']).toBe('string');
  });
});

describe('secrets', () => {
  it('appear in no span: no token, secret, signature, Authorization header or body', async () => {
    // Everything the suite exported so far, plus a token refresh and a write with a note in it.
    const caseId = h.sims.equinix.seed();
    await h.slack.command(`show eqx ${caseId}`);
    await sleep(300);
    const all = JSON.stringify(
      spans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
        resource: s.resource.attributes,
      })),
    );
    const equinix = h.sims.equinix.env();
    for (const secret of [
      SIGNING_SECRET,
      h.fake.botToken,
      equinix.EQUINIX_CLIENT_SECRET,
      equinix.EQUINIX_CLIENT_ID,
    ].filter(Boolean)) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(
      /xox[abpre]-|bearer|authorization|v0=[0-9a-f]{16}|token=|response_url|hooks\.slack/i,
    );
    expect(all).toContain('"service.name":"caseops-test"');
  });

  it('safeAttributes drops credential-named attributes and masks token-shaped values', () => {
    expect(
      safeAttributes({
        'http.request.header.authorization': 'Bearer abc',
        'caseops.client_secret': 'x',
        'slack.note': 'my token is xoxb-1234-5678-abcdefghij',
        'caseops.case_id': '12345',
        skipped: undefined,
      }),
    ).toEqual({ 'slack.note': expect.not.stringContaining('xoxb-1234'), 'caseops.case_id': '12345' });
  });
});
