import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CaseConflictError,
  InvalidInputError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorRejectedError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import type { OpenRequest } from '../../../src/domain/open-request.js';
import type { VendorAdapter } from '../../../src/domain/ports/vendor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import type { VendorDeps } from '../../../src/vendors/deps.js';
import { idempotencyTag, motadataFromEnv } from '../../../src/vendors/motadata/index.js';
import type { MotadataOpenRequest } from '../../../src/vendors/motadata/open-request.js';
import {
  createMotadataSimulator,
  type MotadataSimulator,
  type MotadataSimulatorOptions,
} from '../../../src/vendors/motadata/simulator.js';
import { captureLogs, caught, FAST_RETRY, testEnv } from '../adapter-test-kit.js';

const KEY = { idempotencyKey: 'co-0123456789abcdef01234567' };
const TAG = 'caseops:co-0123456789abcdef01234567';
const CREATE = '/api/v1/incident';
const SEARCH = '/api/v1/incident/search/byqual';
/** The create alone: the search lives under the same path. */
const CREATE_ONLY = /^\/api\/v1\/incident$/;

let sim: MotadataSimulator;
let adapter: VendorAdapter;

function build(env: Record<string, string>, deps: Partial<VendorDeps> = {}): VendorAdapter {
  const built = motadataFromEnv(testEnv(env), { logger: silentLogger, retry: FAST_RETRY, ...deps });
  if (!built) throw new Error('motadataFromEnv returned undefined for a configured simulator');
  return built;
}

async function startSimulator(options: MotadataSimulatorOptions = {}, deps: Partial<VendorDeps> = {}) {
  await sim?.stop();
  sim = createMotadataSimulator(options);
  await sim.start();
  adapter = build(sim.env(), deps);
}

function request(overrides: Partial<MotadataOpenRequest> = {}): OpenRequest {
  return {
    vendor: 'motadata',
    subject: 'Core switch sw-core-01 dropping BGP sessions',
    description: 'BGP to both upstreams flapping since 02:10 UTC.',
    requesterEmail: 'noc@example.net',
    impact: 'ONBUSINESS',
    priority: 'HIGH',
    urgency: 'URGENT',
    tags: ['network', 'bgp'],
    ...overrides,
  };
}

const creates = () => sim.requests.filter((r) => r.method === 'POST' && r.path === CREATE);
const searches = () => sim.requests.filter((r) => r.method === 'POST' && r.path === SEARCH);
const withTag = (tag: string) => sim.cases().filter((c) => sim.incident(c.id)?.tags.includes(tag));

beforeEach(async () => {
  await startSimulator();
});

afterEach(async () => {
  await sim.stop();
});

describe('motadataFromEnv', () => {
  it('is undefined without credentials', () => {
    expect(
      motadataFromEnv(testEnv({ MOTADATA_BASE_URL: sim.url }), { logger: silentLogger }),
    ).toBeUndefined();
  });
});

