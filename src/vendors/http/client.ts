/**
 * The one HTTP client every vendor adapter uses (undici). It owns what all vendors share:
 * - a timeout on every call;
 * - the vendor's rate budget and concurrency limit (RateBudget);
 * - retries with exponential backoff and full jitter, only for idempotent reads, only on network errors, 5xx
 *   and throttling, honouring Retry-After; writes are never repeated here;
 * - one token refresh and one retry on a 401 (the vendor did not act on an unauthorised request);
 * - mapping of answers to typed errors, with a vendor hook for its own quirks;
 * - the health the Slack layer and /readyz report.
 * It never logs headers or bodies; a failed call's error (which may quote the vendor's answer) is logged through
 * redaction, and its health keeps the code and status people are shown.
 */
import { type Dispatcher, request as undiciRequest } from 'undici';
import type { z } from 'zod';
import type { VendorId } from '../../domain/case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  VendorBusyError,
  type VendorError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import { type Clock, systemClock } from '../../domain/ports/clock.js';
import type { VendorHealth } from '../../domain/ports/vendor.js';
import { type Logger, redactText } from '../../logging/logger.js';
import { ATTR, type SpanHandle, type Tracing } from '../../observability/tracing.js';
import type { Authorization, AuthStrategy } from './auth.js';
import { BudgetRefusal, type RateBudget } from './rate-budget.js';
import { currentRequester, POLLER } from './requester.js';
import { maskSentCredentials, maskSentCredentialsIn, rememberSentCredentials } from './sent-credentials.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestBody =
  | { json: unknown; contentType?: string }
  | { form: Record<string, string> }
  | { raw: string; contentType: string };

export interface VendorRequest<T> {
  /** Names the operation in logs and metrics: "lookup", "open", "token", … */
  operation: string;
  method: HttpMethod;
  /** Built with encodePath so parameters are encoded. May be absolute (token endpoints on another host). */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Validates a successful body. Without it the body is read and ignored. */
  schema?: z.ZodType<T>;
  /** Safe to repeat: retried on network errors, 5xx and throttling. Writes must say false. */
  idempotent: boolean;
  /** Skip the auth strategy (token endpoints). */
  anonymous?: boolean;
  /** The case the call is about, so a 404 becomes "case X not found". */
  caseId?: string;
  signal?: AbortSignal;
}

export interface VendorResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

export interface FailedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  operation: string;
  caseId?: string;
}

export interface RetryPolicy {
  /** Total attempts for an idempotent call, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the caller gets a throttled error at once. */
  maxRetryAfterMs: number;
}

export interface CallEvent {
  vendor: VendorId;
  operation: string;
  outcome: 'ok' | VendorError['code'];
  durationMs: number;
  status?: number;
}

