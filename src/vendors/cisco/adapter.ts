/**
 * Cisco Support Case API v3 (read-only): look a case up, refresh many at once through the summary call (30 ids
 * a call), and list cases by contract or by user, walking every page. Opening, annotating and closing Cisco
 * cases needs Cisco's separate, contract-gated Smart Bonding API, so those stay unsupported here.
 *
 * Cisco's gateway answers almost every refusal with HTTP 403 — throttling, bad tokens and business errors alike —
 * so `mapCiscoError` tells them apart by the body and the gateway's error headers.
 */
import type { Case } from '../../domain/case.js';
import {
  CaseNotFoundError,
  InvalidInputError,
  VendorError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import { systemClock } from '../../domain/ports/clock.js';
import type { ListQuery, ListResult, RefreshOutcome } from '../../domain/ports/vendor.js';
import type { Logger } from '../../logging/logger.js';
import { BaseVendorAdapter, truncateForMessage } from '../base-adapter.js';
import type { VendorDeps } from '../deps.js';
import { excerpt, type FailedAnswer, parseRetryAfter, VendorHttpClient } from '../http/client.js';
import { oauthClient } from '../http/oauth.js';
import { encodePath } from '../http/path.js';
import { RateBudget } from '../http/rate-budget.js';
import { ciscoCaseToCase } from './mapper.js';
import {
  CiscoDetailResponse,
  CiscoErrorEnvelope,
  CiscoListResponse,
  CiscoSummaryResponse,
  CiscoTokenResponse,
  parseLenientJson,
} from './schemas.js';

/** The API's documented limits, checked before any call so a person learns what to change. */
export const CISCO_LIMITS = {
  caseIdsPerSummary: 30,
  idsPerList: 10,
  maxRangeDays: 90,
  /** Ours, not Cisco's: a listing this long would spend a large part of the daily quota. */
  maxListPages: 100,
} as const;

const TOKEN_OPERATION = 'token';

export interface CiscoAdapterOptions {
  baseUrl: string;
  /** Absolute URL of the OAuth token endpoint. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  ratePerSecond: number;
  maxConcurrent: number;
  deps: VendorDeps;
  /** How long to stop asking for a token after Cisco refused the credentials (default 5 minutes). */
  tokenRefusalCooldownMs?: number;
}

import { CISCO } from './terms.js';

export class CiscoAdapter extends BaseVendorAdapter {
  protected readonly terms = CISCO;
  private readonly logger: Logger;

  constructor(options: CiscoAdapterOptions) {
    super(createCiscoHttpClient(options));
    this.logger = options.deps.logger;
  }

  async lookup(rawId: string): Promise<Case> {
    const id = this.parseCaseId(rawId);
    const { data } = await this.http.request({
      operation: 'lookup',
      method: 'GET',
      path: encodePath`/case/v3/cases/details/case_id/${id}`,
      schema: CiscoDetailResponse,
      idempotent: true,
      caseId: id,
    });
    if (!data.caseDetail) throw new CaseNotFoundError(this.vendor, id);
    return ciscoCaseToCase(data.caseDetail);
  }

  /**
   * Summaries of up to 30 cases per call. Outcomes come back in the order of `ids`, keyed by the id as given.
   * An id that cannot be a Cisco case number is refused on its own, without asking Cisco, and never sinks the
   * rest of the refresh.
   */
  override async refresh(ids: readonly string[]): Promise<RefreshOutcome[]> {
    const caseIdByInput = new Map<string, string | InvalidInputError>();
    const uniqueIds = new Set<string>();
    for (const input of ids) {
      if (caseIdByInput.has(input)) continue;
      const id = this.tryParseCaseId(input);
      caseIdByInput.set(input, id);
      if (typeof id === 'string') uniqueIds.add(id);
    }

    const results = new Map<string, Case | VendorError>();
    const batches = chunk([...uniqueIds], CISCO_LIMITS.caseIdsPerSummary);
    // All batches are queued at once; the rate budget paces them.
    await Promise.all(
      batches.map(async (batch) => {
        for (const [id, result] of await this.refreshBatch(batch)) results.set(id, result);
      }),
    );

    return ids.map((input): RefreshOutcome => {
      const id = caseIdByInput.get(input);
      if (id instanceof InvalidInputError) {
        return { id: input, ok: false, error: new VendorRejectedError(this.vendor, id.message) };
      }
      const result = id === undefined ? undefined : results.get(id);
      if (result === undefined) {
        return { id: input, ok: false, error: new CaseNotFoundError(this.vendor, input) };
      }
      return result instanceof VendorError
        ? { id: input, ok: false, error: result }
        : { id: input, ok: true, case: result };
    });
  }

  override async list(query: ListQuery): Promise<ListResult> {
    const request = buildListRequest(query);
    const cases = new Map<string, Case>();
    let total = 0;
    let pages = 0;
    let lastIndex = 1;
    for (let pageIndex = 1; pageIndex <= lastIndex; pageIndex++) {
      let data: CiscoListResponse;
      try {
        ({ data } = await this.http.request({
          operation: 'list',
          method: 'GET',
          path: request.path,
          query: { ...request.query, page_index: pageIndex },
          schema: CiscoListResponse,
          idempotent: true,
        }));
      } catch (error) {
        // Cisco may say "no case found" for a search with no match; that is an empty list, not a failure.
        if (pageIndex === 1 && isCaseNotFoundRefusal(error)) return { cases: [], total: 0, pages: 1 };
        throw error;
      }
      pages++;
      const record = data.pagination_response_record;
      if (pageIndex === 1) total = record?.total_records ?? data.cases.length;
      // Continue while page_index < last_index, as each page reports it (cases can come and go mid-walk).
      lastIndex = record?.last_index ?? pageIndex;
      if (lastIndex > CISCO_LIMITS.maxListPages) {
        throw new InvalidInputError(
          `Cisco has ${total} cases for this search (${lastIndex} pages); caseops reads at most ${CISCO_LIMITS.maxListPages} pages. Narrow the dates or filter by status.`,
          'from',
        );
      }
      for (const entry of data.cases) cases.set(entry.case_id, ciscoCaseToCase(entry));
    }
    return { cases: [...cases.values()], total, pages };
  }

  private tryParseCaseId(input: string): string | InvalidInputError {
    try {
      return this.parseCaseId(input);
    } catch (error) {
      if (error instanceof InvalidInputError) return error;
      throw error;
    }
  }

  private async refreshBatch(batch: readonly string[]): Promise<Map<string, Case | VendorError>> {
    const results = new Map<string, Case | VendorError>();
    try {
      const { data } = await this.http.request({
        operation: 'refresh',
        method: 'GET',
        // encodePath would encode the separating commas; the ids are validated digits, each encoded anyway.
        path: `/case/v3/cases/case_ids/${batch.map((id) => encodeURIComponent(id)).join(',')}`,
        schema: CiscoSummaryResponse,
        idempotent: true,
      });
      const byId = new Map(data.cases.map((entry) => [comparableCaseId(entry.case_id), entry]));
      for (const id of batch) {
        const entry = byId.get(comparableCaseId(id));
        results.set(id, entry ? ciscoCaseToCase(entry) : new CaseNotFoundError(this.vendor, id));
      }
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      const noneFound = isCaseNotFoundRefusal(error);
      if (!noneFound) {
        this.logger.warn(
          { vendor: this.vendor, code: error.code, cases: batch.length },
          'a batch of Cisco case summaries failed',
        );
      }
      for (const id of batch) {
        results.set(id, noneFound ? new CaseNotFoundError(this.vendor, id, error.httpStatus) : error);
      }
    }
    return results;
  }
}

/** Cisco case numbers compare as numbers: "0682299374" and "682299374" are the same case. */
function comparableCaseId(id: string): string {
  return id.replace(/^0+(?=\d)/, '');
}

function isCaseNotFoundRefusal(error: unknown): boolean {
  return error instanceof VendorRejectedError && error.vendorCode === 'CASE_NOTFOUND';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

// ---------------------------------------------------------------------------------------------------------
// Listing: validated before anything is sent.

const LIST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,119}$/;
const DAY_MS = 86_400_000;

export interface CiscoListRequest {
  path: string;
  query: Record<string, string>;
}

/** Checks a list query against Cisco's limits and turns it into a path and query. Throws InvalidInputError. */
export function buildListRequest(query: ListQuery): CiscoListRequest {
  const what = query.by === 'contract' ? 'contract' : query.by === 'user' ? 'user' : undefined;
  if (!what) throw new InvalidInputError('List Cisco cases by "contract" or by "user".', 'by');

  const ids = [...new Set((query.ids ?? []).map((id) => id.trim()).filter((id) => id !== ''))];
  if (ids.length === 0) throw new InvalidInputError(`Give at least one ${what} id.`, 'ids');
  if (ids.length > CISCO_LIMITS.idsPerList) {
    throw new InvalidInputError(
      `Cisco accepts at most ${CISCO_LIMITS.idsPerList} ${what} ids at a time; ${ids.length} were given.`,
      'ids',
    );
  }
  for (const id of ids) {
    if (!LIST_ID_PATTERN.test(id)) {
      throw new InvalidInputError(
        `"${truncateForMessage(id)}" is not a Cisco ${what} id: use letters, digits, dots, dashes, underscores or @.`,
        'ids',
      );
    }
  }

  const params: Record<string, string> = {};
  if (query.status !== undefined) {
    if (query.status !== 'open' && query.status !== 'closed') {
      throw new InvalidInputError('Status must be "open" or "closed".', 'status');
    }
    params.status_flag = query.status === 'open' ? 'O' : 'C';
  }

  if (query.from !== undefined || query.to !== undefined) {
    if (query.from === undefined || query.to === undefined) {
      throw new InvalidInputError(
        'Give both a start and an end date (YYYY-MM-DD), or neither.',
        query.from === undefined ? 'from' : 'to',
      );
    }
    const from = parseCalendarDate(query.from, 'from');
    const to = parseCalendarDate(query.to, 'to');
    if (from > to) {
      throw new InvalidInputError(`The start date ${query.from} is after the end date ${query.to}.`, 'from');
    }
    // Counted inclusively: 1 March to 30 May is 91 days, over Cisco's 90-day limit.
    const days = Math.round((to - from) / DAY_MS) + 1;
    if (days > CISCO_LIMITS.maxRangeDays) {
      throw new InvalidInputError(
        `Cisco searches at most ${CISCO_LIMITS.maxRangeDays} days at a time; ${query.from} to ${query.to} covers ${days} days.`,
        'to',
      );
    }
    params.date_created_from = `${query.from}T00:00:00Z`;
    params.date_created_to = `${query.to}T23:59:59Z`;
  }

  const joined = ids.map((id) => encodeURIComponent(id)).join(',');
  const path =
    what === 'contract'
      ? `/case/v3/cases/contracts/contract_ids/${joined}`
      : `/case/v3/cases/users/user_ids/${joined}`;
  return { path, query: params };
}

/** A real calendar date written YYYY-MM-DD, as epoch milliseconds at UTC midnight. */
function parseCalendarDate(text: string, field: 'from' | 'to'): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const label = field === 'from' ? 'start' : 'end';
  const problem = new InvalidInputError(
    `The ${label} date "${truncateForMessage(text)}" is not a date: use YYYY-MM-DD, e.g. 2024-03-01.`,
    field,
  );
  if (!match) throw problem;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = Date.UTC(year, month - 1, day);
  const check = new Date(at);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw problem;
  }
  return at;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP: token, budget and the reading of Cisco's refusals.