describe('open', () => {
  it('creates an Incident-category ticket carrying the idempotency tag, with the API key', async () => {
    const result = await adapter.open(request(), KEY);

    const [create] = creates();
    expect(creates()).toHaveLength(1);
    expect(create?.headers.authorization).toBe(`Apikey ${sim.credentials.apiKey}`);
    expect(JSON.parse(create?.body ?? '')).toEqual({
      subject: 'Core switch sw-core-01 dropping BGP sessions',
      categoryName: 'Incident',
      requesterEmail: 'noc@example.net',
      description: 'BGP to both upstreams flapping since 02:10 UTC.',
      impact: 'ONBUSINESS',
      priority: 'HIGH',
      urgency: 'URGENT',
      tags: ['network', 'bgp', TAG],
    });

    expect(result.created).toBe(true);
    expect(result.case).toMatchObject({
      vendor: 'motadata',
      title: 'Core switch sw-core-01 dropping BGP sessions',
      status: 'Open',
      state: 'open',
      severity: 'High',
    });
    expect(result.case.alternateIds).toEqual([`INC-${result.case.id}`]);
    expect(result.case.fields).toEqual(
      expect.arrayContaining([
        { label: 'Impact', value: 'On the business' },
        { label: 'Urgency', value: 'Urgent' },
        { label: 'Category', value: 'Incident' },
        { label: 'Tags', value: 'network, bgp' },
      ]),
    );
    expect(sim.incident(result.case.id)).toMatchObject({
      categoryName: 'Incident',
      tags: ['network', 'bgp', TAG],
    });
  });

  it('keeps the tag within 64 characters for any key, the same tag for the same key', () => {
    const long = 'x'.repeat(200);
    expect(idempotencyTag(long).length).toBeLessThanOrEqual(64);
    expect(idempotencyTag(long)).toBe(idempotencyTag(long));
    expect(idempotencyTag(long)).not.toBe(idempotencyTag(`${long}y`));
    expect(idempotencyTag('Has Spaces')).toMatch(/^caseops:[0-9a-f]+$/);
  });

  it('treats a returnCode other than SUCCESS under HTTP 200 as a refusal carrying userMessage', async () => {
    await startSimulator({ requesters: ['noc@example.net'] });
    const error = await caught(() => adapter.open(request({ requesterEmail: 'someone@example.org' }), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect((error as VendorRejectedError).httpStatus).toBe(200);
    expect((error as VendorRejectedError).reason).toBe(
      'No requester is registered with the e-mail someone@example.org.',
    );
    expect(sim.cases()).toHaveLength(2);
    // A clear refusal is not an uncertain outcome: only the check before creating searched, nothing is sent again.
    expect(searches()).toHaveLength(1);
    expect(creates()).toHaveLength(1);
  });

  it('finds the incident an earlier open made by its idempotency key', async () => {
    const opened = await adapter.open(request(), KEY);
    expect((await adapter.findByIdempotencyKey?.(KEY.idempotencyKey))?.id).toBe(opened.case.id);
    expect(await adapter.findByIdempotencyKey?.('co-ffffffffffffffffffffffff')).toBeUndefined();
  });

  it('rejects a request meant for another vendor, or one that skipped validation, before any request', async () => {
    const juniper = { vendor: 'juniper', incidentId: '1' } as unknown as OpenRequest;
    expect(await caught(() => adapter.open(juniper, KEY))).toBeInstanceOf(InvalidInputError);
    const noSubject = { ...request(), subject: '' } as OpenRequest;
    expect(await caught(() => adapter.open(noSubject, KEY))).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('lookup', () => {
  it('reads the incident by number and follows its status', async () => {
    const { case: opened } = await adapter.open(request(), KEY);
    const states: string[] = [];
    for (let i = 0; i < 5; i++) {
      sim.advance(opened.id);
      const found = await adapter.lookup(opened.id);
      states.push(`${found.status} → ${found.state}`);
    }
    expect(states).toEqual([
      'In Progress → waiting-on-vendor',
      'Pending On Requestor → waiting-on-customer',
      'In Progress → waiting-on-vendor',
      'Resolved → resolved',
      'Closed → closed',
    ]);
    const get = sim.requests.at(-1);
    expect(get).toMatchObject({ method: 'GET', path: `/api/v1/incident/${opened.id}` });
  });

  it('shows a custom status as open', async () => {
    const id = sim.seed();
    sim.advance(id, 'Waiting For Spare Part');
    expect(await adapter.lookup(id)).toMatchObject({ status: 'Waiting For Spare Part', state: 'open' });
  });

  it.each(['../x', '1 2', "' or 1=1", 'INC-12', ''])('rejects the id %j before any request', async (id) => {
    expect(await caught(() => adapter.lookup(id))).toBeInstanceOf(InvalidInputError);
    expect(await caught(() => adapter.cancel(id, 'duplicate', KEY))).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('cancel', () => {
  it('closes the incident with the reason in its description and returns it as it now stands', async () => {
    const id = sim.seed({ description: 'Stack member 2 rebooting.' });
    const closed = await adapter.cancel(id, 'Raised twice; tracked in 1002.', KEY);

    const post = sim.requests.find((r) => r.method === 'POST' && r.path === `/api/v1/incident/${id}`);
    expect(JSON.parse(post?.body ?? '')).toEqual({
      status: 'Closed',
      description:
        'Stack member 2 rebooting.\n\nClosed from Slack by caseops: Raised twice; tracked in 1002.',
    });
    expect(closed).toMatchObject({ id, status: 'Closed', state: 'closed', allows: { cancel: false } });
    expect(sim.incident(id)?.status).toBe('Closed');
  });

  it('refuses to close an incident that is already closed, without writing', async () => {
    const id = sim.seed({ status: 'Closed' });
    const error = await caught(() => adapter.cancel(id, 'again', KEY));
    expect(error).toBeInstanceOf(CaseConflictError);
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('needs a reason', async () => {
    expect(await caught(() => adapter.cancel(sim.seed(), '   ', KEY))).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('unsupported operations', () => {
  it('cannot add a note, and says why', async () => {
    const error = await caught(() => adapter.annotate('1001', { text: 'hello' }, KEY));
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as Error).message).toContain('no note endpoint');
    expect(sim.requests).toHaveLength(0);
  });
});

describe('faults', () => {
  it('retries a lookup that timed out, and gives up as unavailable when it keeps timing out', async () => {
    sim.injectFault({ fault: 'timeout', pathIncludes: '/api/v1/incident/1001' });
    expect((await adapter.lookup('1001')).id).toBe('1001');
    sim.injectFault({ fault: 'timeout', times: Number.POSITIVE_INFINITY });
    expect(await caught(() => adapter.lookup('1001'))).toBeInstanceOf(VendorUnavailableError);
  });

  it('never repeats a create refused with a 5xx', async () => {
    sim.injectFault({ fault: 'http-500', pathMatches: CREATE_ONLY });
    const error = await caught(() => adapter.open(request(), KEY));
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect(creates()).toHaveLength(1);
    // The one search is the check before creating; nothing is looked for after a definite refusal.
    expect(searches()).toHaveLength(1);
    expect(withTag(TAG)).toHaveLength(0);
  });

  describe('duplicate create', () => {
    it('finds the tag after a create that committed but never answered: one incident', async () => {
      sim.injectFault({ fault: 'timeout-after-commit', pathMatches: CREATE_ONLY });
      const result = await adapter.open(request(), KEY);

      expect(result.created).toBe(true);
      expect(creates()).toHaveLength(1);
      expect(withTag(TAG)).toHaveLength(1);
      expect(result.case.id).toBe(withTag(TAG)[0]?.id);
      const search = JSON.parse(searches()[1]?.body ?? '');
      expect(search.qualDetails.quals[0]).toMatchObject({
        leftOperand: { key: 'incident.tags' },
        rightOperand: { value: { type: 'ListStringValueRest', value: [TAG] } },
      });
    });

    it('checks the tag after a malformed create answer instead of creating again', async () => {
      sim.injectFault({ fault: 'malformed-json', pathMatches: CREATE_ONLY });
      expect((await adapter.open(request(), KEY)).created).toBe(true);
      expect(creates()).toHaveLength(1);
      expect(withTag(TAG)).toHaveLength(1);
    });

    it('creates once more when the unanswered create never arrived, still one incident', async () => {
      sim.injectFault({ fault: 'timeout', pathMatches: CREATE_ONLY });
      const result = await adapter.open(request(), KEY);
      expect(result.created).toBe(true);
      expect(sim.requests.map((r) => r.path).slice(0, 4)).toEqual([SEARCH, CREATE, SEARCH, CREATE]);
      expect(withTag(TAG)).toHaveLength(1);
    });

    it('leaves the outcome unknown, naming the tag, when the search fails: never a blind second create', async () => {
      sim.injectFault({ fault: 'timeout-after-commit', pathMatches: CREATE_ONLY });
      sim.injectFault({ fault: 'http-503', pathIncludes: SEARCH, times: Number.POSITIVE_INFINITY });
      const error = await caught(() => adapter.open(request(), KEY));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as OutcomeUnknownError).idempotencyKey).toBe(TAG);
      expect(creates()).toHaveLength(1);
    });
  });
});

describe('OAuth password grant', () => {
  beforeEach(async () => {
    await startSimulator({ auth: 'oauth' });
  });

  it('fetches a token with the client credentials and the password grant, then reuses it', async () => {
    await adapter.lookup('1001');
    await adapter.lookup('1002');
    await adapter.open(request(), KEY);

    expect(sim.tokenRequests).toBe(1);
    const token = sim.requests.find((r) => r.path === '/api/oauth/token');
    const { clientId, clientSecret, username, password } = sim.credentials;
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      username,
      password,
      grant_type: 'password',
    });
    const calls = sim.requests.filter((r) => r.path !== '/api/oauth/token');
    expect(new Set(calls.map((r) => r.headers.authorization)).size).toBe(1);
    expect(calls[0]?.headers.authorization).toMatch(/^Bearer \S+$/);
  });

  it('refreshes an expired token exactly once and carries on', async () => {
    const refreshes: string[] = [];
    adapter = build(sim.env(), { onTokenRefresh: (vendor) => refreshes.push(vendor) });
    await adapter.lookup('1001');
    sim.expireTokens();
    expect((await adapter.lookup('1001')).id).toBe('1001');
    expect(sim.tokenRequests).toBe(2);
    expect(refreshes).toEqual(['motadata', 'motadata']);
  });

  it('reports a refused password grant as unauthorised and does not ask again while cooling down', async () => {
    const wrong = build({ ...sim.env('oauth'), MOTADATA_PASSWORD: 'not-the-password' });
    const first = await caught(() => wrong.lookup('1001'));
    expect(first).toBeInstanceOf(VendorUnauthorisedError);
    expect((first as Error).message).toContain('invalid_grant');
    expect(await caught(() => wrong.lookup('1002'))).toBeInstanceOf(VendorUnauthorisedError);
    expect(sim.tokenRequests).toBe(1);
    expect(sim.requests.filter((r) => r.path !== '/api/oauth/token')).toHaveLength(0);
  });
});

describe('logs', () => {
  it('never carry the API key, client secret, password or tokens', async () => {
    await startSimulator({ auth: 'oauth' });
    const logs = captureLogs();
    const withKey = motadataFromEnv(testEnv(sim.env('apikey')), { logger: logs.logger, retry: FAST_RETRY })!;
    const withOauth = motadataFromEnv(testEnv(sim.env('oauth')), { logger: logs.logger, retry: FAST_RETRY })!;
    const refused = motadataFromEnv(
      testEnv({ ...sim.env('oauth'), MOTADATA_PASSWORD: 'wrong-password-456' }),
      {
        logger: logs.logger,
        retry: FAST_RETRY,
      },
    )!;

    sim.injectFault({ fault: 'timeout-after-commit', pathMatches: CREATE_ONLY });
    await withKey.open(request(), KEY);
    await withOauth.lookup('1001');
    sim.expireTokens();
    await withOauth.lookup('1001');
    for (const failing of [() => refused.lookup('1001'), () => withKey.lookup('424242')]) {
      logs.logger.error({ err: await caught(failing) }, 'vendor call failed');
    }

    const text = logs.text();
    expect(text).toContain('vendor call answered');
    const { apiKey, clientId, clientSecret, password } = sim.credentials;
    const bearerTokens = sim.requests
      .map((r) => /^Bearer (\S+)$/.exec(r.headers.authorization ?? '')?.[1])
      .filter((t): t is string => Boolean(t));
    expect(bearerTokens.length).toBeGreaterThan(0);
    const secrets = [
      apiKey,
      clientSecret,
      password,
      'wrong-password-456',
      Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
      ...bearerTokens,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
