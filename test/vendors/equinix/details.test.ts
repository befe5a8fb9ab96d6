/**
 * The Equinix create's `details` and contacts as the document allows them: the real adapter against the
 * simulator, which holds them to the document's shapes on its own, so a wrong body fails here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/domain/errors.js';
import { CREATE_PATH, type Harness, openRequest, requestsTo, startEquinix } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startEquinix();
});
afterEach(async () => {
  await h.sim.stop();
});

const creates = () => requestsTo(h.sim, 'POST', CREATE_PATH);

async function rawCreate(body: Record<string, unknown>) {
  const tokenAnswer = await fetch(`${h.sim.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: h.sim.env().EQUINIX_CLIENT_ID,
      client_secret: h.sim.env().EQUINIX_CLIENT_SECRET,
    }),
  });
  const { access_token } = (await tokenAnswer.json()) as { access_token: string };
  const answer = await fetch(`${h.sim.url}${CREATE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
    body: JSON.stringify({ description: 'Send the invoices', primaryId: 'ACC-1', ...body }),
  });
  return { status: answer.status, json: (await answer.json()) as Array<{ errorMessage: string }> };
}

describe('Equinix details and contacts', () => {
  it('a code that takes details: documents sent as the document shapes them, with a technical contact', async () => {
    const { case: opened } = await h.adapter.open(
      openRequest({
        code: '0302-0400',
        transactionIds: ['1234567890', '1234567891'],
        documentType: 'DETAILED',
        documentFormats: ['XLS', 'PDF'],
        notificationContacts: [{ firstName: 'Ana', lastName: 'Silva', email: 'ana@example.com' }],
        technicalContacts: [{ firstName: 'Raj', lastName: 'Patel', email: 'raj@example.com' }],
      }),
      { idempotencyKey: 'details-1' },
    );
    const held = h.sim.find(opened.id);
    expect(held?.details).toEqual({
      documents: { transactionIds: ['1234567890', '1234567891'], type: 'DETAILED', formats: ['XLS', 'PDF'] },
    });
    expect(held?.contacts).toEqual([
      {
        type: 'NOTIFICATION',
        firstName: 'Ana',
        lastName: 'Silva',
        details: [{ type: 'EMAIL', value: 'ana@example.com' }],
      },
      {
        type: 'TECHNICAL',
        firstName: 'Raj',
        lastName: 'Patel',
        details: [{ type: 'EMAIL', value: 'raj@example.com' }],
      },
    ]);
    // The case read back names the technical contact in its details.
    expect(opened.details).toContainEqual(
      expect.objectContaining({ group: 'Contacts', label: 'Technical contact' }),
    );
  });

  it('only the details filled in are sent; none at all sends no details object', async () => {
    const { case: some } = await h.adapter.open(openRequest({ code: '0306-0300', transactionIds: ['42'] }), {
      idempotencyKey: 'details-2',
    });
    expect(h.sim.find(some.id)?.details).toEqual({ documents: { transactionIds: ['42'] } });
    const { case: none } = await h.adapter.open(openRequest({ code: '0305-0000' }), {
      idempotencyKey: 'details-3',
    });
    expect(h.sim.find(none.id)?.details).toBeUndefined();
    expect(JSON.parse(creates().at(-1)?.body ?? '{}')).not.toHaveProperty('details');
  });

  it('document details with a code that takes none: refused before anything is sent', async () => {
    const before = creates().length;
    const refused = h.adapter.open(openRequest({ code: '0100-0200', transactionIds: ['1'] }), {
      idempotencyKey: 'details-4',
    });
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toThrow(/0100-0200 takes no document details/);
    expect(creates()).toHaveLength(before);
  });
});

describe('the Equinix simulator holds creates to the document', () => {
  it('refuses a details object with a code the document lists no details for', async () => {
    const answer = await rawCreate({
      code: '0100-0200',
      details: { documents: { transactionIds: ['1'] } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json[0]?.errorMessage).toMatch(/takes no details/);
  });

  it('refuses details not shaped as the document shows them', async () => {
    for (const details of [
      { transactionIds: ['1'] },
      { documents: { transactionIds: '1234567890' } },
      { documents: {} },
      { documents: { transactionIds: ['1'], pages: 3 } },
    ]) {
      const answer = await rawCreate({ code: '0302-0400', details });
      expect(answer.status, JSON.stringify(details)).toBe(400);
    }
    expect(
      (await rawCreate({ code: '0302-0400', details: { documents: { type: 'DETAILED' } } })).status,
    ).toBe(200);
  });

  it('refuses contacts of a type or a reach the document does not show', async () => {
    const person = { firstName: 'Raj', lastName: 'Patel' };
    for (const contact of [
      { type: 'TECH', ...person, details: [{ type: 'EMAIL', value: 'raj@example.com' }] },
      { type: 'TECHNICAL', ...person, details: [{ type: 'EMAIL', value: 'not an address' }] },
      { type: 'TECHNICAL', ...person, details: [{ type: 'FAX', value: '+1 555 0100' }] },
      { type: 'TECHNICAL', ...person, details: [] },
    ]) {
      const answer = await rawCreate({ code: '0100-0200', contacts: [contact] });
      expect(answer.status, JSON.stringify(contact)).toBe(400);
    }
    const fine = await rawCreate({
      code: '0100-0200',
      contacts: [
        { type: 'TECHNICAL', ...person, details: [{ type: 'PHONE', value: '+1-2342343333' }] },
        { type: 'TECHNICAL', registeredUsers: ['John Doe'] },
      ],
    });
    expect(fine.status).toBe(200);
  });
});
