import { describe, expect, it } from 'vitest';
import {
  CaseConflictError,
  CaseNotFoundError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import { equinixStateOf, equinixTicketToCase, mapEquinixError } from '../../../src/vendors/equinix/index.js';
import type { FailedAnswer } from '../../../src/vendors/http/wire.js';

describe('Equinix status mapping', () => {
  it.each([
    ['SUBMITTED', 'open'],
    ['IN_PROGRESS', 'waiting-on-vendor'],
    ['ACTION_REQUIRED', 'waiting-on-customer'],
    ['RESOLVED', 'resolved'],
    ['CLOSED', 'closed'],
    ['CANCELLED', 'cancelled'],
    ['ON_HOLD', 'open'],
    ['toString', 'open'],
  ])('%s → %s', (status, state) => {
    expect(equinixStateOf(status)).toBe(state);
  });
});

describe('Equinix ticket → Case', () => {
  it('reads the documented sample answer', () => {
    const found = equinixTicketToCase({
      id: '11150929',
      accountNumber: '182389736',
      accountName: 'VjT Existing Reseller New BA',
      customerReferenceId: 'EESkFTupLmnF6KinbARfNgWAC2V1BZbDZKluF5TI5YVTXTfGkF',
      channel: 'PORTAL',
      orderId: '1-204976070710',
      location: { ibx: ['SV5'] },
      status: 'IN_PROGRESS',
      createdDateTime: '2023-09-13T04:57:27.430Z',
      otherDetails: {
        category: 'Trouble Services',
        subCategory: 'Incident',
        description: 'Sample description.',
        updatedDateTime: '2023-09-13T04:57:27.430Z',
        updatedByFullName: '0052H000003iLJjQAM',
        products: ['SMART_HANDS'],
        modifiable: false,
        cancellable: true,
      },
    });
    expect(found).toEqual({
      vendor: 'equinix',
      id: '11150929',
      alternateIds: ['1-204976070710'],
      title: 'Sample description.',
      status: 'IN_PROGRESS',
      state: 'waiting-on-vendor',
      createdAt: '2023-09-13T04:57:27.430Z',
      updatedAt: '2023-09-13T04:57:27.430Z',
      notes: [],
      fields: [
        { label: 'IBX', value: 'SV5' },
        { label: 'Category', value: 'Trouble Services / Incident' },
        { label: 'Account', value: 'VjT Existing Reseller New BA (182389736)' },
        { label: 'Products', value: 'SMART_HANDS' },
        { label: 'Reference', value: 'EESkFTupLmnF6KinbARfNgWAC2V1BZbDZKluF5TI5YVTXTfGkF' },
      ],
      details: expect.arrayContaining([
        { group: 'Case', label: 'Products', value: 'SMART_HANDS' },
        { group: 'Case', label: 'Reference', value: 'EESkFTupLmnF6KinbARfNgWAC2V1BZbDZKluF5TI5YVTXTfGkF' },
        { group: 'Case', label: 'Opened through', value: 'PORTAL' },
        { group: 'Case', label: 'Changes accepted', value: 'No' },
      ]),
      // The sample is an IN_PROGRESS case with modifiable: false: notes stay offered, Equinix has the last word.
      allows: { cancel: true },
    });
  });

  it('copes with a sparse answer: nulls, empty dates, no details', () => {
    const found = equinixTicketToCase({
      id: '1-204976070710',
      status: null,
      createdDateTime: '',
      otherDetails: { category: 'Trouble Services', description: '  ' },
    });
    expect(found).toMatchObject({
      id: '1-204976070710',
      alternateIds: [],
      title: 'Trouble Services',
      status: 'UNKNOWN',
      state: 'open',
      createdAt: undefined,
      fields: [{ label: 'Category', value: 'Trouble Services' }],
      allows: undefined,
    });
  });

  it('keeps card titles to one line of at most 200 characters', () => {
    const found = equinixTicketToCase({
      id: '11150929',
      otherDetails: { description: `First line\nsecond line ${'x'.repeat(300)}` },
    });
    expect(found.title.startsWith('First line second line')).toBe(true);
    expect(found.title).toHaveLength(200);
  });
});

function answer(status: number, body?: unknown, extra: Partial<FailedAnswer> = {}): FailedAnswer {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers: {}, text, json, operation: 'test', ...extra };
}

const eq = (errorCode: string, errorMessage: string) => [
  { errorCode, errorMessage, details: 'more', correlationId: 'c0ffee' },
];

describe('Equinix error answers', () => {
  const now = Date.UTC(2025, 0, 1);

  it('400 and 403: refused, in Equinix words with the EQ code', () => {
    const refused = mapEquinixError(
      answer(400, [
        { errorCode: 'EQ-3040001', errorMessage: 'description: too long' },
        { errorCode: 'EQ-3040001', errorMessage: 'primaryId: required' },
      ]),
      now,
    );
    expect(refused).toBeInstanceOf(VendorRejectedError);
    expect(refused).toMatchObject({
      reason: 'description: too long; primaryId: required (EQ-3040001)',
      vendorCode: 'EQ-3040001',
      httpStatus: 400,
    });
    expect(
      mapEquinixError(answer(403, eq('EQ-3000403', 'Not permitted for this account')), now),
    ).toMatchObject({
      code: 'rejected',
      httpStatus: 403,
      reason: 'Not permitted for this account (EQ-3000403)',
    });
  });

  it('401: unauthorised', () => {
    expect(mapEquinixError(answer(401, eq('EQ-3000001', 'expired')), now)).toBeInstanceOf(
      VendorUnauthorisedError,
    );
  });

  it('404: not found, naming the case', () => {
    const missing = mapEquinixError(answer(404, eq('EQ-3040404', 'No case'), { caseId: '11150929' }), now);
    expect(missing).toBeInstanceOf(CaseNotFoundError);
    expect(missing).toMatchObject({ caseId: '11150929' });
  });

  it('409: cannot be changed in its current state, even without a body', () => {
    const conflict = mapEquinixError(answer(409), now);
    expect(conflict).toBeInstanceOf(CaseConflictError);
    expect(conflict?.message).toMatch(/cannot be changed in its current state/);
  });

  it('429: throttled, with Retry-After when given', () => {
    const withWait = mapEquinixError(
      answer(429, eq('EQ-3000429', 'slow down'), { headers: { 'retry-after': '3' } }),
      now,
    );
    expect(withWait).toBeInstanceOf(VendorThrottledError);
    expect(withWait).toMatchObject({ retryAfterMs: 3_000 });
    expect(mapEquinixError(answer(429), now)).toMatchObject({ code: 'throttled', retryAfterMs: undefined });
  });

  it('5xx: unavailable, whatever the body', () => {
    const down = mapEquinixError(answer(502, '<html>Bad Gateway</html>'), now);
    expect(down).toBeInstanceOf(VendorUnavailableError);
    expect(down?.message).toMatch(/HTTP 502: <html>Bad Gateway<\/html>/);
    expect(
      mapEquinixError(answer(500, { errorCode: 'EQ-5000000', errorMessage: 'Internal' }), now),
    ).toMatchObject({
      code: 'unavailable',
      detail: 'HTTP 500: Internal (EQ-5000000)',
    });
  });
});