export interface VendorHttpOptions {
  vendor: VendorId;
  baseUrl: string;
  timeoutMs: number;
  budget: RateBudget;
  auth?: AuthStrategy;
  /** Vendor-specific reading of a non-2xx answer; return undefined to fall back to the default mapping. */
  mapError?: (answer: FailedAnswer) => VendorError | undefined;
  /** Vendor-specific check of a 2xx answer (error envelopes in a 200); return an error to fail the call. */
  inspectSuccess?: (answer: FailedAnswer) => VendorError | undefined;
  /**
   * Reads a response body (default JSON.parse). For vendors whose answers are not always strict JSON; throwing
   * means "not readable" and is treated like any unparseable body.
   */
  parseBody?: (text: string) => unknown;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  dispatcher?: Dispatcher;
  logger?: Logger;
  onCall?: (event: CallEvent) => void;
  /** One client span per call (retries are events on it); vendor, operation, case id and status only. */
  tracing?: Tracing;
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function tryParseJson(text: string, parse: (text: string) => unknown = JSON.parse): unknown {
  if (!text) return undefined;
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of a vendor's answer for an error message. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export class VendorHttpClient {
  readonly vendor: VendorId;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private lastSuccessAt?: number;
  private lastError?: { code: string; message: string; at: number; httpStatus?: number };

  constructor(private readonly options: VendorHttpOptions) {
    this.vendor = options.vendor;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  async request<T = unknown>(req: VendorRequest<T>): Promise<VendorResponse<T>> {
    const tracing = this.options.tracing;
    if (!tracing?.enabled) return this.attempt(req);
    return tracing.inSpan(
      `${this.vendor} ${req.operation}`,
      {
        kind: 'client',
        attributes: {
          [ATTR.vendor]: this.vendor,
          [ATTR.operation]: req.operation,
          [ATTR.caseId]: req.caseId,
          [ATTR.httpMethod]: req.method,
          [ATTR.serverAddress]: hostOf(req.path, this.options.baseUrl),
        },
      },
      async (span) => {
        const response = await this.attempt(req, span);
        span.setAttributes({ [ATTR.httpStatus]: response.status, [ATTR.outcome]: 'ok' });
        return response;
      },
    );
  }

  private async attempt<T>(req: VendorRequest<T>, span?: SpanHandle): Promise<VendorResponse<T>> {
    const attempts = req.idempotent ? Math.max(1, this.retry.attempts) : 1;
    let authRetried = false;
    const requester = currentRequester();
    for (let attempt = 1; ; attempt++) {
      const started = this.clock.now();
      // A person's timeout counts from when the call joins the queue: they wait for the answer, not for the
      // HTTP exchange alone. The poller's sweeps queue by design and keep the timeout for the exchange.
      const deadlineAt =
        requester !== undefined && requester !== POLLER ? started + this.options.timeoutMs : undefined;
      try {
        // Authorise before taking a budget slot: a token fetch may itself need the vendor, and holding a slot
        // while waiting for it would deadlock a budget with few slots.
        const authorization = req.anonymous ? undefined : await this.options.auth?.authorize();
        const response = await this.options.budget
          .run(() => this.once(req, authorization, deadlineAt), { signal: req.signal, requester, deadlineAt })
          .catch((caught: unknown) => {
            // Refused by caseops' own budget before anything was sent: said at once, never retried here.
            if (!(caught instanceof BudgetRefusal)) throw caught;
            throw new VendorBusyError(
              this.vendor,
              req.operation,
              caught.waitMs,
              caught.reason === 'person-queue-full',
            );
          });
        this.lastSuccessAt = this.clock.now();
        this.options.onCall?.({
          vendor: this.vendor,
          operation: req.operation,
          outcome: 'ok',
          durationMs: this.clock.now() - started,
          status: response.status,
        });
        return response;
      } catch (caught) {
        if (caught instanceof VendorBusyError) throw caught;
        const error = caught as VendorError | UnauthorisedAttempt;
        if (error instanceof UnauthorisedAttempt) {
          // One refresh and one more try; the vendor did not act on a request it refused as unauthorised.
          if (error.refreshable && !authRetried) {
            authRetried = true;
            span?.addEvent('retry', {
              attempt,
              [ATTR.errorType]: error.error.code,
              'retry.reason': 'token refreshed',
            });
            attempt--;
            continue;
          }
          this.fail(req, error.error, started);
          span?.setAttributes({
            [ATTR.outcome]: error.error.code,
            [ATTR.httpStatus]: error.error.httpStatus,
          });
          throw error.error;
        }
        this.fail(req, error, started);
        span?.setAttributes({ [ATTR.outcome]: error.code, [ATTR.httpStatus]: error.httpStatus });
        const delay = this.retryDelay(req, error, attempt, attempts);
        if (delay === undefined) throw error;
        span?.addEvent('retry', { attempt, 'retry.delay_ms': delay, [ATTR.errorType]: error.code });
        this.options.logger?.debug(
          { vendor: this.vendor, operation: req.operation, attempt, delayMs: delay, code: error.code },
          'retrying vendor call',
        );
        await this.clock.sleep(delay, req.signal);
      }
    }
  }

  health(): VendorHealth {
    const pausedUntil = this.options.budget.pausedUntilMs();
    const stats = this.options.budget.stats();
    return {
      vendor: this.vendor,
      lastSuccessAt: this.lastSuccessAt ? new Date(this.lastSuccessAt).toISOString() : undefined,
      lastError: this.lastError
        ? { ...this.lastError, at: new Date(this.lastError.at).toISOString() }
        : undefined,
      throttledUntil: pausedUntil ? new Date(pausedUntil).toISOString() : undefined,
      budget: {
        ratePerSecond: this.options.budget.ratePerSecond,
        maxConcurrent: this.options.budget.maxConcurrent,
        ...stats,
      },
    };
  }

  private fail(req: VendorRequest<unknown>, error: VendorError, started: number): void {
    // A vendor's error text may echo a credential back; people are shown only the code and status.
    const message = redactText(error.message);
    this.lastError = {
      code: error.code,
      message,
      at: this.clock.now(),
      ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
    };
    // A case that does not exist is an answer, not a vendor problem.
    const level = error.code === 'not_found' ? 'debug' : 'warn';
    this.options.logger?.[level](
      { vendor: this.vendor, operation: req.operation, code: error.code, status: error.httpStatus, message },
      'vendor call failed',
    );
    this.options.onCall?.({
      vendor: this.vendor,
      operation: req.operation,
      outcome: error.code,
      durationMs: this.clock.now() - started,
      status: error.httpStatus,
    });
  }

  /** Milliseconds to wait before the next attempt, or undefined when the error is final. */
  private retryDelay(
    req: VendorRequest<unknown>,
    error: VendorError,
    attempt: number,
    attempts: number,
  ): number | undefined {
    if (!req.idempotent || attempt >= attempts || !error.retryable) return undefined;
    if (error instanceof VendorThrottledError && error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= this.retry.maxRetryAfterMs ? error.retryAfterMs : undefined;
    }
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.random() * ceiling);
  }

  private url(req: VendorRequest<unknown>): string {
    // Relative paths keep the base URL's own path prefix (Junos Space and Motadata run on customers' servers).
    const absolute = /^https?:\/\//.test(req.path);
    const url = new URL(absolute ? req.path : this.options.baseUrl.replace(/\/+$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async once<T>(
    req: VendorRequest<T>,
    authorization?: Authorization,
    deadlineAt?: number,
  ): Promise<VendorResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body && 'json' in req.body) {
      body = JSON.stringify(req.body.json);
      headers['content-type'] ??= req.body.contentType ?? 'application/json';
    } else if (req.body && 'form' in req.body) {
      body = new URLSearchParams(req.body.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.body) {
      body = req.body.raw;
      headers['content-type'] ??= req.body.contentType;
    }

    if (authorization) Object.assign(headers, authorization.headers);
    rememberSentCredentials(headers, req.body);

    // What is left of the timeout after the queue (the whole of it when the call has no deadline).
    const remainingMs =
      deadlineAt === undefined ? this.options.timeoutMs : Math.max(1, deadlineAt - this.clock.now());
    const timeout = AbortSignal.timeout(remainingMs);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    const sent = req.method !== 'GET';
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await undiciRequest(this.url(req), {
        method: req.method,
        headers,
        body,
        signal,
        headersTimeout: remainingMs,
        bodyTimeout: remainingMs,
        dispatcher: this.options.dispatcher,
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      const timedOut = timeout.aborted || (error as { code?: string }).code?.includes('TIMEOUT');
      throw new VendorUnavailableError(
        this.vendor,
        timedOut ? `no answer within ${this.options.timeoutMs} ms` : `network error (${networkCode(error)})`,
        undefined,
        sent,
      );
    }

    const json = tryParseJson(text, this.options.parseBody);
    const answer: FailedAnswer = {
      status,
      headers: responseHeaders,
      text,
      json,
      operation: req.operation,
      caseId: req.caseId,
    };
    this.options.logger?.debug(
      { vendor: this.vendor, operation: req.operation, method: req.method, status },
      'vendor call answered',
    );

    // Errors quote the vendor's words, and a vendor may quote what it was sent: never a credential.
    const quotable = (): FailedAnswer => ({
      ...answer,
      text: maskSentCredentials(text),
      json: maskSentCredentialsIn(json),
    });
    if (status < 200 || status >= 300) {
      const shown = quotable();
      const error = this.options.mapError?.(shown) ?? this.defaultError(shown);
      if (error instanceof VendorThrottledError) {
        this.options.budget.pause(this.clock.now() + (error.retryAfterMs ?? 1_000));
      }
      if (error instanceof VendorUnauthorisedError && authorization) {
        authorization.refused();
        throw new UnauthorisedAttempt(error, authorization.refreshable);
      }
      throw error;
    }

    const envelopeError = this.options.inspectSuccess?.(quotable());
    if (envelopeError) throw envelopeError;

    if (!req.schema) return { status, headers: responseHeaders, data: undefined as T };
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw new VendorUnavailableError(
        this.vendor,
        json === undefined
          ? 'an answer that is not JSON'
          : `an unexpected answer${where}: ${issue?.message ?? 'invalid'}`,
        status,
        sent,
      );
    }
    return { status, headers: responseHeaders, data: parsed.data };
  }

  private defaultError(answer: FailedAnswer): VendorError {
    const reason = excerpt(answer.text) || `HTTP ${answer.status}`;
    switch (true) {
      case answer.status === 401:
        return new VendorUnauthorisedError(this.vendor, reason, 401);
      case answer.status === 404 && answer.caseId !== undefined:
        return new CaseNotFoundError(this.vendor, answer.caseId, 404);
      case answer.status === 409:
        return new CaseConflictError(this.vendor, reason, 409);
      case answer.status === 429:
        return new VendorThrottledError(
          this.vendor,
          parseRetryAfter(answer.headers['retry-after'], this.clock.now()),
          429,
        );
      case answer.status >= 500:
        return new VendorUnavailableError(this.vendor, `HTTP ${answer.status}: ${reason}`, answer.status);
      default:
        return new VendorRejectedError(this.vendor, reason, answer.status);
    }
  }
}

/** Internal: a 401 the client may answer with one token refresh. */
class UnauthorisedAttempt {
  constructor(
    readonly error: VendorUnauthorisedError,
    readonly refreshable: boolean,
  ) {}
}

/** The host a call goes to, for the span: never the path or the query string. */
function hostOf(path: string, baseUrl: string): string | undefined {
  try {
    return new URL(/^https?:\/\//.test(path) ? path : baseUrl).hostname;
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string {
  const code = (error as { code?: string; cause?: { code?: string } }).code;
  return code ?? (error as { cause?: { code?: string } }).cause?.code ?? 'connection failed';
}
