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
import { undiciRequest } from '../../http/undici.js';
import { redactText } from '../../logging/logger.js';
import { ATTR, type SpanHandle } from '../../observability/tracing.js';
import type { Authorization } from './auth.js';
import { BudgetRefusal } from './rate-budget.js';
import { currentRequester, POLLER } from './requester.js';
import { maskAnswer, rememberSentCredentials } from './sent-credentials.js';
import {
  excerpt,
  type FailedAnswer,
  parseRetryAfter,
  type RetryPolicy,
  tryParseJson,
  type VendorHttpOptions,
  type VendorRequest,
  type VendorResponse,
} from './wire.js';

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

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
    const quotable = (): FailedAnswer => ({ ...answer, ...maskAnswer(text, json) });
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
