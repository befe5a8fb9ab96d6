import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import { CaseConflictError, InvalidInputError } from '../../../src/domain/errors.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { equinixFromEnv } from '../../../src/vendors/equinix/index.js';
import { CREATE_PATH, type Harness, openRequest, requestsTo, startEquinix } from './harness.js';

let h: Harness;

beforeEach(async () => {
  h = await startEquinix();
});

afterEach(async () => {
  await h.adapter.close();
  await h.sim.stop();
});

describe('Equinix adapter: configuration and ids', () => {
  it('is disabled without client credentials', () => {
    expect(equinixFromEnv(loadEnv({}), { logger: silentLogger })).toBeUndefined();
  });

  it('accepts 8-digit case numbers and 1-… order numbers, and explains anything else', () => {
    expect(h.adapter.parseCaseId(' 11150929 ')).toBe('11150929');
    expect(h.adapter.parseCaseId('1-204976070710')).toBe('1-204976070710');
    for (const bad of ['1115092', '111509290', '1-2049', 'SR-11150929', 'abc']) {
      expect(() => h.adapter.parseCaseId(bad)).toThrow(InvalidInputError);
    }
    expect(() => h.adapter.parseCaseId('1115092')).toThrow(/8 digits/);
  });
});

describe('Equinix adapter: open', () => {
  it('sends the documented body and answers with the case as Equinix now holds it', async () => {
    const result = await h.adapter.open(
      openRequest({
        secondaryId: '0001',
        occurredAt: '2025-03-04T10:40:00+01:00',
        notificationContacts: [{ firstName: 'Ada', lastName: 'Noc', email: 'ada@example.com' }],
      }),
      { idempotencyKey: 'open-key-1' },
    );

    const [create] = requestsTo(h.sim, 'POST', CREATE_PATH);
    expect(JSON.parse(create!.body)).toEqual({
      code: '0100-0200',
      description: 'Cross connect CC-SV5-000123 is down since 09:40 UTC; no light on the customer side.',
      primaryId: 'CC-SV5-000123',
      secondaryId: '0001',
      occurredDateTime: '2025-03-04T09:40:00.000Z',
      customerReferenceId: 'open-key-1',
      contacts: [
        {
          type: 'NOTIFICATION',
          firstName: 'Ada',
          lastName: 'Noc',
          details: [{ type: 'EMAIL', value: 'ada@example.com' }],
        },
      ],
    });
    expect(create!.headers.authorization).toMatch(/^Bearer \S+$/);

    expect(result.created).toBe(true);
    const opened = result.case;
    expect(opened.vendor).toBe('equinix');
    expect(opened.id).toMatch(/^\d{8}$/);
    expect(opened.alternateIds).toEqual([expect.stringMatching(/^1-\d{12}$/)]);
    expect(opened.status).toBe('SUBMITTED');
    expect(opened.state).toBe('open');
    expect(opened.title).toBe(
      'Cross connect CC-SV5-000123 is down since 09:40 UTC; no light on the customer side.',
    );
    expect(opened.fields).toContainEqual({ label: 'Reference', value: 'open-key-1' });
    expect(opened.allows).toEqual({ cancel: true });
    expect(h.sim.casesWithReference('open-key-1')).toHaveLength(1);
  });

  it('accepts a create answered with the order number, and reads the case back by it', async () => {
    h.sim.createAnswer = 'order-number';
    const { case: opened } = await h.adapter.open(openRequest(), { idempotencyKey: 'open-by-order' });
    const stored = h.sim.casesWithReference('open-by-order')[0]!;
    expect(opened.id).toBe(stored.caseNumber);
    expect(opened.alternateIds).toEqual([stored.orderId]);
    expect(requestsTo(h.sim, 'GET', `/support/v2/tickets/${stored.orderId}`)).toHaveLength(1);
  });

  it('tolerates the older 201 answer with a Location header and no body', async () => {
    h.sim.createAnswer = 'location';
    const { case: opened, created } = await h.adapter.open(openRequest(), {
      idempotencyKey: 'open-location',
    });
    expect(created).toBe(true);
    expect(opened.id).toBe(h.sim.casesWithReference('open-location')[0]!.caseNumber);
    expect(opened.status).toBe('SUBMITTED');
  });

  it('answers with what it knows when the case was created but reading it back fails', async () => {
    h.sim.injectFault({ fault: 'http-503', pathIncludes: '/support/v2/tickets/', times: Infinity });
    const { case: opened, created } = await h.adapter.open(openRequest(), {
      idempotencyKey: 'open-readback',
    });
    expect(created).toBe(true);
    expect(opened.id).toBe(h.sim.casesWithReference('open-readback')[0]!.caseNumber);
    expect(opened.status).toBe('SUBMITTED');
    expect(opened.state).toBe('open');
    expect(opened.title).toBe(openRequest().description);
  });

  it('refuses an invalid request before anything reaches Equinix', async () => {
    await expect(
      h.adapter.open(openRequest({ code: '100-200' }), { idempotencyKey: 'bad-code' }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'code' });
    await expect(
      h.adapter.open(
        { vendor: 'motadata', subject: 'x', requesterEmail: 'a@example.com', tags: [] },
        { idempotencyKey: 'wrong-vendor' },
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('Equinix adapter: lookup', () => {
  it('looks a case up by case number and maps what the card shows', async () => {
    const id = h.sim.seed({
      status: 'IN_PROGRESS',
      description: 'Smart hands: reseat optic in DA3:01:010315',
      ibx: ['DA3'],
      accountName: 'Example Networks',
      accountNumber: '182389736',
      products: ['SMART_HANDS'],
      createdDateTime: '2025-01-02T03:04:05.678Z',
    });
    const found = await h.adapter.lookup(id);
    expect(found).toMatchObject({
      vendor: 'equinix',
      id,
      title: 'Smart hands: reseat optic in DA3:01:010315',
      status: 'IN_PROGRESS',
      state: 'waiting-on-vendor',
      createdAt: '2025-01-02T03:04:05.678Z',
      notes: [],
      allows: { cancel: true },
    });
    expect(found.alternateIds).toEqual([h.sim.find(id)!.orderId]);
    expect(found.severity).toBeUndefined();
    expect(found.owner).toBeUndefined();
    expect(found.url).toBeUndefined();
    expect(found.updatedAt).toBe(h.sim.find(id)!.updatedDateTime);
    expect(found.fields).toEqual([
      { label: 'IBX', value: 'DA3' },
      { label: 'Category', value: 'Trouble Services / Incident' },
      { label: 'Account', value: 'Example Networks (182389736)' },
      { label: 'Products', value: 'SMART_HANDS' },
    ]);
  });

  it('looks a case up by order number and names it by its case number', async () => {
    const id = h.sim.seed({ orderId: '1-204976070999' });
    const found = await h.adapter.lookup('1-204976070999');
    expect(found.id).toBe(id);
    expect(found.alternateIds).toEqual(['1-204976070999']);
    expect(requestsTo(h.sim, 'GET', '/support/v2/tickets/1-204976070999')).toHaveLength(1);
  });

  it('follows the status as the case moves through its lifecycle', async () => {
    const id = h.sim.seed();
    const seen: Array<[string, string]> = [];
    for (let step = 0; step < 6; step++) {
      const found = await h.adapter.lookup(id);
      seen.push([found.status, found.state]);
      h.sim.advance(id);
    }
    expect(seen).toEqual([
      ['SUBMITTED', 'open'],
      ['IN_PROGRESS', 'waiting-on-vendor'],
      ['ACTION_REQUIRED', 'waiting-on-customer'],
      ['IN_PROGRESS', 'waiting-on-vendor'],
      ['RESOLVED', 'resolved'],
      ['CLOSED', 'closed'],
    ]);
    expect((await h.adapter.lookup(id)).allows).toEqual({ cancel: false });
  });
});

describe('Equinix adapter: annotate', () => {
  it('adds an external note by default, and an internal one when asked', async () => {
    const id = h.sim.seed();
    await h.adapter.annotate(
      id,
      { text: '  Customer confirms the port is shut on our side.  ' },
      { idempotencyKey: 'n1' },
    );
    await h.adapter.annotate(
      id,
      { text: 'Escalated to TAC', visibility: 'INTERNAL' },
      { idempotencyKey: 'n2' },
    );

    const notes = requestsTo(h.sim, 'POST', `/support/v2/tickets/${id}/notes`).map((r) => JSON.parse(r.body));
    expect(notes).toEqual([
      { text: 'Customer confirms the port is shut on our side.', visibility: 'EXTERNAL' },
      { text: 'Escalated to TAC', visibility: 'INTERNAL' },
    ]);
    expect(h.sim.find(id)!.notes.map((n) => [n.visibility, n.text])).toEqual([
      ['INTERNAL', 'Escalated to TAC'],
      ['EXTERNAL', 'Customer confirms the port is shut on our side.'],
    ]);
  });

  it('resolves an order number to its case number first, since notes take only a case number', async () => {
    const id = h.sim.seed({ orderId: '1-204976071234' });
    await h.adapter.annotate('1-204976071234', { text: 'Following up' }, { idempotencyKey: 'n3' });
    expect(requestsTo(h.sim, 'GET', '/support/v2/tickets/1-204976071234')).toHaveLength(1);
    expect(requestsTo(h.sim, 'POST', `/support/v2/tickets/${id}/notes`)).toHaveLength(1);
    expect(h.sim.find(id)!.notes).toHaveLength(1);
  });

  it('explains that an order without a case number cannot take notes, and sends none', async () => {
    const id = h.sim.seed({ caseNumber: null });
    await expect(h.adapter.annotate(id, { text: 'hello' }, { idempotencyKey: 'n4' })).rejects.toThrow(
      /no 8-digit case number/,
    );
    expect(requestsTo(h.sim, 'POST', /\/notes$/)).toHaveLength(0);
  });

  it('refuses an empty or over-long note before calling Equinix', async () => {
    const id = h.sim.seed();
    await expect(h.adapter.annotate(id, { text: '   ' }, { idempotencyKey: 'n5' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'text',
    });
    await expect(
      h.adapter.annotate(id, { text: 'x'.repeat(4001) }, { idempotencyKey: 'n6' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('reports that a closed case cannot take notes', async () => {
    const id = h.sim.seed({ status: 'CLOSED' });
    await expect(h.adapter.annotate(id, { text: 'late' }, { idempotencyKey: 'n7' })).rejects.toBeInstanceOf(
      CaseConflictError,
    );
  });
});

describe('Equinix adapter: cancel', () => {
  it('cancels with the reason and answers with the case as it now stands', async () => {
    const id = h.sim.seed({ status: 'IN_PROGRESS' });
    const cancelled = await h.adapter.cancel(id, 'Opened by mistake', { idempotencyKey: 'c1' });
    expect(JSON.parse(requestsTo(h.sim, 'POST', `/support/v2/tickets/${id}/cancel`)[0]!.body)).toEqual({
      reason: 'Opened by mistake',
    });
    expect(cancelled).toMatchObject({ id, status: 'CANCELLED', state: 'cancelled' });
    expect(cancelled.allows).toEqual({ cancel: false });
    expect(h.sim.find(id)!.cancelReason).toBe('Opened by mistake');
  });

  it('cancels by order number', async () => {
    const id = h.sim.seed({ orderId: '1-204976075555' });
    const cancelled = await h.adapter.cancel('1-204976075555', 'Duplicate', { idempotencyKey: 'c2' });
    expect(cancelled).toMatchObject({ id, state: 'cancelled' });
  });

  it('turns the 409 for a closed case into "cannot be changed in its current state"', async () => {
    const id = h.sim.seed({ status: 'CLOSED' });
    const error = await h.adapter.cancel(id, 'Too late', { idempotencyKey: 'c3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaseConflictError);
    expect((error as CaseConflictError).httpStatus).toBe(409);
    expect((error as Error).message).toMatch(/cannot be changed in its current state/);
    expect(h.sim.find(id)!.status).toBe('CLOSED');
  });

  it('requires a reason', async () => {
    const id = h.sim.seed();
    await expect(h.adapter.cancel(id, ' ', { idempotencyKey: 'c4' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'reason',
    });
    expect(h.sim.requests).toHaveLength(0);
  });
});
