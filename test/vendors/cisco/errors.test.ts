import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import {
  CaseNotFoundError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import { createLogger } from '../../../src/logging/logger.js';
import { ciscoFromEnv } from '../../../src/vendors/cisco/index.js';
import { SimTokenIssuer, SimulatorServer } from '../../../src/vendors/sim-kit.js';
import { type CiscoHarness, startCisco } from './harness.js';

let h: CiscoHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Cisco throttling', () => {
  it('retries a read throttled with 403 "Account Over Queries Per Second Limit" after pausing the budget', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'throttle', pathIncludes: '/details/' });

    const found = await h.adapter.lookup(id);

    expect(found.id).toBe(id);
    expect(h.apiRequests('/details/')).toHaveLength(2);
    // Cisco sends no Retry-After with a 403: the adapter waits its 1 s default for the per-second limit.
    expect(h.clock.sleeps.filter((ms) => ms >= 1000)).toEqual([1000]);
    expect(h.adapter.health().lastError?.code).toBe('throttled');
  });

  it('gives up after the retry budget and holds every caller until the pause ends', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'throttle', pathIncludes: '/details/', times: Number.POSITIVE_INFINITY });

    const error = await h.adapter.lookup(id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VendorThrottledError);
    expect((error as VendorThrottledError).retryAfterMs).toBe(1000);
    expect((error as VendorThrottledError).httpStatus).toBe(403);
    expect(h.apiRequests('/details/')).toHaveLength(3);
    const pausedUntil = Date.parse(h.adapter.health().throttledUntil ?? '');
    expect(pausedUntil).toBeGreaterThan(h.clock.now());

    // The next call, to another path, waits for the pause before it is sent.
    h.sim.clearFaults();
    const sleptBefore = h.clock.sleeps.length;
    await h.adapter.refresh([id]);
    expect(h.clock.now()).toBeGreaterThanOrEqual(pausedUntil);
    expect(h.clock.sleeps.slice(sleptBefore).some((ms) => ms > 0)).toBe(true);
  });

  it('does not wait out "Account Over Rate Limit" in a call: fails at once and pauses the budget for a minute', async () => {
    h = await startCisco({ sim: { throttleAs: 'rate-limit' } });
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'throttle', pathIncludes: '/details/' });

    const error = await h.adapter.lookup(id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VendorThrottledError);
    expect((error as VendorThrottledError).retryAfterMs).toBe(60_000);
    expect(h.apiRequests()).toHaveLength(1);
    const pausedFor = Date.parse(h.adapter.health().throttledUntil ?? '') - h.clock.now();
    expect(pausedFor).toBeGreaterThan(55_000);
    expect(pausedFor).toBeLessThanOrEqual(60_000);
  });

  it('honours 429 with Retry-After', async () => {
    h = await startCisco({ sim: { throttleAs: 'http-429', retryAfterSeconds: 2 } });
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'throttle', pathIncludes: '/details/' });

    await expect(h.adapter.lookup(id)).resolves.toMatchObject({ id });
    expect(h.apiRequests('/details/')).toHaveLength(2);
    expect(h.clock.sleeps.filter((ms) => ms >= 1000)).toEqual([2000]);
  });

  it('recovers from the simulator’s own per-second limit (real clock, small waits)', async () => {
    h = await startCisco({
      sim: { qpsLimit: 3 },
      env: { CISCO_RATE_PER_SECOND: '100', CISCO_MAX_CONCURRENT: '4' },
      realClock: true,
    });
    const ids = h.sim.seedMany(200);

    const outcomes = await h.adapter.refresh(ids);

    expect(outcomes.every((o) => o.ok)).toBe(true);
    // 7 batches; some were refused with the 403 QPS text and sent again after the pause.
    expect(h.apiRequests().length).toBeGreaterThan(7);
  });
});

