import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CaseConflictError,
  CaseNotFoundError,
  InvalidInputError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import type { OpenRequest } from '../../../src/domain/open-request.js';
import type { VendorAdapter } from '../../../src/domain/ports/vendor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import type { VendorDeps } from '../../../src/vendors/deps.js';
import { juniperFromEnv } from '../../../src/vendors/juniper/index.js';
import type { JuniperOpenRequest } from '../../../src/vendors/juniper/open-request.js';
import {
  createJuniperSimulator,
  type JuniperSimulator,
  type JuniperSimulatorOptions,
} from '../../../src/vendors/juniper/simulator.js';
import { captureLogs, caught, FAST_RETRY, testEnv } from '../adapter-test-kit.js';

const SUBMIT_PATH = /\/api\/juniper\/servicenow\/incident-management\/incidents\/\d+\/submitCase$/;
const INCIDENTS_PATH = '/api/juniper/servicenow/incident-management/incidents';
const KEY = { idempotencyKey: 'slack-view-V123' };

let sim: JuniperSimulator;
let adapter: VendorAdapter;

async function startSimulator(options: JuniperSimulatorOptions = {}, deps: Partial<VendorDeps> = {}) {
  await sim?.stop();
  sim = createJuniperSimulator(options);
  await sim.start();
  const built = juniperFromEnv(testEnv(sim.env()), { logger: silentLogger, retry: FAST_RETRY, ...deps });
  if (!built) throw new Error('juniperFromEnv returned undefined for a configured simulator');
  adapter = built;
}

function request(incidentId: string, overrides: Partial<JuniperOpenRequest> = {}): OpenRequest {
  return {
    vendor: 'juniper',
    incidentId,
    priority: '2 - High',
    followUpMethod: 'Email Full Text Update',
    synopsis: 'FPC 3 offline on mx480-edge-01',
    comments: 'FPC 3 went offline at 02:14 UTC; chassisd core attached to the incident.',
    ccEmails: ['noc@example.net'],
    trackingNumber: 'CASEOPS-0001',
    ...overrides,
  };
}

const submits = () => sim.requests.filter((r) => r.method === 'POST' && SUBMIT_PATH.test(r.path));
const lookups = () => sim.requests.filter((r) => r.method === 'GET' && r.path === INCIDENTS_PATH);
const casesWith = (trackingNumber: string) => sim.cases().filter((c) => c.id === trackingNumber);

beforeEach(async () => {
  await startSimulator();
});

afterEach(async () => {
  await sim.stop();
});

describe('juniperFromEnv', () => {
  it('is undefined while Junos Space credentials are missing', () => {
    expect(juniperFromEnv(testEnv({ JUNIPER_BASE_URL: sim.url }), { logger: silentLogger })).toBeUndefined();
  });
});

