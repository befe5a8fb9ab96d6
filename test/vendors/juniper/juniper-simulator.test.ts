/** The simulator's own contract, seen from the wire: what a real Junos Space would answer. */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJuniperSimulator, type JuniperSimulator } from '../../../src/vendors/juniper/simulator.js';

const BASE = '/api/juniper/servicenow/incident-management/incidents';
const CONTENT_TYPE =
  'application/vnd.juniper.servicenow.incident-management.incident+json;version=3;charset=UTF-8';
const SUBMIT_ACCEPT =
  'application/vnd.juniper.servicenow.incident-management.submitcase.servicenowmsg+json;version=3';
const INCIDENTS_ACCEPT = 'application/vnd.juniper.servicenow.incident-management.incidents+json;version=5';

let sim: JuniperSimulator;

function basic(user = sim.credentials.username, pass = sim.credentials.password): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

async function submit(
  incidentId: string,
  incident: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await request(`${sim.url}${BASE}/${incidentId}/submitCase`, {
    method: 'POST',
    headers: { authorization: basic(), 'content-type': CONTENT_TYPE, accept: SUBMIT_ACCEPT, ...headers },
    body: JSON.stringify({ incident }),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

async function byTrackingNumber(filter: string, headers: Record<string, string> = {}) {
  const response = await request(`${sim.url}${BASE}?filter=${encodeURIComponent(filter)}`, {
    headers: { authorization: basic(), accept: INCIDENTS_ACCEPT, ...headers },
  });
  return { status: response.statusCode, text: await response.body.text() };
}

const valid = (trackingNumber = 'SIM-0001') => ({
  priority: '3 - Medium',
  followUpMethod: 'Phone Call',
  synopsisComments: 'Chassis alarm',
  customerTrackingNumber: trackingNumber,
});

beforeEach(async () => {
  sim = createJuniperSimulator({ seedIncidents: 0 });
  await sim.start();
});

afterEach(async () => {
  await sim.stop();
});

describe('Juniper simulator', () => {
  it('checks HTTP Basic credentials', async () => {
    const id = sim.seed();
    expect((await submit(id, valid(), { authorization: basic('caseops', 'wrong') })).status).toBe(401);
    expect((await byTrackingNumber("(customerTrackingNumber eq 'X')", { authorization: '' })).status).toBe(
      401,
    );
  });

  it('answers 415 to another Content-Type and 406 to another Accept', async () => {
    const id = sim.seed();
    expect((await submit(id, valid(), { 'content-type': 'application/json' })).status).toBe(415);
    expect((await submit(id, valid(), { accept: 'application/json' })).status).toBe(406);
    expect(
      (await byTrackingNumber("(customerTrackingNumber eq 'X')", { accept: SUBMIT_ACCEPT })).status,
    ).toBe(406);
    expect(sim.incident(id)?.status).toBe('Not Submitted');
  });

  it('submits an incident once, then refuses it as already submitted', async () => {
    const id = sim.seed();
    const first = await submit(id, valid());
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ servicenowmsg: { status: 'Success' } });
    const again = await submit(id, valid('SIM-0002'));
    expect(again).toEqual({
      status: 400,
      text: 'The case cannot be submitted because the case has already been submitted or closed.',
    });
  });

  it('answers 500 to a repeated tracking number', async () => {
    await submit(sim.seed(), valid());
    expect(await submit(sim.seed(), valid())).toEqual({
      status: 500,
      text: 'An incident with the same customer tracking number exists.',
    });
  });

  it('answers 404 for an unknown incident and 400 for the documented field problems', async () => {
    expect(await submit('424242', valid())).toEqual({ status: 404, text: 'Invalid incident ID.' });
    const id = sim.seed();
    expect((await submit(id, { ...valid(), priority: 'high' })).text).toBe('Invalid priority.');
    expect((await submit(id, { ...valid(), followUpMethod: 'Fax' })).text).toBe('Invalid follow-up method.');
    expect((await submit(id, { ...valid(), caseCCList: { email: ['not-an-address'] } })).text).toBe(
      'Invalid e-mail ID.',
    );
    expect((await submit(id, { ...valid(), caseCreationUserName: 'someone' })).text).toContain(
      'Username and password are both required',
    );
  });

  it('requires the site id and case credentials in partner-proxy mode', async () => {
    sim.mode = 'partner-proxy';
    const id = sim.seed();
    expect((await submit(id, valid())).text).toBe('Site ID is required but is not specified.');
    expect((await submit(id, { ...valid(), siteId: '0100012345' })).status).toBe(400);
    const withWrongPassword = {
      ...valid(),
      siteId: '0100012345',
      caseCreationUserName: sim.credentials.caseUsername,
      caseCreationPassword: Buffer.from('not-it').toString('base64'),
    };
    expect((await submit(id, withWrongPassword)).status).toBe(200);
    // JSS refuses the wrong case credentials later, as Create Failed.
    expect(sim.advance(id).status).toBe('Create Failed');
  });

  it('filters incidents by tracking number, with the @-keyed Junos Space JSON', async () => {
    const id = sim.seed();
    await submit(id, valid('SIM-0009'));
    const answer = await byTrackingNumber("(customerTrackingNumber eq 'SIM-0009')");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({
      incidents: {
        '@size': '1',
        incident: [{ '@key': id, customerTrackingNumber: 'SIM-0009', status: 'Submitted' }],
      },
    });
    expect(await byTrackingNumber("(customerTrackingNumber eq 'SIM-7777')")).toEqual({
      status: 404,
      text: 'Customer information not found.',
    });
    expect((await byTrackingNumber('customerTrackingNumber = SIM-0009')).status).toBe(400);
  });

  it('advances Submitted → Created → Updated → Closed, by hand and on a timer', async () => {
    const id = sim.seed();
    await submit(id, valid('SIM-0003'));
    expect(['Created', 'Updated', 'Closed'].map(() => sim.advance('SIM-0003').status)).toEqual([
      'Created',
      'Updated',
      'Closed',
    ]);
    expect(() => sim.advance('SIM-0003')).toThrow(/does not move on/);
    expect(() => sim.advance(sim.seed(), 'Resolved')).toThrow(/not a Service Now status/);

    await sim.stop();
    sim = createJuniperSimulator({ seedIncidents: 0, autoAdvanceMs: 20 });
    await sim.start();
    const timed = sim.seed();
    await submit(timed, valid('SIM-0004'));
    await expect.poll(() => sim.incident(timed)?.status, { timeout: 2000 }).toBe('Closed');
  });

  it('lists incidents by tracking number once submitted, by key before', async () => {
    const id = sim.seed();
    expect(sim.cases()).toEqual([{ id, title: 'Core dump on mx480-edge-01', status: 'Not Submitted' }]);
    await submit(id, valid('SIM-0005'));
    expect(sim.cases()[0]).toMatchObject({ id: 'SIM-0005', status: 'Submitted' });
  });

  it('gives env() for the mode it runs in', () => {
    expect(Object.keys(sim.env()).sort()).toEqual([
      'JUNIPER_BASE_URL',
      'JUNIPER_PASSWORD',
      'JUNIPER_USERNAME',
    ]);
    sim.mode = 'partner-proxy';
    expect(sim.env()).toMatchObject({
      JUNIPER_SITE_ID: sim.credentials.siteId,
      JUNIPER_CASE_USERNAME: sim.credentials.caseUsername,
      JUNIPER_CASE_PASSWORD: sim.credentials.casePassword,
    });
  });
});