function createCiscoHttpClient(options: CiscoAdapterOptions): VendorHttpClient {
  const { deps } = options;
  const clock = deps.clock ?? systemClock;
  const shared = {
    vendor: 'cisco' as const,
    timeoutMs: options.timeoutMs,
    clock,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    onCall: deps.onCall,
    retry: deps.retry,
    parseBody: parseLenientJson,
    mapError: (answer: FailedAnswer) => mapCiscoError(answer, clock.now()),
  };

  const auth = oauthClient({
    vendor: CISCO.id,
    vendorName: CISCO.name,
    baseUrl: options.tokenUrl,
    timeoutMs: options.timeoutMs,
    refusalCooldownMs: options.tokenRefusalCooldownMs,
    mapError: shared.mapError,
    parseBody: shared.parseBody,
    token: {
      path: options.tokenUrl,
      body: {
        form: {
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
        },
      },
      schema: CiscoTokenResponse,
      read: (answer) => ({ accessToken: answer.access_token, expiresInSeconds: answer.expires_in }),
    },
    deps,
  });

  const budget = new RateBudget({
    ratePerSecond: options.ratePerSecond,
    maxConcurrent: options.maxConcurrent,
    clock,
  });
  return new VendorHttpClient({
    ...shared,
    baseUrl: options.baseUrl,
    budget,
    auth,
    inspectSuccess: (answer) => {
      const error = readErrorEnvelope(answer);
      // The client pauses the budget only for throttling it sees in a non-2xx answer.
      if (error instanceof VendorThrottledError) budget.pause(clock.now() + (error.retryAfterMs ?? 1_000));
      return error;
    },
  });
}

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
  if (/CASE_API_FORBIDDEN/.test(haystack)) {
    return new VendorUnauthorisedError(
      'cisco',
      "this API client may not use the Case API (CASE_API_FORBIDDEN); ask your organisation's Cisco delegated administrator to grant it",
      status,
    );
  }
  if (/Account Inactive|DEVELOPER_INACTIVE/i.test(haystack)) {
    return new VendorUnauthorisedError(
      'cisco',
      'the API client is inactive or not yet approved (Account Inactive)',
      status,
    );
  }
  if (/Not Authori[sz]ed|NOT_AUTHORIZED/i.test(haystack)) {
    return new VendorUnauthorisedError('cisco', 'the access token was not accepted (Not Authorized)', status);
  }
  if (/\bForbidden\b/i.test(haystack)) {
    return new VendorUnauthorisedError(
      'cisco',
      'the API client has no permission for this method (Forbidden)',
      status,
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
