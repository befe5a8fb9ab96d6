import { describe, expect, it } from 'vitest';
import {
  CaseNotFoundError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../../src/domain/errors.js';
import { mapCiscoError, readErrorEnvelope } from '../../../src/vendors/cisco/errors.js';
import { ciscoCaseState, ciscoCaseToCase, formatCiscoSeverity } from '../../../src/vendors/cisco/mapper.js';
import { CiscoCase, parseLenientJson } from '../../../src/vendors/cisco/schemas.js';
import type { FailedAnswer } from '../../../src/vendors/http/wire.js';

describe('Cisco status → state', () => {
  it.each([
    ['Cisco Pending', 'O', 'waiting-on-vendor'],
    ['Customer Pending', 'O', 'waiting-on-customer'],
    ['Close Pending', 'O', 'resolved'],
    ['Closed', 'C', 'closed'],
    ['Cisco Release Pending', 'O', 'waiting-on-vendor'],
    ['Service Order Pending', 'O', 'waiting-on-vendor'],
    ['  customer   pending ', 'O', 'waiting-on-customer'],
    ['Awaiting Parts', 'O', 'open'],
    ['Awaiting Parts', undefined, 'open'],
    ['Archived', 'C', 'closed'],
    ['Archived', 'c', 'closed'],
  ] as const)('%s (flag %s) is %s', (status, flag, state) => {
    expect(ciscoCaseState(status, flag)).toBe(state);
  });
});

describe('Cisco case mapping', () => {
  it.each([
    ['3', 'Sev 3'],
    [' 1 ', 'Sev 1'],
    ['S2', 'Sev 2'],
    ['Severity 4', 'Sev 4'],
    ['Urgent', 'Urgent'],
    [undefined, undefined],
  ])('shows severity %s as %s', (raw, shown) => {
    expect(formatCiscoSeverity(raw)).toBe(shown);
  });

  it('accepts severity and case id as numbers, and reads zone-less dates as UTC', () => {
    const record = CiscoCase.parse({
      case_id: 682299374,
      status: 'Cisco Pending',
      severity: 1,
      title: null,
      creation_date: '2024-05-09 20:08:45',
      rmas: '800123456',
      bugs: [{ bug_id: 'CSCvx12345' }],
    });
    const mapped = ciscoCaseToCase(record);
    expect(mapped).toMatchObject({
      id: '682299374',
      severity: 'Sev 1',
      title: 'Cisco case 682299374',
      createdAt: '2024-05-09T20:08:45.000Z',
      notes: [],
    });
    expect(mapped.fields).toEqual([
      { label: 'RMAs', value: '800123456' },
      { label: 'Bugs', value: 'CSCvx12345' },
    ]);
  });

  it('requires a numeric case id and a status', () => {
    expect(CiscoCase.safeParse({ case_id: '../x', status: 'Closed' }).success).toBe(false);
    expect(CiscoCase.safeParse({ case_id: '682299374' }).success).toBe(false);
  });

  it('orders notes newest first, undated last, and joins a heading to its detail', () => {
    const mapped = ciscoCaseToCase(
      CiscoCase.parse({
        case_id: '682299374',
        status: 'Closed',
        notes: [
          { note: '', note_detail: 'undated', created_by: 'A' },
          { note: 'Update', note_detail: 'older', creation_date: '2024-01-01T00:00:00Z' },
          { note: '', note_detail: 'newer', creation_date: '2024-02-01T00:00:00Z' },
          { note: '', note_detail: '', creation_date: '2024-03-01T00:00:00Z' },
        ],
      }),
    );
    expect(mapped.notes.map((n) => n.text)).toEqual(['newer', 'Update\nolder', 'undated']);
  });
});

describe('lenient JSON', () => {
  it('repairs a trailing comma and a missing comma', () => {
    expect(parseLenientJson('{"a": [1, 2,], "b": {"c": "x",},}')).toEqual({ a: [1, 2], b: { c: 'x' } });
    expect(parseLenientJson('{"a": "x"\n "b": 2\n "c": {"d": true}\n "e": [1]}')).toEqual({
      a: 'x',
      b: 2,
      c: { d: true },
      e: [1],
    });
  });

  it('leaves valid JSON alone, commas and quotes inside strings included', () => {
    const text = '{"a": "x,}\\" \\"y", "b": "[1,]"}';
    expect(parseLenientJson(text)).toEqual(JSON.parse(text));
  });

  it('still refuses a truncated body', () => {
    expect(() => parseLenientJson('{"truncated": ')).toThrow();
    expect(() => parseLenientJson('<html>')).toThrow();
  });
});

function answer(overrides: Partial<FailedAnswer>): FailedAnswer {
  const text = overrides.text ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: 403, headers: {}, text, json, operation: 'lookup', ...overrides };
}

