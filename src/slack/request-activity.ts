/**
 * Whether the Slack endpoint is quiet: no request being answered, and none arrived or was answered in the
 * last `quietMs`. Follow-up
 * work (follow-ups.ts) waits for such a moment, so its CPU never stands between a request and its ack.
 *
 * In HTTP mode the count starts on the server's 'request' event (before the body is read, the earliest
 * point) and ends when the answer is flushed or the connection closes. Socket Mode has no HTTP request to
 * watch, so there an arrival is only a moment (`seen`).
 */
import type { IncomingMessage, RequestListener } from 'node:http';

/**
 * 20 ms without a request. At 5 ms, a client pausing between two requests (a collection of its own) let a
 * follow-up step start just before its next request came, which then waited for the step: commands sent one
 * at a time had a p99 of 1.41–1.64× bare Bolt's in `--only=ack` runs, 1.12–1.23× at 20 ms. A person never sees
 * the 20 ms; a follow-up still runs by its hold bound when requests never pause that long.
 */
export const QUIET_MS = 20;

export class RequestActivity {
  private answering = 0;
  private lastActivity = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number = () => performance.now(),
    readonly quietMs = QUIET_MS,
  ) {}

  /** A request came in and is being answered; call `answered` once for it. */
  arrived(): void {
    this.answering += 1;
    this.lastActivity = this.now();
  }

  answered(): void {
    if (this.answering > 0) this.answering -= 1;
    this.lastActivity = this.now();
  }

  /** A request came in whose answer cannot be watched (Socket Mode). */
  seen(): void {
    this.lastActivity = this.now();
  }

  /** 0 when it is quiet now; otherwise how long to wait before asking again. */
  msUntilQuiet(): number {
    if (this.answering > 0) return Math.max(this.quietMs, 1);
    return Math.max(0, this.lastActivity + this.quietMs - this.now());
  }
}

/** Whether a request is a POST to `path`, query aside; asked of every request, so no split array. */
export function isPostTo(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url === path : query === path.length && url.startsWith(path);
}

/**
 * Wraps the receiver's request listener: counts requests to `path` from their arrival until their answer
 * is sent. `onAnswered` (the ack-time metric) rides on the same listener, so a request costs one.
 */
export function watchRequests(
  inner: RequestListener,
  activity: RequestActivity,
  path: string,
  onAnswered?: (req: IncomingMessage, statusCode: number, seconds: number) => void,
): RequestListener {
  return (req, res) => {
    if (!isPostTo(req, path)) {
      inner(req, res);
      return;
    }
    const startedAt = performance.now();
    activity.arrived();
    // 'close' comes once per response: after 'finish' when it was sent, or when the client went away.
    res.once('close', () => {
      activity.answered();
      if (onAnswered && res.writableFinished) {
        onAnswered(req, res.statusCode, (performance.now() - startedAt) / 1000);
      }
    });
    inner(req, res);
  };
}
