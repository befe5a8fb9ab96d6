/**
 * Posting to a response_url (the reply to a slash command or a button press). Bolt's `respond` goes through
 * the WHATWG `fetch`, whose streams and abort signals cost several times the CPU of undici's plain request;
 * the follow-up of every command pays it, on the event loop the acks share.
 */
import { undiciRequest as request } from '../http/undici.js';

/** A reply not answered by then is abandoned; Slack answers these in well under a second. */
export const RESPONSE_URL_TIMEOUT_MS = 10_000;

export class ResponseUrlError extends Error {
  constructor(readonly statusCode: number) {
    super(`Slack refused the response_url reply: HTTP ${statusCode}`);
    this.name = 'ResponseUrlError';
  }
}

/** POSTs `message` as JSON to `url`; throws ResponseUrlError when Slack does not answer 2xx. */
export async function postToResponseUrl(
  url: string,
  message: Record<string, unknown>,
  timeoutMs = RESPONSE_URL_TIMEOUT_MS,
): Promise<void> {
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await answer.body.dump();
  if (answer.statusCode < 200 || answer.statusCode > 299) throw new ResponseUrlError(answer.statusCode);
}