const envelope = (code: string, description = 'described') =>
  JSON.stringify({ ErrorResponse: { APIError: [{ ErrorCode: code, ErrorDescription: description }] } });

describe('reading Cisco refusals', () => {
  const now = Date.parse('2024-05-01T00:00:00Z');

  it('knows throttling from the gateway headers alone', () => {
    const error = mapCiscoError(
      answer({
        headers: { 'x-mashery-error-code': 'ERR_403_DEVELOPER_OVER_QPS' },
        text: '<h1>Developer Over Qps</h1>',
      }),
      now,
    );
    expect(error).toBeInstanceOf(VendorThrottledError);
    expect((error as VendorThrottledError).retryAfterMs).toBe(1000);
  });

  it('honours Retry-After on a 403 throttle and uses a long default for the rate limit', () => {
    expect(
      mapCiscoError(
        answer({ text: 'Account Over Queries Per Second Limit', headers: { 'retry-after': '3' } }),
        now,
      ),
    ).toMatchObject({ retryAfterMs: 3000 });
    expect(mapCiscoError(answer({ text: '<h1>Account Over Rate Limit</h1>' }), now)).toMatchObject({
      code: 'throttled',
      retryAfterMs: 60_000,
    });
    expect(mapCiscoError(answer({ text: 'Rate Limit Exceeded' }), now)).toMatchObject({ code: 'throttled' });
    expect(mapCiscoError(answer({ status: 429, text: '' }), now)).toMatchObject({
      code: 'throttled',
      retryAfterMs: 1000,
    });
  });

  it('tells business 403s apart by code', () => {
    expect(
      mapCiscoError(answer({ text: envelope('CASE_NOTFOUND'), caseId: '682299374' }), now),
    ).toBeInstanceOf(CaseNotFoundError);
    expect(mapCiscoError(answer({ text: envelope('MISSING_INPUTS') }), now)).toMatchObject({
      code: 'rejected',
      vendorCode: 'MISSING_INPUTS',
      reason: 'a required search value is missing',
    });
    expect(
      mapCiscoError(answer({ text: envelope('INVALID_SOMETHING_NEW', 'Cisco words') }), now),
    ).toMatchObject({
      vendorCode: 'INVALID_SOMETHING_NEW',
      reason: 'Cisco words',
    });
    expect(mapCiscoError(answer({ text: 'INVALID_USERID AUTHENTICATION_ERROR' }), now)).toMatchObject({
      code: 'rejected',
      vendorCode: 'INVALID_USERID',
    });
    expect(mapCiscoError(answer({ text: '<h1>Not Authorized</h1>' }), now)).toBeInstanceOf(
      VendorUnauthorisedError,
    );
    expect(mapCiscoError(answer({ text: 'Unknown Referrer' }), now)).toBeUndefined();
  });

  it('maps 596 to a rejection and 5xx and 404 to unavailable', () => {
    expect(mapCiscoError(answer({ status: 596, text: 'Service Not Found' }), now)).toBeInstanceOf(
      VendorRejectedError,
    );
    const bad = mapCiscoError(answer({ status: 500, text: 'API_UNAVAILABLE' }), now);
    expect(bad).toBeInstanceOf(VendorUnavailableError);
    expect(bad?.message).toMatch(/API_UNAVAILABLE/);
    expect(mapCiscoError(answer({ status: 504, text: 'Gateway Timeout' }), now)).toBeInstanceOf(
      VendorUnavailableError,
    );
    expect(
      mapCiscoError(answer({ status: 404, text: 'API_UNAVAILABLE', caseId: '682299374' }), now),
    ).toBeInstanceOf(VendorUnavailableError);
  });

  it('words a token refusal from the OAuth fields only', () => {
    const error = mapCiscoError(
      answer({
        status: 401,
        operation: 'token',
        text: JSON.stringify({
          error: 'invalid_client',
          error_description: 'Bad',
          echo: 'client_secret=s3cr3t',
        }),
      }),
      now,
    );
    expect(error).toBeInstanceOf(VendorUnauthorisedError);
    expect(error?.message).toMatch(/invalid_client: Bad/);
    expect(error?.message).not.toMatch(/s3cr3t/);
    expect(mapCiscoError(answer({ status: 503, operation: 'token' }), now)).toBeUndefined();
  });

  it('finds an error envelope in a 200 and ignores an ordinary body', () => {
    expect(
      readErrorEnvelope(answer({ status: 200, text: envelope('CASE_NOTFOUND'), caseId: '682299374' })),
    ).toBeInstanceOf(CaseNotFoundError);
    expect(readErrorEnvelope(answer({ status: 200, text: envelope('SOMETHING', 'it broke') }))).toMatchObject(
      {
        code: 'rejected',
        reason: 'it broke',
        vendorCode: 'SOMETHING',
      },
    );
    expect(readErrorEnvelope(answer({ status: 200, text: '{"cases":[],"count":0}' }))).toBeUndefined();
  });
});