describe('Cisco business errors', () => {
  it('maps a 403 INVALID_DATERANGE to a rejection with the code and plain words, not retried', async () => {
    h = await startCisco();
    h.sim.injectError({ code: 'INVALID_DATERANGE' });
    const error = await h.adapter.list({ by: 'contract', ids: ['1234567'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).toMatchObject({ vendorCode: 'INVALID_DATERANGE', httpStatus: 403 });
    expect((error as VendorRejectedError).reason).toMatch(/at most 90 days/);
    expect(h.apiRequests()).toHaveLength(1);
  });

  it('maps EXCEEDED_CASEIDS on a summary call onto every id of the batch', async () => {
    h = await startCisco();
    const ids = h.sim.seedMany(3);
    h.sim.injectError({ code: 'EXCEEDED_CASEIDS' });
    const outcomes = await h.adapter.refresh(ids);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok === false && outcome.error).toMatchObject({
        code: 'rejected',
        vendorCode: 'EXCEEDED_CASEIDS',
      });
    }
  });

  it.each([
    ['CASE_API_FORBIDDEN', 'CASE_API_FORBIDDEN', /may not use the Case API.*delegated administrator/],
    ['Account Inactive', 'ACCOUNT_INACTIVE', /inactive or not yet approved/],
    ['Forbidden', 'FORBIDDEN', /no permission for this request/],
  ] as const)('treats %s as a refusal of the client, not of its token', async (code, vendorCode, message) => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectError({ code, times: Number.POSITIVE_INFINITY });
    const error = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).not.toBeInstanceOf(VendorUnauthorisedError);
    expect((error as VendorRejectedError).vendorCode).toBe(vendorCode);
    expect((error as Error).message).toMatch(message);
    // A new token would be refused the same way: one call, one token, no refresh-and-retry.
    expect(h.apiRequests()).toHaveLength(1);
    expect(h.tokenRequests()).toHaveLength(1);
  });

  it('reads a 200 carrying an error envelope as the error it names', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectError({ code: 'CASE_NOTFOUND', inSuccessEnvelope: true });
    const notFound = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(CaseNotFoundError);
    expect(notFound).toMatchObject({ caseId: id, httpStatus: 200 });

    h.sim.injectError({ code: 'INVALID_STATUSFLAG', inSuccessEnvelope: true });
    const rejected = await h.adapter.list({ by: 'user', ids: ['noc-bot'] }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(VendorRejectedError);
    expect(rejected).toMatchObject({ vendorCode: 'INVALID_STATUSFLAG', httpStatus: 200 });
  });
});

describe('Cisco tokens', () => {
  it('refreshes an expired token once (the gateway answers 403 Not Authorized) and carries on', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    await h.adapter.lookup(id);
    h.sim.expireTokens();

    await expect(h.adapter.lookup(id)).resolves.toMatchObject({ id });

    expect(h.tokenRequests()).toHaveLength(2);
    expect(h.apiRequests()).toHaveLength(3);
    expect(h.tokenRefreshes).toEqual(['cisco', 'cisco']);
  });

  it('renews the token before Cisco’s expires_in runs out, without a refused call', async () => {
    h = await startCisco({ sim: { tokenLifetimeSeconds: 120 } });
    const id = h.sim.seed();
    await h.adapter.lookup(id);
    h.clock.advance(61_000);
    await h.adapter.lookup(id);
    expect(h.tokenRequests()).toHaveLength(2);
    expect(h.apiRequests()).toHaveLength(2);
  });

  it('asks once with bad credentials, then cools down instead of retrying', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    const adapter = h.adapterWith({ CISCO_CLIENT_SECRET: 'not-the-secret-9d1e' });

    const first = await adapter.lookup(id).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(VendorUnauthorisedError);
    expect((first as Error).message).toMatch(/invalid_client/);
    expect((first as Error).message).not.toMatch(/not-the-secret/);
    expect(h.tokenRequests()).toHaveLength(1);

    await expect(adapter.lookup(id)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    const outcomes = await adapter.refresh(h.sim.seedMany(60));
    expect(outcomes.every((o) => o.ok === false && o.error instanceof VendorUnauthorisedError)).toBe(true);
    expect(h.tokenRequests()).toHaveLength(1);
    expect(h.apiRequests()).toHaveLength(0);

    h.clock.advance(5 * 60_000 + 1);
    await expect(adapter.lookup(id)).rejects.toBeInstanceOf(VendorUnauthorisedError);
    expect(h.tokenRequests()).toHaveLength(2);
  });
});

