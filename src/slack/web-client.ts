/** The options every caseops Web API client is built with, in one place. */
import type { Env } from '../config/env.js';

/** A Web API call that has not answered by then is abandoned (the default is to wait forever). */
export const WEB_API_TIMEOUT_MS = 10_000;

/**
 * How every Web API client of caseops is built: no retries of its own (a retried 5xx or timeout could post
 * twice), a 429 rejected at once (SlackGateway decides whether to wait), and a timeout.
 */
export function webClientOptions(config: Pick<Env, 'SLACK_API_URL'>, timeoutMs = WEB_API_TIMEOUT_MS) {
  const slackApiUrl = apiBaseUrl(config.SLACK_API_URL);
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
  };
}

/** Slack's Web API base URL must end with a slash (method names are appended). */
export function apiBaseUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const withApi = /\/api\/?$/.test(url) ? url : `${url.replace(/\/$/, '')}/api`;
  return withApi.endsWith('/') ? withApi : `${withApi}/`;
}
