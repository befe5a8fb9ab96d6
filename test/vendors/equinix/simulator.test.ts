import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EquinixSimulator } from '../../../src/vendors/equinix/simulator.js';

let sim: EquinixSimulator;
let clientOptions = { clientId: 'sim-client', clientSecret: 'sim-secret' };

async function call(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(sim.url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function token(): Promise<string> {
  const answer = await call('POST', '/oauth2/v1/token', {
    grant_type: 'client_credentials',
    client_id: clientOptions.clientId,
    client_secret: clientOptions.clientSecret,
  });
  expect(answer.status).toBe(200);
  return (answer.json as { access_token: string }).access_token;
}

const errorArray = (code?: string) => [
  expect.objectContaining({
    errorCode: code ?? expect.stringMatching(/^EQ-/),
    errorMessage: expect.any(String),
    correlationId: expect.any(String),
  }),
];

const validCreate = {
  code: '0100-0200',
  description: 'Cross connect down',
  primaryId: 'CC-1',
  customerReferenceId: 'ref-1',
};

beforeEach(async () => {
  clientOptions = { clientId: 'sim-client', clientSecret: 'sim-secret' };
  sim = new EquinixSimulator(clientOptions);
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
});

describe('Equinix simulator: token endpoint', () => {
  it('issues a Bearer token with its lifetime as a string of seconds', async () => {
    const answer = await call('POST', '/oauth2/v1/token', {
      grant_type: 'client_credentials',
      client_id: 'sim-client',
      client_secret: 'sim-secret',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      access_token: expect.any(String),
      token_timeout: '3599',
      token_type: 'Bearer',
    });
  });

  it('locks the account after 5 refusals in a row, after which even the right secret fails until unlocked', async () => {
    const wrong = { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'nope' };
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await call('POST', '/oauth2/v1/token', wrong)).status).toBe(401);
    }
    expect(sim.locked).toBe(false);
    expect((await call('POST', '/oauth2/v1/token', { grant_type: 'password' })).status).toBe(400);
    expect(sim.locked).toBe(true);

    const locked = await call('POST', '/oauth2/v1/token', { ...wrong, client_secret: 'sim-secret' });
    expect(locked.status).toBe(401);
    expect(locked.json).toEqual(errorArray('EQ-3000025'));

    sim.unlock();
    expect(await token()).toEqual(expect.any(String));
  });

  it('starts counting again after a success', async () => {
    const wrong = { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'nope' };
    for (let attempt = 1; attempt <= 4; attempt++) await call('POST', '/oauth2/v1/token', wrong);
    await token();
    expect(sim.consecutiveTokenFailures).toBe(0);
    await call('POST', '/oauth2/v1/token', wrong);
    expect(sim.locked).toBe(false);
  });
});

describe('Equinix simulator: bearer tokens', () => {
  it('answers 401 with an error array without a token, with an unknown one, and with an expired one', async () => {
    const id = sim.seed();
    expect(await call('GET', `/support/v2/tickets/${id}`)).toMatchObject({ status: 401, json: errorArray() });
    expect(await call('GET', `/support/v2/tickets/${id}`, undefined, 'forged')).toMatchObject({
      status: 401,
    });
    const good = await token();
    expect((await call('GET', `/support/v2/tickets/${id}`, undefined, good)).status).toBe(200);
    sim.expireTokens();
    expect((await call('GET', `/support/v2/tickets/${id}`, undefined, good)).status).toBe(401);
  });
});

