/**
 * What Slack sends to an app, built and signed the way Slack does: slash commands as form fields,
 * interactivity as a form field `payload` holding JSON, events as JSON; every request signed with
 * `v0=HMAC-SHA256(secret, v0:{timestamp}:{raw body})`. The secret never leaves the server.
 */
import { signSlackRequest } from '../slack/signing.js';

/** Slack waits 3 s for an ack; Bolt answers by itself just after that. A little more covers both. */
export const ACK_WAIT_MS = 4500;

export interface AppAnswer {
  status: number;
  /** The ack body: parsed JSON, text, or undefined when empty. */
  body: unknown;
}

export class AppUnreachableError extends Error {
  constructor(
    message: string,
    /** Slack's word for it, as a person would see in Slack ("operation_timeout", "dispatch_failed"). */
    readonly slackError: 'operation_timeout' | 'dispatch_failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppUnreachableError';
  }
}

export class AppRequests {
  private eventsUrl: string | undefined;

  constructor(
    private readonly signingSecret: string,
    private readonly ackWaitMs = ACK_WAIT_MS,
  ) {}

  /** Where the app listens; unset until the app has started. */
  setEventsUrl(url: string): void {
    this.eventsUrl = url;
  }

  get ready(): boolean {
    return this.eventsUrl !== undefined;
  }

  /** A slash command: the fields Slack posts. */
  command(fields: Record<string, string>): Promise<AppAnswer> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  }

  /** block_actions, view_submission, view_closed, message_action: one form field `payload`. */
  interaction(payload: Record<string, unknown>): Promise<AppAnswer> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded');
  }

  /** An Events API callback. */
  event(envelope: Record<string, unknown>): Promise<AppAnswer> {
    return this.post(JSON.stringify(envelope), 'application/json');
  }

  private async post(rawBody: string, contentType: string): Promise<AppAnswer> {
    const url = this.eventsUrl;
    if (!url) throw new AppUnreachableError('the app has not started yet', 'dispatch_failed');
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType, ...signSlackRequest(this.signingSecret, rawBody) },
        body: rawBody,
        signal: AbortSignal.timeout(this.ackWaitMs),
      });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === 'TimeoutError';
      throw new AppUnreachableError(
        timedOut ? 'the app did not answer in time' : 'the app could not be reached',
        timedOut ? 'operation_timeout' : 'dispatch_failed',
        { cause: error },
      );
    }
    const text = await response.text();
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, body };
  }
}
