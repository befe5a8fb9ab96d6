/**
 * The one place that reads what @slack/web-api threw, and the one rule for waiting out a 429. Everything else
 * (the gateway, the notifier, the words a person reads, the metrics) asks here instead of poking at the
 * client's error shapes.
 *
 * A rate-limited call was not acted on by Slack, so sending it again cannot post twice: it is waited out and
 * sent again while the caller's budget allows. An interactive answer has a small budget (a person is waiting,
 * a trigger id expires); a background post (digests, card updates) a large one.
 */

/** What a failed Web API call was, as far as caseops cares. */
export type SlackApiFailure =
  /** Slack asked us to wait (HTTP 429, or a `ratelimited` answer). */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** Slack answered `ok: false` with an error code (`not_in_channel`, `invalid_auth`, …). */
  | { kind: 'platform'; code: string }
  /** No answer in time, or the request could not be sent. */
  | { kind: 'no-answer' }
  /** An HTTP error status without a Slack answer. */
  | { kind: 'http'; status?: number };

/** The fields of @slack/web-api's errors read here, without depending on its classes. */
interface WebApiErrorLike {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown };
}

/** Undefined for anything that is not a Web API client error (vendors, our own code). */
export function readSlackApiFailure(error: unknown): SlackApiFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, retryAfter, statusCode, data } = error as WebApiErrorLike;
  const answered = typeof data?.error === 'string' ? data.error : undefined;
  switch (code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : 1;
      return { kind: 'rate-limited', retryAfterMs: seconds * 1000 };
    }
    case 'slack_webapi_platform_error':
      if (answered === 'ratelimited' || answered === 'rate_limited') {
        return { kind: 'rate-limited', retryAfterMs: 1000 };
      }
      return { kind: 'platform', code: answered ?? 'unknown_error' };
    case 'slack_webapi_request_error':
      return { kind: 'no-answer' };
    case 'slack_webapi_http_error':
      return { kind: 'http', status: typeof statusCode === 'number' ? statusCode : undefined };
    default:
      return undefined;
  }
}

/** The label a failure is counted under (caseops_slack_api_errors_total{code}). */
export function failureCode(failure: SlackApiFailure | undefined): string {
  switch (failure?.kind) {
    case 'rate-limited':
      return 'ratelimited';
    case 'platform':
      return failure.code;
    case 'no-answer':
      return 'request_error';
    case 'http':
      return `http_${failure.status ?? 'error'}`;
    default:
      return 'other';
  }
}

/** How long one call may keep waiting out 429s. */
export interface RateLimitBudget {
  /** Sends after the first. */
  maxRetries: number;
  /** The longest single wait accepted. */
  maxWaitMs: number;
  /** All waits of one call together. */
  maxTotalWaitMs: number;
}

/** A person is waiting: one short wait at most. */
export const INTERACTIVE_BUDGET: RateLimitBudget = { maxRetries: 1, maxWaitMs: 5000, maxTotalWaitMs: 5000 };

/**
 * Digests and card updates: several waits, but well inside a digest's channel lease, so no other run starts
 * on the same changes (the caller retries at its next run).
 */
export const BACKGROUND_BUDGET: RateLimitBudget = {
  maxRetries: 5,
  maxWaitMs: 2 * 60_000,
  maxTotalWaitMs: 2 * 60_000,
};

/**
 * How long to wait before sending the call again, or undefined when it must not be sent again: not a rate
 * limit, or the budget is spent. `retriesSoFar` and `waitedMs` are this call's own.
 */
export function rateLimitWaitMs(
  failure: SlackApiFailure | undefined,
  budget: RateLimitBudget,
  retriesSoFar: number,
  waitedMs: number,
): number | undefined {
  if (failure?.kind !== 'rate-limited') return undefined;
  if (retriesSoFar >= budget.maxRetries) return undefined;
  if (failure.retryAfterMs > budget.maxWaitMs) return undefined;
  if (waitedMs + failure.retryAfterMs > budget.maxTotalWaitMs) return undefined;
  return failure.retryAfterMs;
}