describe('Equinix simulator: cases', () => {
  it('creates a SUBMITTED case with a case number and an order number, readable by either', async () => {
    const t = await token();
    const created = await call('POST', '/support/v2/tickets', validCreate, t);
    expect(created).toMatchObject({
      status: 200,
      json: { id: expect.stringMatching(/^\d{8}$/), type: 'CASE' },
    });
    const id = (created.json as { id: string }).id;
    const byCase = await call('GET', `/support/v2/tickets/${id}`, undefined, t);
    const orderId = (byCase.json as { orderId: string }).orderId;
    expect(orderId).toMatch(/^1-\d{12}$/);
    expect(byCase.json).toMatchObject({
      id,
      status: 'SUBMITTED',
      customerReferenceId: 'ref-1',
      otherDetails: { statusHistory: [{ status: 'SUBMITTED' }], cancellable: true, modifiable: true },
    });
    expect((await call('GET', `/support/v2/tickets/${orderId}`, undefined, t)).json).toMatchObject({ id });
    expect(sim.casesWithReference('ref-1')).toHaveLength(1);
  });

  it.each([
    ['a code of the wrong shape', { ...validCreate, code: '100-200' }],
    ['an empty description', { ...validCreate, description: '' }],
    ['a description over 4000 characters', { ...validCreate, description: 'x'.repeat(4001) }],
    ['a missing primaryId', { ...validCreate, primaryId: undefined }],
    ['a primaryId over 100 characters', { ...validCreate, primaryId: 'p'.repeat(101) }],
    ['a customerReferenceId over 40 characters', { ...validCreate, customerReferenceId: 'r'.repeat(41) }],
  ])('refuses a create with %s', async (_what, body) => {
    const answer = await call('POST', '/support/v2/tickets', body, await token());
    expect(answer).toMatchObject({ status: 400, json: errorArray('EQ-3040001') });
    expect(sim.cases()).toHaveLength(0);
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await call('POST', '/support/v2/tickets', '{"code":', await token());
    expect(answer).toMatchObject({ status: 400, json: errorArray() });
  });

  it('answers 404 with an error array for an unknown id', async () => {
    const t = await token();
    expect(await call('GET', '/support/v2/tickets/99999999', undefined, t)).toMatchObject({
      status: 404,
      json: errorArray('EQ-3040404'),
    });
    expect((await call('POST', '/support/v2/tickets/99999999/cancel', { reason: 'x' }, t)).status).toBe(404);
  });

  it('takes notes only on an 8-digit case number, with the documented limits', async () => {
    const t = await token();
    const id = sim.seed({ orderId: '1-204976070001' });
    const byOrder = await call('POST', '/support/v2/tickets/1-204976070001/notes', { text: 'x' }, t);
    expect(byOrder).toMatchObject({ status: 400, json: errorArray('EQ-3040012') });
    expect((await call('POST', `/support/v2/tickets/${id}/notes`, { text: '' }, t)).status).toBe(400);
    expect(
      (await call('POST', `/support/v2/tickets/${id}/notes`, { text: 'x'.repeat(4001) }, t)).status,
    ).toBe(400);
    expect(
      (await call('POST', `/support/v2/tickets/${id}/notes`, { text: 'x', visibility: 'PUBLIC' }, t)).status,
    ).toBe(400);

    const ok = await call('POST', `/support/v2/tickets/${id}/notes`, { text: 'Port bounced' }, t);
    expect(ok).toMatchObject({ status: 200, json: { result: { CaseNumber: id } } });
    expect(sim.find(id)!.notes).toEqual([
      { text: 'Port bounced', visibility: 'EXTERNAL', createdAt: expect.any(String) },
    ]);
  });

  it('cancels with a reason, and answers 409 for a case already closed or cancelled', async () => {
    const t = await token();
    const id = sim.seed();
    expect((await call('POST', `/support/v2/tickets/${id}/cancel`, { reason: '' }, t)).status).toBe(400);
    expect((await call('POST', `/support/v2/tickets/${id}/cancel`, { reason: 'Duplicate' }, t)).status).toBe(
      200,
    );
    expect(sim.find(id)).toMatchObject({ status: 'CANCELLED', cancelReason: 'Duplicate' });
    expect(await call('POST', `/support/v2/tickets/${id}/cancel`, { reason: 'Again' }, t)).toMatchObject({
      status: 409,
      json: errorArray('EQ-3040409'),
    });
    const closed = sim.seed({ status: 'CLOSED' });
    expect((await call('POST', `/support/v2/tickets/${closed}/cancel`, { reason: 'x' }, t)).status).toBe(409);
  });

  it('answers a throttle fault with 429, Retry-After and an error array', async () => {
    const t = await token();
    sim.injectFault({ fault: 'throttle' });
    const answer = await call('GET', '/support/v2/tickets/11150929', undefined, t);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.json).toEqual(errorArray('EQ-3000429'));
  });
});

describe('Equinix simulator: lifecycle', () => {
  it('walks SUBMITTED → IN_PROGRESS → ACTION_REQUIRED → IN_PROGRESS → RESOLVED → CLOSED and stops there', () => {
    const id = sim.seed();
    const walked = [1, 2, 3, 4, 5, 6].map(() => sim.advance(id).status);
    expect(walked).toEqual(['IN_PROGRESS', 'ACTION_REQUIRED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'CLOSED']);
    expect(sim.find(id)!.statusHistory.map((s) => s.status)).toEqual([
      'SUBMITTED',
      'IN_PROGRESS',
      'ACTION_REQUIRED',
      'IN_PROGRESS',
      'RESOLVED',
      'CLOSED',
    ]);
  });

  it('moves to a named status and carries on from there', () => {
    const id = sim.seed();
    expect(sim.advance(id, 'ACTION_REQUIRED').status).toBe('ACTION_REQUIRED');
    expect(sim.advance(id).status).toBe('IN_PROGRESS');
    expect(sim.advance(id).status).toBe('RESOLVED');
    expect(() => sim.advance(id, 'DONE')).toThrow(/not an Equinix status/);
    expect(() => sim.advance('12345678')).toThrow(/no case/);
  });

  it('moves cases over time when autoAdvanceMs is set', async () => {
    let now = Date.UTC(2025, 0, 1);
    const timed = new EquinixSimulator({ autoAdvanceMs: 60_000, now: () => now });
    const id = timed.seed();
    now += 59_999;
    expect(timed.cases()[0]!.status).toBe('SUBMITTED');
    now += 1;
    expect(timed.cases()[0]!.status).toBe('IN_PROGRESS');
    now += 3 * 60_000;
    expect(timed.find(id)!.status).toBe('RESOLVED');
    now += 10 * 60_000;
    expect(timed.find(id)!.status).toBe('CLOSED');
    expect(timed.find(id)!.statusHistory.at(-1)!.createdDate).toBe(
      new Date(Date.UTC(2025, 0, 1) + 5 * 60_000).toISOString(),
    );
  });

  it('points the adapter at itself through env()', () => {
    expect(sim.env()).toEqual({
      EQUINIX_BASE_URL: sim.url,
      EQUINIX_CLIENT_ID: 'sim-client',
      EQUINIX_CLIENT_SECRET: 'sim-secret',
    });
  });

  it('refuses seed fields it does not know', () => {
    expect(() => sim.seed({ stauts: 'CLOSED' } as never)).toThrow();
  });
});

describe('Equinix simulator: media type', () => {
  it('refuses a body that is not application/json with 415 and an Equinix error array', async () => {
    const bearer = await token();
    const response = await fetch(`${sim.url}/support/v2/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(validCreate),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual(errorArray());
    expect(sim.cases()).toHaveLength(0);
  });
});
