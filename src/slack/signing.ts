/**
 * Slack request signing, exactly as Slack does it: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{body}`)).
 * Tests and the local playground sign requests with `signSlackRequest`; Bolt's receiver verifies live ones,
 * and `verifySlackSignature` is the same check for anything that sits in front of it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'v0';
/** Slack's replay window: a request whose timestamp is further than this from now is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export function computeSlackSignature(
  signingSecret: string,
  timestampSeconds: number | string,
  rawBody: string,
): string {
  const base = `${SIGNATURE_VERSION}:${timestampSeconds}:${rawBody}`;
  return `${SIGNATURE_VERSION}=${createHmac('sha256', signingSecret).update(base).digest('hex')}`;
}

export interface SignedHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** The two headers Slack adds to every request it sends to the app. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SignedHeaders {
  return {
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': computeSlackSignature(signingSecret, timestampSeconds, rawBody),
  };
}

export type VerifyFailure = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

/** Checks a request's signature and freshness; returns why it fails, or undefined when it is genuine. */
export function verifySlackSignature(
  signingSecret: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifyFailure | undefined {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return 'missing_headers';
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return 'stale_timestamp';
  const expected = Buffer.from(computeSlackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad_signature';
  return undefined;
}
