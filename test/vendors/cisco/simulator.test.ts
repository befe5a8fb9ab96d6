/** The simulator as a client of the real API would see it: raw HTTP, the document's shapes and limits. */
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CISCO_TOKEN_PATH,
  CiscoSimulator,
  type CiscoSimulatorOptions,
} from '../../../src/vendors/cisco/simulator.js';

let sim: CiscoSimulator;
let token: string;

async function call(
  path: string,
  options: { bearer?: string | null } = {},
): Promise<{ status: number; text: string; json: unknown; headers: Record<string, unknown> }> {
  const bearer = options.bearer === undefined ? token : options.bearer;
  const response = await request(`${sim.url}${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, text, json, headers: response.headers };
}

async function fetchToken(form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
  const response = await request(`${sim.url}${CISCO_TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: contentType.includes('json') ? JSON.stringify(form) : new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

async function start(options: CiscoSimulatorOptions = {}): Promise<void> {
  sim = new CiscoSimulator(options);
  await sim.start();
  const issued = await fetchToken({
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
  });
  token = String(issued.json.access_token);
}

function errorCode(answer: { json: unknown }): string | undefined {
  const envelope = answer.json as { ErrorResponse?: { APIError?: Array<{ ErrorCode?: string }> } };
  return envelope?.ErrorResponse?.APIError?.[0]?.ErrorCode;
}

describe('Cisco simulator', () => {
  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('points the adapter at itself', () => {
    expect(sim.env()).toEqual({
      CISCO_BASE_URL: sim.url,
      CISCO_TOKEN_URL: `${sim.url}/oauth2/default/v1/token`,
      CISCO_CLIENT_ID: sim.clientId,
      CISCO_CLIENT_SECRET: sim.clientSecret,
    });
  });

  it('issues tokens only for form-encoded client credentials', async () => {
    const good = {
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    };
    const issued = await fetchToken(good);
    expect(issued.status).toBe(200);
    expect(issued.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(typeof issued.json.access_token).toBe('string');

    expect((await fetchToken({ ...good, client_secret: 'nope' })).json).toMatchObject({
      error: 'invalid_client',
    });
    expect((await fetchToken({ ...good, client_secret: 'nope' })).status).toBe(401);
    expect((await fetchToken({ ...good, grant_type: 'password' })).status).toBe(400);
    expect((await fetchToken(good, 'application/json')).status).toBe(400);
  });

  it('answers 403 Not Authorized without a valid token', async () => {
    const id = sim.seed();
    for (const bearer of [null, 'made-up-token']) {
      const answer = await call(`/case/v3/cases/details/case_id/${id}`, { bearer });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('Not Authorized');
    }
    sim.expireTokens();
    expect((await call(`/case/v3/cases/details/case_id/${id}`)).text).toContain('Not Authorized');
  });

  it('answers case summaries as {cases, count} with the documented fields', async () => {
    const [a, b] = sim.seedMany(2);
    const answer = await call(`/case/v3/cases/case_ids/${a},${b},100000001`);
    expect(answer.status).toBe(200);
    const body = answer.json as { cases: Array<Record<string, unknown>>; count: number };
    expect(body.count).toBe(2);
    expect(Object.keys(body.cases[0] ?? {}).sort()).toEqual(
      [
        'item_entry_id',
        'user_id',
        'case_id',
        'title',
        'severity',
        'contact_name',
        'status_flag',
        'status',
        'creation_date',
        'updated_date',
        'serial_number',
        'contract_id',
        'technology_name',
        'sub_technology_name',
        'rmas',
        'bugs',
      ].sort(),
    );
    expect(body.cases.map((c) => c.case_id).sort()).toEqual([a, b].sort());
  });

  it('refuses more than 30 case ids with EXCEEDED_CASEIDS', async () => {
    const ids = sim.seedMany(31);
    expect((await call(`/case/v3/cases/case_ids/${ids.slice(0, 30).join(',')}`)).status).toBe(200);
    const answer = await call(`/case/v3/cases/case_ids/${ids.join(',')}`);
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('EXCEEDED_CASEIDS');
  });

  it('answers CASE_NOTFOUND for details of an unknown case and when no summary is found', async () => {
    const details = await call('/case/v3/cases/details/case_id/100000001');
    expect(details.status).toBe(403);
    expect(errorCode(details)).toBe('CASE_NOTFOUND');
    expect(errorCode(await call('/case/v3/cases/case_ids/100000001,100000002'))).toBe('CASE_NOTFOUND');
  });

  it('answers details as {caseDetail} with notes, owner and contacts', async () => {
    const id = sim.seed({ owner_name: 'Josh Engineer' });
    const answer = await call(`/case/v3/cases/details/case_id/${id}`);
    const detail = (answer.json as { caseDetail: Record<string, unknown> }).caseDetail;
    expect(detail).toMatchObject({ case_id: id, owner_name: 'Josh Engineer', status: 'Cisco Pending' });
    expect(detail.notes).toEqual([expect.objectContaining({ note_detail: expect.any(String) })]);
    expect(detail).toHaveProperty('contact_email_ids');
    expect(detail).toHaveProperty('problem_code_name');
    expect(detail).not.toHaveProperty('status_flag');
  });

  it('pages contract listings at 100 records with the documented pagination record', async () => {
    sim.seedMany(545, { contractId: '1234567' });
    const last = await call('/case/v3/cases/contracts/contract_ids/1234567?page_index=6');
    const body = last.json as { pagination_response_record: Record<string, unknown>; cases: unknown[] };
    expect(body.pagination_response_record).toMatchObject({
      last_index: 6,
      page_index: 6,
      page_records: 45,
      title: 'Get Cases By Contract Id',
      total_records: 545,
    });
    expect(String(body.pagination_response_record.self_link)).toContain('page_index=6');
    expect(body.cases).toHaveLength(45);
    const first = await call('/case/v3/cases/contracts/contract_ids/1234567');
    expect((first.json as { cases: unknown[] }).cases).toHaveLength(100);
  });

  it('enforces the listing limits with the documented codes', async () => {
    const elevenIds = Array.from({ length: 11 }, (_, i) => String(1_000_000 + i)).join(',');
    const cases: Array<[string, string]> = [
      [`/case/v3/cases/contracts/contract_ids/${elevenIds}`, 'EXCEEDED_CONTRACTIDS'],
      [`/case/v3/cases/users/user_ids/${elevenIds}`, 'EXCEEDED_USERIDS'],
      [
        '/case/v3/cases/users/user_ids/u1?date_created_from=2024-01-01T00:00:00Z&date_created_to=2024-03-31T23:59:59Z',
        'INVALID_DATERANGE',
      ],
      [
        '/case/v3/cases/users/user_ids/u1?date_created_from=2024-03-02T00:00:00Z&date_created_to=2024-03-01T00:00:00Z',
        'INVALID_DATERANGE',
      ],
      ['/case/v3/cases/users/user_ids/u1?date_created_from=2024-03-01', 'INVALID_DATEFORMAT'],
      ['/case/v3/cases/users/user_ids/u1?status_flag=X', 'INVALID_STATUSFLAG'],
      ['/case/v3/cases/users/user_ids/u1?sort_by=TITLE', 'INVALID_SORT_OPTION'],
    ];
    for (const [path, code] of cases) {
      const answer = await call(path);
      expect(answer.status, path).toBe(403);
      expect(errorCode(answer), path).toBe(code);
    }
    const ok = await call(
      '/case/v3/cases/users/user_ids/u1?date_created_from=2024-01-01T00:00:00Z&date_created_to=2024-03-30T23:59:59Z&status_flag=O',
    );
    expect(ok.status).toBe(200);
  });

  it('answers 596 Service Not Found when an id contains a space', async () => {
    expect((await call('/case/v3/cases/case_ids/682299374,%20123')).status).toBe(596);
  });

  it('throttles with the 403 per-second text, by fault and by its own QPS limit', async () => {
    const id = sim.seed();
    sim.injectFault({ fault: 'throttle' });
    const faulted = await call(`/case/v3/cases/details/case_id/${id}`);
    expect(faulted.status).toBe(403);
    expect(faulted.text).toContain('Account Over Queries Per Second Limit');

    sim.qpsLimit = 2;
    const answers = await Promise.all([1, 2, 3].map(() => call(`/case/v3/cases/details/case_id/${id}`)));
    const refused = answers.filter((a) => a.status === 403);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.text).toContain('Account Over Queries Per Second Limit');
  });

  it('moves a case through its lifecycle, status_flag following', async () => {
    const id = sim.seed();
    const seen: Array<[string, string]> = [];
    const read = async () => {
      const body = (await call(`/case/v3/cases/case_ids/${id}`)).json as {
        cases: Array<{ status: string; status_flag: string }>;
      };
      const c = body.cases[0];
      seen.push([c?.status ?? '', c?.status_flag ?? '']);
    };
    await read();
    for (let i = 0; i < 5; i++) {
      sim.advance(id);
      await read();
    }
    expect(seen).toEqual([
      ['Cisco Pending', 'O'],
      ['Customer Pending', 'O'],
      ['Cisco Pending', 'O'],
      ['Close Pending', 'O'],
      ['Closed', 'C'],
      ['Closed', 'C'],
    ]);
    expect(sim.advance(id, 'Cisco Release Pending').status).toBe('Cisco Release Pending');
    expect(() => sim.advance(id, 'Resolved')).toThrow(/not a Cisco status/);
    expect(() => sim.advance('100000001')).toThrow(/no case/);
  });

  it('holds ten thousand cases and serves them page by page', async () => {
    sim.seedMany(10_000, { contractId: '5555555' });
    expect(sim.cases()).toHaveLength(10_000);
    const answer = await call('/case/v3/cases/contracts/contract_ids/5555555?page_index=100');
    const body = answer.json as { pagination_response_record: Record<string, unknown>; cases: unknown[] };
    expect(body.pagination_response_record).toMatchObject({ last_index: 100, total_records: 10_000 });
    expect(body.cases).toHaveLength(100);
  });
});

describe('Cisco simulator auto-advance', () => {
  afterEach(async () => {
    await sim.stop();
  });

  it('moves every open case one step per autoAdvanceMs until closed', async () => {
    await start({ autoAdvanceMs: 20 });
    const ids = sim.seedMany(3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sim.cases().map((c) => c.status)).toEqual(['Closed', 'Closed', 'Closed']);
    const detail = (await call(`/case/v3/cases/details/case_id/${ids[0]}`)).json as {
      caseDetail: { notes: Array<{ note_detail: string }> };
    };
    expect(detail.caseDetail.notes[0]?.note_detail).toBe('Status changed to Closed.');
    expect(detail.caseDetail.notes).toHaveLength(5);
  });
});
