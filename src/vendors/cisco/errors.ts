/**
 * Reading Cisco's refusals. The gateway answers almost every refusal with HTTP 403 — throttling, bad tokens and
 * business errors alike — and some answers are HTTP 200 with an error envelope, so these tell them apart by the
 * body and the gateway's error headers.
 */
import {
  CaseNotFoundError,
  type VendorError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import { excerpt, type FailedAnswer, parseRetryAfter } from '../http/wire.js';
import { CiscoErrorEnvelope } from './schemas.js';

/** The operation name the OAuth client gives token calls. */
export const TOKEN_OPERATION = 'token';

interface ThrottleSign {
  pattern: RegExp;
  detail: string;
  /** How long to hold every call when Cisco does not say (it rarely sends Retry-After with a 403). */
  defaultWaitMs: number;
}

/** The gateway's texts (doc) and its error-code headers (`ERR_403_DEVELOPER_OVER_QPS`, inferred). */
const THROTTLE_SIGNS: ThrottleSign[] = [
  {
    pattern: /Account Over Queries Per Second Limit|OVER_QPS/i,
    detail: 'over the per-second limit',
    defaultWaitMs: 1_000,
  },
  {
    pattern: /Account Over Rate Limit|OVER_RATE/i,
    detail: 'over the account quota for the period',
    defaultWaitMs: 60_000,
  },
  { pattern: /Rate Limit Exceeded/i, detail: 'the service is over capacity', defaultWaitMs: 10_000 },
];

/** Plain words for Cisco's business error codes (doc, "Error Codes"). */
const REJECTION_REASONS: Record<string, string> = {
  INVALID_USERID: 'a user id is not known to Cisco',
  INVALID_SORT_OPTION: 'the sort order is not one Cisco supports',
  MISSING_INPUTS: 'a required search value is missing',
  INVALID_DATEFORMAT: 'a date is not in the format Cisco expects',
  INVALID_STATUSFLAG: 'the status filter must be open or closed',
  INVALID_DATERANGE: 'the date range is not valid (at most 90 days, start before end)',
  INVALID_CUSTOMERID: 'a customer id is not valid or not linked to this user',
  EXCEEDED_CASEIDS: 'too many case ids in one request (at most 30)',
  EXCEEDED_CONTRACTIDS: 'too many contract ids in one request (at most 10)',
  EXCEEDED_INPUTS: 'too many contract or user ids in one request',
  EXCEEDED_USERIDS: 'too many user ids in one request (at most 10)',
  EXCEEDED_BILLTOIDS: 'too many bill-to customer ids in one request (at most 5)',
  CASE_NOTFOUND: 'no case matches the request',
};

const BUSINESS_CODE = /\b(CASE_NOTFOUND|MISSING_INPUTS|(?:INVALID|EXCEEDED)_[A-Z_]+)\b/;

interface Refusal {
  /** Everything that may name the error: gateway headers and the body. */
  haystack: string;
  description?: string;
}

function readRefusal(answer: FailedAnswer): Refusal {
  const headers = ['x-error-detail-header', 'x-mashery-error-code'].flatMap((name) => {
    const value = answer.headers[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  });
  const envelope = CiscoErrorEnvelope.safeParse(answer.json);
  const first = envelope.success ? envelope.data.ErrorResponse.APIError[0] : undefined;
  return { haystack: [...headers, answer.text].join('\n'), description: first?.ErrorDescription };
}

/**
 * Reads one of Cisco's refusals. Returns undefined where the client's default mapping is right (401, other
 * 4xx with nothing recognisable).
 */
export function mapCiscoError(answer: FailedAnswer, now: number): VendorError | undefined {
  if (answer.operation === TOKEN_OPERATION) return mapTokenRefusal(answer);
  const refusal = readRefusal(answer);
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);

  const throttle = THROTTLE_SIGNS.find((sign) => sign.pattern.test(refusal.haystack));
  if (throttle) {
    return new VendorThrottledError(
      'cisco',
      retryAfterMs ?? throttle.defaultWaitMs,
      answer.status,
      throttle.detail,
    );
  }
  if (answer.status === 429) {
    return new VendorThrottledError('cisco', retryAfterMs ?? 1_000, 429, 'HTTP 429');
  }
  if (answer.status === 596) {
    return new VendorRejectedError(
      'cisco',
      'Cisco could not route the request (Service Not Found); the input probably contained spaces',
      596,
      'SERVICE_NOT_FOUND',
    );
  }
  if (answer.status >= 500) {
    const code = /\b(API_UNAVAILABLE|UNKNOWN_FAILURE|SYSTEM_ERROR)\b/.exec(refusal.haystack)?.[1];
    return new VendorUnavailableError(
      'cisco',
      `HTTP ${answer.status}${code ? ` ${code}` : ''}: ${excerpt(answer.text, 200) || 'no detail'}`,
      answer.status,
    );
  }
  if (answer.status === 404) {
    // Cisco's 404 is API_UNAVAILABLE (the service is not deployed), never "no such case" (that is a 403).
    return new VendorUnavailableError('cisco', 'the Case API is not available (HTTP 404)', 404);
  }
  if (answer.status === 403) return classifyRefusal(refusal, 403, answer.caseId);
  return undefined;
}

/** A 200 carrying `{"ErrorResponse":{"APIError":[…]}}` is a failure. */
export function readErrorEnvelope(answer: FailedAnswer): VendorError | undefined {
  const envelope = CiscoErrorEnvelope.safeParse(answer.json);
  if (!envelope.success || envelope.data.ErrorResponse.APIError.length === 0) return undefined;
  const refusal = readRefusal(answer);
  const throttle = THROTTLE_SIGNS.find((sign) => sign.pattern.test(refusal.haystack));
  if (throttle)
    return new VendorThrottledError('cisco', throttle.defaultWaitMs, answer.status, throttle.detail);
  const first = envelope.data.ErrorResponse.APIError[0];
  return (
    classifyRefusal(refusal, answer.status, answer.caseId) ??
    new VendorRejectedError(
      'cisco',
      first?.ErrorDescription ?? first?.ErrorCode ?? 'Cisco answered with an error',
      answer.status,
      first?.ErrorCode,
    )
  );
}

function classifyRefusal(refusal: Refusal, status: number, caseId?: string): VendorError | undefined {
  const { haystack } = refusal;
  const code = BUSINESS_CODE.exec(haystack)?.[1];
  if (code === 'CASE_NOTFOUND' && caseId !== undefined) return new CaseNotFoundError('cisco', caseId, status);
  if (code) {
    const reason = REJECTION_REASONS[code] ?? refusal.description ?? `Cisco refused a value (${code})`;
    return new VendorRejectedError('cisco', reason, status, code);
  }
  // The token was good: these refuse the client itself, so a new token would be refused the same way.
  if (/CASE_API_FORBIDDEN/.test(haystack)) {
    return new VendorRejectedError(
      'cisco',
      "this API client may not use the Case API; ask your organisation's Cisco delegated administrator to grant it access",
      status,
      'CASE_API_FORBIDDEN',
    );
  }
  if (/Account Inactive|DEVELOPER_INACTIVE/i.test(haystack)) {
    return new VendorRejectedError(
      'cisco',
      'the API client is inactive or not yet approved at Cisco; ask the owner of the API key to have it activated',
      status,
      'ACCOUNT_INACTIVE',
    );
  }
  if (/Not Authori[sz]ed|NOT_AUTHORIZED/i.test(haystack)) {
    return new VendorUnauthorisedError('cisco', 'the access token was not accepted (Not Authorized)', status);
  }
  if (/\bForbidden\b/i.test(haystack)) {
    return new VendorRejectedError(
      'cisco',
      'this API client has no permission for this request; ask Cisco to grant it',
      status,
      'FORBIDDEN',
    );
  }
  return undefined;
}

/**
 * The token endpoint's refusal, in its OAuth words only: the raw body is never quoted, so nothing the request
 * carried (the client secret) can reach a message or a log line.
 */
function mapTokenRefusal(answer: FailedAnswer): VendorError | undefined {
  if (answer.status !== 400 && answer.status !== 401 && answer.status !== 403) return undefined;
  const body = (answer.json ?? {}) as Record<string, unknown>;
  const code =
    typeof body.error === 'string'
      ? body.error
      : typeof body.errorCode === 'string'
        ? body.errorCode
        : undefined;
  const description =
    typeof body.error_description === 'string'
      ? body.error_description
      : typeof body.errorSummary === 'string'
        ? body.errorSummary
        : undefined;
  const detail = [code, description].filter(Boolean).join(': ') || `HTTP ${answer.status}`;
  return new VendorUnauthorisedError(
    'cisco',
    `the token endpoint refused the client id and secret (${excerpt(detail, 160)}); check CISCO_CLIENT_ID and CISCO_CLIENT_SECRET`,
    answer.status,
  );
}
