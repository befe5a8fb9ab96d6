/** The one reader of what Slack's Web API client threw, and the one rule for waiting out a 429. */
import { describe, expect, it } from 'vitest';
import {
  BACKGROUND_BUDGET,
  failureCode,
  INTERACTIVE_BUDGET,
  rateLimitWaitMs,
  readSlackApiFailure,
} from '../../src/slack/web-api-errors.js';

const rateLimited = (retryAfter?: number) => ({ code: 'slack_webapi_rate_limited_error', retryAfter });
const platform = (error: string) => ({ code: 'slack_webapi_platform_error', data: { ok: false, error } });

describe('readSlackApiFailure', () => {
  it.each([
    [rateLimited(30), { kind: 'rate-limited', retryAfterMs: 30_000 }, 'ratelimited'],
    [rateLimited(), { kind: 'rate-limited', retryAfterMs: 1000 }, 'ratelimited'],
    [platform('ratelimited'), { kind: 'rate-limited', retryAfterMs: 1000 }, 'ratelimited'],
    [platform('not_in_channel'), { kind: 'platform', code: 'not_in_channel' }, 'not_in_channel'],
    [{ code: 'slack_webapi_request_error' }, { kind: 'no-answer' }, 'request_error'],
    [{ code: 'slack_webapi_http_error', statusCode: 502 }, { kind: 'http', status: 502 }, 'http_502'],
  ])('reads %j', (error, failure, code) => {
    expect(readSlackApiFailure(error)).toEqual(failure);
    expect(failureCode(readSlackApiFailure(error))).toBe(code);
  });

  it('is undefined for anything that is not a Web API error', () => {
    expect(readSlackApiFailure(new Error('boom'))).toBeUndefined();
    expect(readSlackApiFailure({ code: 'ECONNRESET' })).toBeUndefined();
    expect(readSlackApiFailure(undefined)).toBeUndefined();
    expect(failureCode(undefined)).toBe('other');
  });
});

describe('rateLimitWaitMs', () => {
  const limited = (seconds: number) => readSlackApiFailure(rateLimited(seconds));

  it('waits as Slack asked, within the budget, and never for anything but a rate limit', () => {
    expect(rateLimitWaitMs(limited(2), INTERACTIVE_BUDGET, 0, 0)).toBe(2000);
    expect(rateLimitWaitMs(readSlackApiFailure(platform('not_in_channel')), INTERACTIVE_BUDGET, 0, 0)).toBe(
      undefined,
    );
  });

  it('gives a person one short wait at most', () => {
    expect(rateLimitWaitMs(limited(2), INTERACTIVE_BUDGET, 1, 2000)).toBeUndefined();
    expect(rateLimitWaitMs(limited(30), INTERACTIVE_BUDGET, 0, 0)).toBeUndefined();
  });

  it('lets background posts wait several times, up to their total', () => {
    expect(rateLimitWaitMs(limited(30), BACKGROUND_BUDGET, 3, 60_000)).toBe(30_000);
    expect(rateLimitWaitMs(limited(30), BACKGROUND_BUDGET, 5, 60_000)).toBeUndefined();
    expect(rateLimitWaitMs(limited(70), BACKGROUND_BUDGET, 1, 60_000)).toBeUndefined();
  });
});