describe('Cisco answers that cannot be used', () => {
  it('retries a malformed body on a read, then reports the vendor unavailable', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'malformed-json', pathIncludes: '/details/' });
    await expect(h.adapter.lookup(id)).resolves.toMatchObject({ id });
    expect(h.apiRequests()).toHaveLength(2);

    h.sim.injectFault({
      fault: 'malformed-json',
      pathIncludes: '/details/',
      times: Number.POSITIVE_INFINITY,
    });
    const error = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as Error).message).toMatch(/not JSON/);
    expect(h.apiRequests()).toHaveLength(5);
  });

  it('refuses an answer missing what caseops relies on', async () => {
    h = await startCisco();
    const id = h.sim.seed({ status: 42 });
    const error = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as Error).message).toMatch(/caseDetail\.status/);
  });

  it('retries 5xx on reads and reports the vendor unavailable when they persist', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'http-503', pathIncludes: '/details/' });
    await expect(h.adapter.lookup(id)).resolves.toMatchObject({ id });
    expect(h.apiRequests()).toHaveLength(2);

    h.sim.injectFault({ fault: 'http-500', pathIncludes: '/details/', times: Number.POSITIVE_INFINITY });
    const error = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(error).toMatchObject({ httpStatus: 500 });
    expect(h.apiRequests()).toHaveLength(5);
  });

  it('times out a call that gets no answer, retries it, and says so when it never answers', async () => {
    h = await startCisco({ env: { VENDOR_TIMEOUT_MS: '300' } });
    const id = h.sim.seed();
    h.sim.injectFault({ fault: 'timeout', pathIncludes: '/details/' });
    await expect(h.adapter.lookup(id)).resolves.toMatchObject({ id });
    expect(h.apiRequests()).toHaveLength(2);

    h.sim.injectFault({ fault: 'timeout', pathIncludes: '/details/', times: Number.POSITIVE_INFINITY });
    const error = await h.adapter.lookup(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(h.apiRequests()).toHaveLength(5);
  });

  it('reads the documented details sample, whose JSON has a missing and a trailing comma', async () => {
    // The sample body from the vendor document, as printed there.
    const sample = `{
    "caseDetail": {
        "user_id": "DirectCust4",
        "case_id": "682299374",
        "title": "SNTC : Day 2 : NOS Handover Collector Training :TARGET CORPORATION",
        "severity": "3",
        "status": "Closed",
        "creation_date": "2017-05-09T20:08:45.000Z",
        "updated_date": "2017-05-12T18:51:54.000Z",
        "serial_number": "",
        "contract_id": "",
        "contact_user_id": "DirectCust4",
        "contact_name": "CPRSMOKE TESTER"
        "preferred_contact_method": "Email",
        "owner_name": "Josh Engineer",
        "technology_name": "Smart Services Capabilities",
        "problem_code_name": "Configuration Assistance",
        "rmas": [],
        "bugs": [],
        "notes": [
            {
                "note": "",
                "note_detail": "Closed with Customer Permission",
                "created_by": "Josh Engineer",
                "creation_date": "2017-05-11T18:44:00.000Z"
            },
            {
                "note": "",
                "note_detail": "duplicate case, 682307531",
                "created_by": "Joshua Frumkin",
                "creation_date": "2017-05-11T18:43:00.000Z"
            }
        ],
    }
}`;
    const tokens = new SimTokenIssuer(3599);
    const server = new SimulatorServer({ name: 'Cisco sample' })
      .route('POST', '/token', () => {
        const issued = tokens.issue();
        return { status: 200, body: { access_token: issued.token, token_type: 'Bearer', expires_in: 3599 } };
      })
      .route('GET', '/case/v3/cases/details/case_id/:id', () => ({ status: 200, rawBody: sample }));
    const url = await server.start();
    try {
      const adapter = ciscoFromEnv(
        loadEnv({
          CISCO_BASE_URL: url,
          CISCO_TOKEN_URL: `${url}/token`,
          CISCO_CLIENT_ID: 'id',
          CISCO_CLIENT_SECRET: 'secret',
        }),
        { logger: createLogger({ level: 'silent' }) },
      );
      const found = await adapter?.lookup('682299374');
      expect(found).toMatchObject({
        id: '682299374',
        status: 'Closed',
        state: 'closed',
        severity: 'Sev 3',
        owner: 'Josh Engineer',
      });
      expect(found?.notes.map((n) => n.text)).toEqual([
        'Closed with Customer Permission',
        'duplicate case, 682307531',
      ]);
      expect(found?.fields).toContainEqual({ label: 'Problem code', value: 'Configuration Assistance' });
    } finally {
      await server.stop();
    }
  });
});

describe('Cisco logging', () => {
  it('never writes the client secret or a token to the logs', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    h = await startCisco({ logger });
    const ids = h.sim.seedMany(40);
    const wrongSecret = 'wrong-secret-a8f2c1e9';

    await h.adapter.lookup(ids[0] ?? '');
    h.sim.expireTokens();
    await h.adapter.refresh(ids);
    h.sim.injectFault({ fault: 'throttle', pathIncludes: '/details/' });
    await h.adapter.lookup(ids[1] ?? '');
    const refused = await h
      .adapterWith({ CISCO_CLIENT_SECRET: wrongSecret })
      .lookup(ids[2] ?? '')
      .catch((e: unknown) => e);
    logger.error({ err: refused }, 'lookup failed');

    const output = lines.join('');
    const tokens = h.sim.requests.flatMap((r) => {
      const bearer = /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
      return bearer ? [bearer] : [];
    });
    expect(new Set(tokens).size).toBe(2);
    expect(output).toContain('vendor call answered');
    expect(output).toContain('fetched a Cisco access token');
    expect(output).toContain('Cisco refused the client credentials');
    for (const secret of [h.sim.clientSecret, wrongSecret, ...tokens]) {
      expect(output).not.toContain(secret);
    }
  });
});
