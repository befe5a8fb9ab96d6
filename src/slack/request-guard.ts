/**
 * What the Slack endpoint refuses before reading a byte of the body, so an unsigned flood costs nothing:
 * - no `X-Slack-Request-Timestamp`, or one more than five minutes off either way, or no signature: 401;
 * - a `Content-Length` over the body limit: 413.
 * Both answers close the connection, so whatever the client is still sending is never read.
 *
 * What passes goes on to Bolt's receiver, which verifies the signature over the body it buffers, up to the same
 * limit: a body with no length (chunked) is cut off at the limit with a 413 there.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';
import { SLACK_LIMITS } from './blocks/limits.js';
import { isPostTo } from './request-activity.js';
import { MAX_SKEW_SECONDS } from './signing.js';

export const SLACK_BODY_LIMIT_BYTES = SLACK_LIMITS.request.bodyBytes;

export type Refusal = { status: 401 | 413; reason: string };

/** Why the request must be refused from its headers alone, or undefined when it may be read. */
export function refuseByHeaders(
  headers: IncomingMessage['headers'],
  nowSeconds: number,
  bodyLimitBytes: number = SLACK_BODY_LIMIT_BYTES,
): Refusal | undefined {
  const stamp = headers['x-slack-request-timestamp'];
  if (typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp)) {
    return { status: 401, reason: 'no valid X-Slack-Request-Timestamp' };
  }
  if (Math.abs(nowSeconds - Number(stamp)) > MAX_SKEW_SECONDS) {
    return { status: 401, reason: 'X-Slack-Request-Timestamp more than five minutes off' };
  }
  if (typeof headers['x-slack-signature'] !== 'string') {
    return { status: 401, reason: 'no X-Slack-Signature' };
  }
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > bodyLimitBytes) {
    return { status: 413, reason: `body over ${bodyLimitBytes} bytes` };
  }
  return undefined;
}

function refuse(res: ServerResponse, status: number): void {
  // Closing makes Node drop the connection once the answer is flushed instead of draining the body first.
  res.writeHead(status, { connection: 'close', 'content-length': 0 });
  res.end();
}

export interface GuardOptions {
  /** Only requests to this path are guarded (the health and metrics routes are not Slack's). */
  path: string;
  logger: Logger;
  bodyLimitBytes?: number;
  nowSeconds?: () => number;
}

/** Wraps the receiver's request listener with the header checks above. */
export function guardSlackRequests(inner: RequestListener, options: GuardOptions): RequestListener {
  const limit = options.bodyLimitBytes ?? SLACK_BODY_LIMIT_BYTES;
  const now = options.nowSeconds ?? (() => Date.now() / 1000);
  return (req, res) => {
    if (!isPostTo(req, options.path)) {
      inner(req, res);
      return;
    }
    const refusal = refuseByHeaders(req.headers, now(), limit);
    if (refusal) {
      options.logger.warn(
        { path: options.path, status: refusal.status },
        `refused a Slack request: ${refusal.reason}`,
      );
      refuse(res, refusal.status);
      return;
    }
    // Bolt answers 413 itself when a body without a length (chunked) runs past the limit; close that one
    // too, or the paused request would hold the connection until the server's timeout. With a length Node
    // reads no more than it says, and the header check above has seen it.
    if (req.headers['content-length'] !== undefined) {
      inner(req, res);
      return;
    }
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      if (args[0] === 413 && !res.headersSent) res.setHeader('connection', 'close');
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    inner(req, res);
  };
}
