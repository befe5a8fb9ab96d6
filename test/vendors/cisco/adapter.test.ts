import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import {
  CaseNotFoundError,
  InvalidInputError,
  UnsupportedOperationError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import type { ListQuery } from '../../../src/domain/ports/vendor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ciscoFromEnv } from '../../../src/vendors/cisco/index.js';
import { type CiscoHarness, idsOf, startCisco } from './harness.js';

let h: CiscoHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Cisco adapter: configuration and capabilities', () => {
  it('is not configured without a client id and secret', () => {
    expect(ciscoFromEnv(loadEnv({}), { logger: silentLogger })).toBeUndefined();
  });

  it('is read-only: open, annotate and cancel say why and send nothing', async () => {
    h = await startCisco();
    expect([...h.adapter.capabilities].sort()).toEqual(['list', 'lookup']);
    const attempts = [
      h.adapter.open(
        {
          vendor: 'motadata',
          subject: 'x',
          requesterEmail: 'a@example.com',
          tags: [],
        },
        { idempotencyKey: 'k1' },
      ),
      h.adapter.annotate('682299374', { text: 'hello' }, { idempotencyKey: 'k2' }),
      h.adapter.cancel('682299374', 'done', { idempotencyKey: 'k3' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect((error as Error).message).toMatch(/read-only/);
      expect((error as Error).message).toMatch(/Smart Bonding/);
    }
    expect(h.sim.requests).toHaveLength(0);
  });

  it('accepts case numbers of up to 64 digits, as the document types case_id, and refuses anything else', async () => {
    h = await startCisco();
    expect(h.adapter.parseCaseId(' 682299374 ')).toBe('682299374');
    expect(h.adapter.parseCaseId('12345')).toBe('12345');
    expect(h.adapter.parseCaseId('9'.repeat(64))).toBe('9'.repeat(64));
    for (const bad of ['9'.repeat(65), '../x', '1 2', 'abc123456', 'SR-682299374', '682299374/../1', '']) {
      expect(() => h?.adapter.parseCaseId(bad), bad).toThrow(InvalidInputError);
    }
  });

  it('rejects path injection before sending any request', async () => {
    h = await startCisco();
    for (const bad of ['../x', '1 2', '682299374/..', '%2e%2e']) {
      await expect(h.adapter.lookup(bad)).rejects.toBeInstanceOf(InvalidInputError);
    }
    const outcomes = await h.adapter.refresh(['../x', '1 2']);
    expect(outcomes.map((o) => o.ok)).toEqual([false, false]);
    for (const outcome of outcomes) {
      expect(outcome.ok === false && outcome.error).toBeInstanceOf(VendorRejectedError);
      expect(outcome.ok === false && outcome.error.message).toMatch(/digits only, at most 64/);
    }
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('Cisco adapter: lookup', () => {
  it('reads the case details into a normalised case', async () => {
    h = await startCisco();
    const id = h.sim.seed({
      title: 'Edge router reloads after upgrade',
      severity: 2,
      status: 'Customer Pending',
      owner_name: 'Josh Engineer',
      creation_date: '2024-05-09T20:08:45.000Z',
      updated_date: '2024-05-12T18:51:54.000Z',
      technology_name: 'Routing - IOS XE',
      sub_technology_name: 'Unexpected Reload',
      problem_code_name: 'Software Failure',
      contract_id: '91234567',
      serial_number: 'FOC2310X0AB',
      rmas: ['88451234'],
      bugs: ['CSCvx12345', 'CSCwa00001'],
      notes: [
        {
          note: '',
          note_detail: 'Older note',
          created_by: 'NOC',
          creation_date: '2024-05-10T08:00:00.000Z',
        },
        {
          note: '',
          note_detail: 'Newest note: please collect show tech',
          created_by: 'Josh Engineer',
          creation_date: '2024-05-12T18:51:54.000Z',
        },
        { note: '', note_detail: '', created_by: 'x', creation_date: '2024-05-11T00:00:00.000Z' },
      ],
    });

    const found = await h.adapter.lookup(id);

    expect(found).toMatchObject({
      vendor: 'cisco',
      id,
      title: 'Edge router reloads after upgrade',
      status: 'Customer Pending',
      state: 'waiting-on-customer',
      severity: 'Sev 2',
      owner: 'Josh Engineer',
      createdAt: '2024-05-09T20:08:45.000Z',
      updatedAt: '2024-05-12T18:51:54.000Z',
    });
    expect(found.url).toBeUndefined();
    expect(found.notes).toEqual([
      {
        text: 'Newest note: please collect show tech',
        author: 'Josh Engineer',
        createdAt: '2024-05-12T18:51:54.000Z',
      },
      { text: 'Older note', author: 'NOC', createdAt: '2024-05-10T08:00:00.000Z' },
    ]);
    expect(found.fields).toEqual([
      { label: 'Technology', value: 'Routing - IOS XE' },
      { label: 'Sub-technology', value: 'Unexpected Reload' },
      { label: 'Problem code', value: 'Software Failure' },
      { label: 'Contract', value: '91234567' },
      { label: 'Serial number', value: 'FOC2310X0AB' },
      { label: 'RMAs', value: '88451234' },
      { label: 'Bugs', value: 'CSCvx12345, CSCwa00001' },
    ]);
    expect(found.details).toEqual(
      expect.arrayContaining([
        { group: 'Hardware and contract', label: 'Contract', value: '91234567' },
        { group: 'Hardware and contract', label: 'Serial number', value: 'FOC2310X0AB' },
        { group: 'Hardware and contract', label: 'RMAs', value: '88451234' },
        { group: 'Hardware and contract', label: 'Bugs', value: 'CSCvx12345, CSCwa00001' },
      ]),
    );

    const [details] = h.apiRequests();
    expect(details?.path).toBe(`/case/v3/cases/details/case_id/${id}`);
    expect(details?.headers.authorization).toMatch(/^Bearer \S+$/);
    const [token] = h.tokenRequests();
    expect(token?.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(token?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_id')).toBe(h.sim.clientId);
    expect(form.get('client_secret')).toBe(h.sim.clientSecret);
    expect(h.tokenRefreshes).toEqual(['cisco']);
  });

  it('reuses the token across calls', async () => {
    h = await startCisco();
    const [a, b] = h.sim.seedMany(2);
    await h.adapter.lookup(a ?? '');
    await h.adapter.lookup(b ?? '');
    expect(h.tokenRequests()).toHaveLength(1);
    expect(h.apiRequests()).toHaveLength(2);
  });

  it('follows the lifecycle the simulator moves a case through', async () => {
    h = await startCisco();
    const id = h.sim.seed();
    const states: string[] = [(await h.adapter.lookup(id)).state];
    for (let i = 0; i < 4; i++) {
      h.sim.advance(id);
      states.push((await h.adapter.lookup(id)).state);
    }
    expect(states).toEqual([
      'waiting-on-vendor',
      'waiting-on-customer',
      'waiting-on-vendor',
      'resolved',
      'closed',
    ]);
  });
});

describe('Cisco adapter: refresh', () => {
  it('reads a 30-id batch case by case: an unknown id and an unreadable entry fail only themselves', async () => {
    h = await startCisco();
    const known = h.sim.seedMany(28);
    // A case Cisco answers with a status that is not text: that entry cannot be read, the rest can.
    const odd = h.sim.seed({ status: 42 });
    const unknown = '100000099';
    const ids = [...known.slice(0, 10), unknown, odd, ...known.slice(10)];
    expect(ids).toHaveLength(30);

    const outcomes = await h.adapter.refresh(ids);

    expect(h.apiRequests('/case/v3/cases/case_ids/')).toHaveLength(1);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    for (const id of known) expect(byId.get(id)?.ok, id).toBe(true);
    const missing = byId.get(unknown);
    expect(missing?.ok === false && missing.error).toBeInstanceOf(CaseNotFoundError);
    const unreadable = byId.get(odd);
    expect(unreadable?.ok === false && unreadable.error).toBeInstanceOf(VendorUnavailableError);
    expect(unreadable?.ok === false && unreadable.error.message).toMatch(new RegExp(`case ${odd} at status`));
  });

  it('refreshes 1,000 ids in exactly 34 summary calls and reports the missing ones', async () => {
    // Starts without a token while every concurrency slot fills at once: the token call must not need a slot.
    h = await startCisco({ env: { CISCO_MAX_CONCURRENT: '2' } });
    const known = h.sim.seedMany(990);
    const unknown = Array.from({ length: 10 }, (_, i) => String(100_000_001 + i));
    const ids = [...known.slice(0, 400), ...unknown, ...known.slice(400)];
    expect(ids).toHaveLength(1000);

    const outcomes = await h.adapter.refresh(ids);

    const summaryCalls = h.apiRequests('/case/v3/cases/case_ids/');
    expect(summaryCalls).toHaveLength(Math.ceil(1000 / 30));
    expect(summaryCalls).toHaveLength(34);
    expect(h.apiRequests()).toHaveLength(34);
    for (const call of summaryCalls) expect(idsOf(call).length).toBeLessThanOrEqual(30);
    expect(summaryCalls.flatMap(idsOf).sort()).toEqual([...ids].sort());

    expect(outcomes.map((o) => o.id)).toEqual(ids);
    const missing = outcomes.filter((o) => !o.ok);
    expect(missing.map((o) => o.id).sort()).toEqual(unknown);
    for (const outcome of missing) {
      expect(outcome.ok === false && outcome.error).toBeInstanceOf(CaseNotFoundError);
    }
    const refreshed = outcomes.flatMap((o) => (o.ok ? [o.case] : []));
    expect(refreshed).toHaveLength(990);
    expect(outcomes.every((o) => !o.ok || (o.case.vendor === 'cisco' && o.case.id === o.id))).toBe(true);
    expect(refreshed[0]?.state).toBe('waiting-on-vendor');
  });

  it('reports every id of a batch Cisco found none of as not found', async () => {
    h = await startCisco();
    const unknown = ['100000001', '100000002', '100000003'];
    const outcomes = await h.adapter.refresh(unknown);
    expect(outcomes.map((o) => o.ok === false && o.error.constructor.name)).toEqual([
      'CaseNotFoundError',
      'CaseNotFoundError',
      'CaseNotFoundError',
    ]);
    expect(outcomes.map((o) => o.ok === false && (o.error as CaseNotFoundError).caseId)).toEqual(unknown);
    expect(h.apiRequests()).toHaveLength(1);
  });

  it('gives every id of a failed batch that batch’s error and still refreshes the others', async () => {
    h = await startCisco();
    const ids = h.sim.seedMany(45);
    // The first batch holds the first 30 ids.
    h.sim.injectFault({ fault: 'http-503', pathIncludes: ids[0], times: Number.POSITIVE_INFINITY });
    const outcomes = await h.adapter.refresh(ids);
    const failed = outcomes.slice(0, 30);
    expect(failed.every((o) => o.ok === false && o.error instanceof VendorUnavailableError)).toBe(true);
    expect(outcomes.slice(30).every((o) => o.ok)).toBe(true);
    // 3 attempts for the failing batch, 1 for the other.
    expect(h.apiRequests()).toHaveLength(4);
  });

  it('asks once per distinct id and answers for every id given', async () => {
    h = await startCisco();
    const [id] = h.sim.seedMany(1);
    const outcomes = await h.adapter.refresh([id ?? '', id ?? '', '../x', id ?? '']);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true]);
    expect(outcomes.map((o) => o.id)).toEqual([id, id, '../x', id]);
    expect(h.apiRequests()).toHaveLength(1);
    expect(idsOf(h.apiRequests()[0] as never)).toEqual([id]);
  });
});

describe('Cisco adapter: list', () => {
  it('walks a 545-record contract listing in 6 pages', async () => {
    h = await startCisco();
    h.sim.seedMany(545, { contractId: '1234567', createdFrom: '2024-04-01', createdTo: '2024-04-30' });
    h.sim.seedMany(20, { contractId: '7654321' });

    const result = await h.adapter.list({ by: 'contract', ids: ['1234567'] });

    expect(result.total).toBe(545);
    expect(result.pages).toBe(6);
    expect(result.cases).toHaveLength(545);
    expect(new Set(result.cases.map((c) => c.id)).size).toBe(545);
    expect(
      result.cases.every((c) => c.fields.some((f) => f.label === 'Contract' && f.value === '1234567')),
    ).toBe(true);
    const pages = h.apiRequests();
    expect(pages).toHaveLength(6);
    expect(pages.map((r) => r.path)).toEqual(Array(6).fill('/case/v3/cases/contracts/contract_ids/1234567'));
    expect(pages.map((r) => r.query.get('page_index'))).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(pages.every((r) => !r.query.has('status_flag') && !r.query.has('date_created_from'))).toBe(true);
  });

  it('lists by user with status and date filters', async () => {
    h = await startCisco();
    const open = h.sim.seedMany(10, {
      userId: 'noc-bot',
      createdFrom: '2024-03-01',
      createdTo: '2024-03-10',
    });
    const closed = h.sim.seedMany(5, {
      userId: 'noc-bot',
      status: 'Closed',
      createdFrom: '2024-03-02',
      createdTo: '2024-03-06',
    });
    h.sim.seedMany(4, { userId: 'noc-bot', createdFrom: '2024-01-01', createdTo: '2024-01-05' });
    h.sim.seedMany(3, { userId: 'someone-else', createdFrom: '2024-03-01', createdTo: '2024-03-05' });

    const openResult = await h.adapter.list({
      by: 'user',
      ids: ['noc-bot'],
      status: 'open',
      from: '2024-03-01',
      to: '2024-03-31',
    });
    expect(openResult.cases.map((c) => c.id).sort()).toEqual([...open].sort());
    expect(openResult).toMatchObject({ total: 10, pages: 1 });
    expect(
      openResult.cases.every((c) => c.state === 'waiting-on-vendor' && c.severity?.startsWith('Sev ')),
    ).toBe(true);

    const closedResult = await h.adapter.list({
      by: 'user',
      ids: ['noc-bot'],
      status: 'closed',
      from: '2024-03-01',
      to: '2024-03-31',
    });
    expect(closedResult.cases.map((c) => c.id).sort()).toEqual([...closed].sort());
    expect(closedResult.cases.every((c) => c.state === 'closed')).toBe(true);

    const [first, second] = h.apiRequests();
    expect(first?.path).toBe('/case/v3/cases/users/user_ids/noc-bot');
    expect(Object.fromEntries(first?.query ?? [])).toEqual({
      status_flag: 'O',
      date_created_from: '2024-03-01T00:00:00Z',
      date_created_to: '2024-03-31T23:59:59Z',
      page_index: '1',
    });
    expect(second?.query.get('status_flag')).toBe('C');
  });

  it('sends up to 10 ids joined by commas', async () => {
    h = await startCisco();
    h.sim.seedMany(3, { contractId: '1111111' });
    h.sim.seedMany(2, { contractId: '2222222' });
    const ids = ['1111111', '2222222', ...Array.from({ length: 8 }, (_, i) => String(3_000_000 + i))];
    const result = await h.adapter.list({ by: 'contract', ids });
    expect(result.total).toBe(5);
    expect(h.apiRequests()[0]?.path).toBe(`/case/v3/cases/contracts/contract_ids/${ids.join(',')}`);
  });

  it('accepts a 90-day range, which the simulator (like Cisco) accepts too', async () => {
    h = await startCisco();
    h.sim.seedMany(3, { contractId: '1234567', createdFrom: '2024-02-01', createdTo: '2024-02-03' });
    const result = await h.adapter.list({
      by: 'contract',
      ids: ['1234567'],
      from: '2024-01-01',
      to: '2024-03-30',
    });
    expect(result.total).toBe(3);
  });

  const invalid: Array<[string, ListQuery, RegExp]> = [
    [
      '11 ids',
      { by: 'contract', ids: Array.from({ length: 11 }, (_, i) => String(1_000_000 + i)) },
      /at most 10 contract ids.*11 were given/,
    ],
    [
      'a 91-day range',
      { by: 'contract', ids: ['1234567'], from: '2024-01-01', to: '2024-03-31' },
      /at most 90 days.*covers 91 days/,
    ],
    [
      'an impossible date',
      { by: 'user', ids: ['noc-bot'], from: '2024-02-30', to: '2024-03-10' },
      /start date "2024-02-30" is not a date: use YYYY-MM-DD/,
    ],
    [
      'a date in another format',
      { by: 'user', ids: ['noc-bot'], from: '2024-03-01', to: '03/10/2024' },
      /end date "03\/10\/2024" is not a date/,
    ],
    [
      'a start after the end',
      { by: 'user', ids: ['noc-bot'], from: '2024-03-10', to: '2024-03-01' },
      /start date 2024-03-10 is after the end date 2024-03-01/,
    ],
    [
      'only a start date',
      { by: 'user', ids: ['noc-bot'], from: '2024-03-10' },
      /both a start and an end date/,
    ],
    ['no ids', { by: 'user', ids: [' '] }, /at least one user id/],
    ['an id with a comma', { by: 'contract', ids: ['123,456'] }, /"123,456" is not a Cisco contract id/],
    ['an id with a path', { by: 'user', ids: ['../admin'] }, /"..\/admin" is not a Cisco user id/],
    ['an unknown status', { by: 'user', ids: ['noc-bot'], status: 'pending' as never }, /open" or "closed/],
  ];
  it.each(invalid)('refuses %s before sending anything', async (_name, query, message) => {
    h = await startCisco();
    const error = await h.adapter.list(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('treats a search Cisco answers CASE_NOTFOUND to as an empty list', async () => {
    h = await startCisco();
    h.sim.injectError({ code: 'CASE_NOTFOUND', pathIncludes: '/contracts/' });
    const result = await h.adapter.list({ by: 'contract', ids: ['1234567'] });
    expect(result).toEqual({ cases: [], total: 0, pages: 1 });
  });

  it('returns an empty list when nothing matches', async () => {
    h = await startCisco();
    const result = await h.adapter.list({ by: 'user', ids: ['nobody'] });
    expect(result).toEqual({ cases: [], total: 0, pages: 1 });
  });
});
