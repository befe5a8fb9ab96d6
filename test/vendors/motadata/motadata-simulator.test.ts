/** The simulator's own contract, seen from the wire: what a ServiceOps server would answer. */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMotadataSimulator, type MotadataSimulator } from '../../../src/vendors/motadata/simulator.js';

let sim: MotadataSimulator;

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  authorization = `Apikey ${sim.credentials.apiKey}`,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await request(`${sim.url}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

async function token(
  form: Record<string, string>,
  client = `${sim.credentials.clientId}:${sim.credentials.clientSecret}`,
) {
  const response = await request(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(client).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

const tagQuery = (tag: string) => ({
  qualDetails: {
    type: 'FlatQualificationRest',
    quals: [
      {
        type: 'RelationalQualificationRest',
        leftOperand: { type: 'PropertyOperandRest', key: 'incident.tags' },
        operator: 'All_Members_Exist',
        rightOperand: { type: 'ValueOperandRest', value: { type: 'ListStringValueRest', value: [tag] } },
      },
    ],
  },
});

beforeEach(async () => {
  sim = createMotadataSimulator({ seedIncidents: 0 });
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
});

describe('Motadata simulator', () => {
  it('issues bearer tokens for the password grant and refuses bad client or user credentials', async () => {
    const { username, password } = sim.credentials;
    const good = await token({ username, password, grant_type: 'password' });
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ token_type: 'bearer', expires_in: 7199 });
    expect(good.json.refresh_token).toEqual(expect.any(String));

    expect((await token({ username, password, grant_type: 'password' }, 'caseops-client:nope')).status).toBe(
      401,
    );
    expect(await token({ username, password: 'nope', grant_type: 'password' })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    expect((await token({ username, password, grant_type: 'client_credentials' })).status).toBe(400);

    const bearer = `Bearer ${good.json.access_token as string}`;
    const id = sim.seed();
    expect((await call('GET', `/api/v1/incident/${id}`, undefined, bearer)).status).toBe(200);
    sim.expireTokens();
    expect((await call('GET', `/api/v1/incident/${id}`, undefined, bearer)).status).toBe(401);
  });

  it('checks the API key', async () => {
    const id = sim.seed();
    expect((await call('GET', `/api/v1/incident/${id}`, undefined, 'Apikey wrong')).status).toBe(401);
    expect((await call('GET', `/api/v1/incident/${id}`, undefined, '')).status).toBe(401);
  });

  it('refuses a missing subject with HTTP 200 and a non-SUCCESS returnCode', async () => {
    const answer = await call('POST', '/api/v1/incident', { requesterEmail: 'a@example.net' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ returnCode: 'FAIL', userMessage: 'Subject is required.' });
    expect(sim.cases()).toHaveLength(0);
    const badEnum = await call('POST', '/api/v1/incident', {
      subject: 'x',
      requesterEmail: 'a@example.net',
      priority: 'P1',
    });
    expect(badEnum.json).toMatchObject({
      returnCode: 'FAIL',
      userMessage: 'Invalid value for priority: P1.',
    });
  });

  it('creates with the documented envelope, defaulting the category to Service Request', async () => {
    const created = await call('POST', '/api/v1/incident', { subject: 'x', requesterEmail: 'a@example.net' });
    expect(created.json).toEqual({
      returnCode: 'SUCCESS',
      status: 0,
      userMessage: null,
      id: expect.any(Number),
    });
    const read = await call('GET', `/api/v1/incident/${created.json.id}`);
    expect(read.json).toMatchObject({
      subject: 'x',
      status: 'Open',
      categoryName: 'Service Request',
      tags: [],
    });
  });

  it('finds incidents by tag with the qualification search', async () => {
    const tagged = sim.seed({ tags: ['caseops:co-1'] });
    sim.seed({ tags: ['caseops:co-2'] });
    const answer = await call(
      'POST',
      '/api/v1/incident/search/byqual?offset=0&size=10',
      tagQuery('caseops:co-1'),
    );
    expect(answer.json).toMatchObject({ totalCount: 1, objectList: [{ id: Number(tagged) }] });
    const unsupported = await call('POST', '/api/v1/incident/search/byqual', {
      qualDetails: { type: 'Keyword' },
    });
    expect(unsupported.status).toBe(400);
  });

  it('closes once, then refuses to close again', async () => {
    const id = sim.seed();
    expect((await call('POST', `/api/v1/incident/${id}`, { status: 'Closed' })).json).toMatchObject({
      returnCode: 'SUCCESS',
      id: Number(id),
    });
    expect((await call('POST', `/api/v1/incident/${id}`, { status: 'Closed' })).json).toMatchObject({
      returnCode: 'FAIL',
      userMessage: 'Incident is already closed.',
    });
    expect((await call('GET', '/api/v1/incident/99999')).status).toBe(404);
  });

  it('advances Open → In Progress → Pending On Requestor → In Progress → Resolved → Closed', () => {
    const id = sim.seed();
    const seen = [1, 2, 3, 4, 5].map(() => sim.advance(id).status);
    expect(seen).toEqual(['In Progress', 'Pending On Requestor', 'In Progress', 'Resolved', 'Closed']);
    expect(() => sim.advance(id)).toThrow(/does not move on/);
    expect(sim.advance(id, 'Custom Hold').status).toBe('Custom Hold');
  });

  it('gives env() for either kind of credentials', () => {
    expect(Object.keys(sim.env('apikey')).sort()).toEqual(['MOTADATA_API_KEY', 'MOTADATA_BASE_URL']);
    expect(Object.keys(sim.env('oauth')).sort()).toEqual([
      'MOTADATA_BASE_URL',
      'MOTADATA_CLIENT_ID',
      'MOTADATA_CLIENT_SECRET',
      'MOTADATA_PASSWORD',
      'MOTADATA_USERNAME',
    ]);
  });
});

describe('Motadata simulator: media type', () => {
  it('refuses a create whose body is not application/json, creating nothing', async () => {
    const response = await request(`${sim.url}/api/v1/incident`, {
      method: 'POST',
      headers: { authorization: `Apikey ${sim.credentials.apiKey}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ subject: 'x', requesterEmail: 'noc@example.net' }),
    });
    expect(response.statusCode).toBe(415);
    expect(await response.body.json()).toMatchObject({ returnCode: 'FAIL' });
    expect(sim.cases()).toHaveLength(0);
  });
});