describe('open', () => {
  it('submits the incident with the exact media types and an {"incident":…} body', async () => {
    const incidentId = sim.seed();
    const result = await adapter.open(request(incidentId), KEY);

    const [submit] = submits();
    expect(submits()).toHaveLength(1);
    expect(submit?.path).toBe(`${INCIDENTS_PATH}/${incidentId}/submitCase`);
    expect(submit?.headers['content-type']).toBe(
      'application/vnd.juniper.servicenow.incident-management.incident+json;version=3;charset=UTF-8',
    );
    expect(submit?.headers.accept).toBe(
      'application/vnd.juniper.servicenow.incident-management.submitcase.servicenowmsg+json;version=3',
    );
    expect(JSON.parse(submit?.body ?? '')).toEqual({
      incident: {
        priority: '2 - High',
        followUpMethod: 'Email Full Text Update',
        synopsisComments: 'FPC 3 offline on mx480-edge-01',
        customerComments: 'FPC 3 went offline at 02:14 UTC; chassisd core attached to the incident.',
        caseCCList: { email: ['noc@example.net'] },
        customerTrackingNumber: 'CASEOPS-0001',
      },
    });

    expect(result.created).toBe(true);
    expect(result.case).toMatchObject({
      vendor: 'juniper',
      id: 'CASEOPS-0001',
      alternateIds: [incidentId],
      status: 'Submitted',
      state: 'waiting-on-vendor',
      severity: '2 - High',
    });
    expect(sim.incident(incidentId)?.status).toBe('Submitted');
  });

  it('shows the JTAC case ids submitCase lists in keys, and how the submit job ended', async () => {
    const incidentId = sim.seed();
    const result = await adapter.open(request(incidentId), KEY);
    expect(result.case.details).toEqual(
      expect.arrayContaining([
        { group: 'JTAC', label: 'JTAC case id', value: incidentId },
        { group: 'JTAC', label: 'Submit job', value: expect.stringMatching(/^Success: /) },
      ]),
    );
    // The one id the answer lists is already the case's incident key: not listed twice.
    expect(result.case.alternateIds).toEqual([incidentId]);
  });

  it('sends the address group when JUNIPER_ADDRESS_GROUP is set, and none otherwise', async () => {
    const href = '/api/juniper/servicenow/address-management/addressGroups/393216';
    const built = juniperFromEnv(testEnv({ ...sim.env(), JUNIPER_ADDRESS_GROUP: href }), {
      logger: silentLogger,
      retry: FAST_RETRY,
    });
    const incidentId = sim.seed();
    await built!.open(request(incidentId), KEY);
    expect(sim.incident(incidentId)?.submission?.addressGroup).toEqual({ href });

    const other = sim.seed();
    await adapter.open(request(other, { trackingNumber: 'CASEOPS-0002' }), KEY);
    expect(sim.incident(other)?.submission).not.toHaveProperty('addressGroup');
  });

  it('leaves out the CC list when there is nobody to copy', async () => {
    const incidentId = sim.seed();
    await adapter.open(request(incidentId, { ccEmails: [], comments: undefined }), KEY);
    const body = JSON.parse(submits()[0]?.body ?? '') as { incident: Record<string, unknown> };
    expect(body.incident).not.toHaveProperty('caseCCList');
    expect(body.incident).not.toHaveProperty('customerComments');
    expect(body.incident).not.toHaveProperty('siteId');
    expect(body.incident).not.toHaveProperty('caseCreationPassword');
  });

  it('sends the site id and the case credentials, password Base64-encoded, in partner-proxy mode', async () => {
    await startSimulator({ mode: 'partner-proxy' });
    const incidentId = sim.seed();
    await adapter.open(request(incidentId), KEY);

    const received = sim.incident(incidentId)?.submission ?? {};
    expect(received.siteId).toBe(sim.credentials.siteId);
    expect(received.caseCreationUserName).toBe(sim.credentials.caseUsername);
    expect(received.caseCreationPassword).toBe(Buffer.from(sim.credentials.casePassword).toString('base64'));
    expect(received.caseCreationPassword).not.toBe(sim.credentials.casePassword);
    // JSS accepted the credentials: the case gets created rather than failing.
    expect(sim.advance(incidentId).status).toBe('Created');
  });

  it('passes on partner-proxy refusals for a missing site id or case credentials', async () => {
    await startSimulator({ mode: 'partner-proxy' });
    const {
      JUNIPER_SITE_ID: _site,
      JUNIPER_CASE_USERNAME: _user,
      JUNIPER_CASE_PASSWORD: _pass,
      ...bare
    } = sim.env();
    const withoutJss = juniperFromEnv(testEnv(bare), { logger: silentLogger, retry: FAST_RETRY })!;
    const incidentId = sim.seed();

    const error = await caught(() => withoutJss.open(request(incidentId), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect((error as VendorRejectedError).reason).toBe('Site ID is required but is not specified.');
    expect(sim.incident(incidentId)?.status).toBe('Not Submitted');
  });

  it('answers a second open with the same tracking number with the existing case (created: false)', async () => {
    const incidentId = sim.seed();
    const first = await adapter.open(request(incidentId), KEY);
    const second = await adapter.open(request(incidentId), KEY);

    expect(second.created).toBe(false);
    expect(second.case.id).toBe(first.case.id);
    expect(second.case.alternateIds).toEqual([incidentId]);
    expect(casesWith('CASEOPS-0001')).toHaveLength(1);
  });

  it('refuses a tracking number that already belongs to another incident', async () => {
    await adapter.open(request(sim.seed()), KEY);
    const other = sim.seed();
    const error = await caught(() => adapter.open(request(other), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect((error as Error).message).toContain('already belongs');
    expect(sim.incident(other)?.status).toBe('Not Submitted');
  });

  it('reports an incident that was already submitted under another tracking number as a conflict', async () => {
    const incidentId = sim.seed();
    await adapter.open(request(incidentId), KEY);
    const error = await caught(() =>
      adapter.open(request(incidentId, { trackingNumber: 'CASEOPS-0002' }), KEY),
    );
    expect(error).toBeInstanceOf(CaseConflictError);
    expect((error as CaseConflictError).reason).toContain('already been submitted or closed');
  });

  it('names the missing incident when Service Now does not know it (not "case not found")', async () => {
    const error = await caught(() => adapter.open(request('999'), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect(error).not.toBeInstanceOf(CaseNotFoundError);
    expect((error as VendorRejectedError).httpStatus).toBe(404);
    expect((error as Error).message).toContain('incident 999');
  });

  it.each([
    ['demo', 'Demo mode'],
    ['offline', 'offline mode'],
  ] as const)('passes on the refusal of Service Now in %s mode', async (state, words) => {
    sim.operatingState = state;
    const error = await caught(() => adapter.open(request(sim.seed()), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect((error as VendorRejectedError).reason).toContain(words);
  });

  it('treats an error exception in a 200 answer as a refusal with its description', async () => {
    const incidentId = sim.seed({
      submitException: 'The device is not associated to the end customer address group.',
    });
    const error = await caught(() => adapter.open(request(incidentId), KEY));
    expect(error).toBeInstanceOf(VendorRejectedError);
    expect((error as VendorRejectedError).reason).toBe(
      'The device is not associated to the end customer address group.',
    );
  });

  it.each([
    ['an incident id that is a path', { incidentId: '../x' }],
    ['an incident id with a space', { incidentId: '1 2' }],
    ['a tracking number with a quote', { trackingNumber: "' or 1=1" }],
  ])('rejects %s before any request', async (_what, overrides) => {
    const error = await caught(() =>
      adapter.open({ ...request('1'), ...overrides } as unknown as OpenRequest, KEY),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses a request meant for another vendor', async () => {
    const motadataRequest: OpenRequest = {
      vendor: 'motadata',
      subject: 'x',
      requesterEmail: 'a@example.net',
      tags: [],
    };
    expect(await caught(() => adapter.open(motadataRequest, KEY))).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('lookup', () => {
  it('finds the case by tracking number with the incidents filter and its exact Accept', async () => {
    const incidentId = sim.seed();
    await adapter.open(request(incidentId), KEY);
    sim.advance(incidentId);

    const found = await adapter.lookup('CASEOPS-0001');
    const get = lookups().at(-1);
    expect(get?.query.get('filter')).toBe("(customerTrackingNumber eq 'CASEOPS-0001')");
    expect(get?.headers.accept).toBe(
      'application/vnd.juniper.servicenow.incident-management.incidents+json;version=5',
    );
    expect(found).toMatchObject({
      id: 'CASEOPS-0001',
      alternateIds: [incidentId],
      status: 'Created',
      state: 'waiting-on-vendor',
      severity: '2 - High',
      title: 'Core dump on mx480-edge-01',
    });
    expect(found.fields).toEqual(
      expect.arrayContaining([
        { label: 'Host name', value: 'mx480-edge-01' },
        { label: 'Product', value: 'MX480' },
        { label: 'Device group', value: 'Edge routers' },
        { label: 'Incident type', value: 'Event' },
        { label: 'Defect type', value: 'Core dump' },
      ]),
    );
  });

  it('follows the incident to Closed', async () => {
    const incidentId = sim.seed();
    await adapter.open(request(incidentId), KEY);
    sim.advance(incidentId, 'Closed');
    expect(await adapter.lookup('CASEOPS-0001')).toMatchObject({ status: 'Closed', state: 'closed' });
  });

  it('says not found for an unknown tracking number, whether Service Now answers 404 or an empty list', async () => {
    expect(await caught(() => adapter.lookup('NOPE-0001'))).toBeInstanceOf(CaseNotFoundError);
    sim.noMatch = 'empty';
    expect(await caught(() => adapter.lookup('NOPE-0001'))).toBeInstanceOf(CaseNotFoundError);
  });

  it.each(['../x', '1 2', "' or 1=1", 'abc'])('rejects the id %j before any request', async (id) => {
    expect(await caught(() => adapter.lookup(id))).toBeInstanceOf(InvalidInputError);
    expect(sim.requests).toHaveLength(0);
  });

  it('finds the case an earlier open made by its idempotency key, the tracking number', async () => {
    const incidentId = sim.seed();
    await adapter.open(request(incidentId), KEY);
    expect(await adapter.findByIdempotencyKey?.('CASEOPS-0001')).toMatchObject({
      alternateIds: [incidentId],
    });
    expect(await adapter.findByIdempotencyKey?.('CASEOPS-0404')).toBeUndefined();
    expect(await caught(async () => adapter.findByIdempotencyKey?.("' or 1=1"))).toBeInstanceOf(
      InvalidInputError,
    );
  });
});

describe('unsupported operations', () => {
  it('cannot add a note to, or close, a JTAC case, and says why', async () => {
    const note = await caught(() => adapter.annotate('CASEOPS-0001', { text: 'hello' }, KEY));
    const cancel = await caught(() => adapter.cancel('CASEOPS-0001', 'fixed', KEY));
    for (const error of [note, cancel]) {
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect((error as Error).message).toContain('no REST call');
    }
    expect(sim.requests).toHaveLength(0);
  });
});

describe('faults', () => {
  it('retries a lookup that timed out, and gives up as unavailable when it keeps timing out', async () => {
    await adapter.open(request(sim.seed()), KEY);
    sim.injectFault({ fault: 'timeout', pathIncludes: INCIDENTS_PATH });
    expect((await adapter.lookup('CASEOPS-0001')).id).toBe('CASEOPS-0001');

    sim.injectFault({ fault: 'timeout', pathIncludes: INCIDENTS_PATH, times: Number.POSITIVE_INFINITY });
    expect(await caught(() => adapter.lookup('CASEOPS-0001'))).toBeInstanceOf(VendorUnavailableError);
  });

  it('retries a malformed lookup answer, and reports it unavailable when it stays malformed', async () => {
    await adapter.open(request(sim.seed()), KEY);
    sim.injectFault({ fault: 'malformed-json', pathIncludes: INCIDENTS_PATH });
    expect((await adapter.lookup('CASEOPS-0001')).id).toBe('CASEOPS-0001');

    sim.injectFault({
      fault: 'malformed-json',
      pathIncludes: INCIDENTS_PATH,
      times: Number.POSITIVE_INFINITY,
    });
    expect(await caught(() => adapter.lookup('CASEOPS-0001'))).toBeInstanceOf(VendorUnavailableError);
  });

  it('checks the tracking number after a malformed submit answer instead of submitting again', async () => {
    const incidentId = sim.seed();
    sim.injectFault({ fault: 'malformed-json', pathIncludes: 'submitCase' });
    const result = await adapter.open(request(incidentId), KEY);
    expect(result.created).toBe(true);
    expect(submits()).toHaveLength(1);
    expect(casesWith('CASEOPS-0001')).toHaveLength(1);
  });

  describe('duplicate create', () => {
    it('finds the tracking number after a submit that committed but never answered: one JTAC case', async () => {
      const incidentId = sim.seed();
      sim.injectFault({ fault: 'timeout-after-commit', pathIncludes: 'submitCase' });

      const first = await adapter.open(request(incidentId), KEY);
      expect(first.created).toBe(true);
      expect(first.case).toMatchObject({
        id: 'CASEOPS-0001',
        alternateIds: [incidentId],
        status: 'Submitted',
      });
      expect(submits()).toHaveLength(1);
      expect(casesWith('CASEOPS-0001')).toHaveLength(1);

      const again = await adapter.open(request(incidentId), KEY);
      expect(again.created).toBe(false);
      expect(casesWith('CASEOPS-0001')).toHaveLength(1);
    });

    it('submits once more when the unanswered submit never arrived, still one JTAC case', async () => {
      const incidentId = sim.seed();
      sim.injectFault({ fault: 'timeout', pathIncludes: 'submitCase' });

      const result = await adapter.open(request(incidentId), KEY);
      expect(result.created).toBe(true);
      expect(submits()).toHaveLength(2);
      // The check came between the two submits.
      const order = sim.requests.map((r) => (SUBMIT_PATH.test(r.path) ? 'submit' : 'lookup'));
      expect(order.slice(0, 3)).toEqual(['submit', 'lookup', 'submit']);
      expect(casesWith('CASEOPS-0001')).toHaveLength(1);
    });

    it('leaves the outcome unknown, naming the tracking number, when the check fails too', async () => {
      const incidentId = sim.seed();
      sim.injectFault({ fault: 'timeout-after-commit', pathIncludes: 'submitCase' });
      sim.injectFault({ fault: 'http-500', pathIncludes: INCIDENTS_PATH, times: Number.POSITIVE_INFINITY });

      const error = await caught(() => adapter.open(request(incidentId), KEY));
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as OutcomeUnknownError).idempotencyKey).toBe('CASEOPS-0001');
      expect(submits()).toHaveLength(1);
    });
  });
});

describe('logs', () => {
  it('never carry the Junos Space password or the case password, plain or encoded', async () => {
    await startSimulator({ mode: 'partner-proxy' });
    const logs = captureLogs();
    const env = sim.env();
    const logged = juniperFromEnv(testEnv(env), { logger: logs.logger, retry: FAST_RETRY })!;
    const wrong = juniperFromEnv(testEnv({ ...env, JUNIPER_PASSWORD: 'not-the-password-123' }), {
      logger: logs.logger,
      retry: FAST_RETRY,
    })!;

    const incidentId = sim.seed();
    sim.injectFault({ fault: 'timeout-after-commit', pathIncludes: 'submitCase' });
    await logged.open(request(incidentId), KEY);
    await logged.lookup('CASEOPS-0001');
    for (const failing of [() => wrong.lookup('CASEOPS-0001'), () => logged.open(request('999'), KEY)]) {
      logs.logger.error({ err: await caught(failing) }, 'vendor call failed');
    }

    const text = logs.text();
    expect(text).toContain('vendor call answered');
    const secrets = [
      sim.credentials.password,
      'not-the-password-123',
      sim.credentials.casePassword,
      Buffer.from(sim.credentials.casePassword).toString('base64'),
      Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64'),
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
