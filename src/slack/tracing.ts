/**
 * Spans for what Slack sends, in two parts, because Slack waits only for the first:
 * - `POST /slack/events` (server span, HTTP mode): from the request's arrival to the HTTP answer, which is the
 *   ack; refused requests (401, 413) are spans too;
 * - `slack.listener`: Bolt's handling, from dispatch until the listener is done. In HTTP mode it is a child of
 *   the request span; in Socket Mode it is the root. A `/case` command's follow-up (vendor calls, the store,
 *   the reply) runs after its listener returned (follow-ups.ts), so its spans are children of the listener
 *   span that end after it.
 * Attributes are ids only (kind, command name, action or view id, channel, team); no text a person typed and
 * no header.
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { App } from '@slack/bolt';
import { ATTR, type SpanAttributes, type SpanHandle, type Tracing } from '../observability/tracing.js';
import { isPostTo } from './request-activity.js';

interface TracedRequest extends IncomingMessage {
  caseopsSpan?: SpanHandle;
}

/** Wraps the receiver's listener: one server span per request to `path`, ended when the answer is sent. */
export function traceSlackRequests(inner: RequestListener, tracing: Tracing, path: string): RequestListener {
  return (req, res) => {
    if (!isPostTo(req, path)) {
      inner(req, res);
      return;
    }
    tracing.startActive(
      `POST ${path}`,
      { kind: 'server', attributes: { [ATTR.httpMethod]: 'POST', [ATTR.urlPath]: path } },
      (span) => {
        (req as TracedRequest).caseopsSpan = span;
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          if (!res.headersSent) {
            // The client went away before any answer: there is no status to report.
            span.fail(new Error('the connection closed before an answer was sent'));
          } else {
            span.setAttributes({ [ATTR.httpStatus]: res.statusCode });
            if (res.statusCode >= 500) span.fail(new Error(`answered HTTP ${res.statusCode}`));
          }
          span.end();
        };
        res.once('finish', end);
        res.once('close', end);
        inner(req, res);
      },
    );
  };
}

/** Called once Bolt has read and verified the body: adds what it says to the request's span. */
export function describeTracedRequest(req: IncomingMessage, rawBody: string, kind: string): void {
  const span = (req as TracedRequest).caseopsSpan;
  if (!span) return;
  span.setAttributes({ [ATTR.requestKind]: kind, ...idsInRawBody(rawBody, req.headers['content-type']) });
}

function idsInRawBody(rawBody: string, contentType: string | undefined): SpanAttributes {
  try {
    if ((contentType ?? '').includes('application/json')) return idsInBody(JSON.parse(rawBody));
    const form = new URLSearchParams(rawBody);
    const payload = form.get('payload');
    if (payload) return idsInBody(JSON.parse(payload));
    return idsInBody(Object.fromEntries(form));
  } catch {
    return {};
  }
}

type Loose = Record<string, unknown> | undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** Ids from any Slack payload: slash command, interaction or Events API envelope. */
export function idsInBody(body: unknown): SpanAttributes {
  const b = body as Loose;
  if (!b || typeof b !== 'object') return {};
  const event = b.event as Loose;
  const channel = b.channel as Loose;
  const container = b.container as Loose;
  const team = b.team as Loose;
  const view = b.view as Loose;
  const actions = b.actions as Loose[] | undefined;
  return {
    [ATTR.channelId]:
      text(b.channel_id) ?? text(channel?.id) ?? text(container?.channel_id) ?? text(event?.channel),
    [ATTR.teamId]: text(b.team_id) ?? text(team?.id),
    'slack.command': text(b.command),
    'slack.action_id': Array.isArray(actions) ? text(actions[0]?.action_id) : undefined,
    'slack.callback_id': text(view?.callback_id) ?? text(b.callback_id),
    'slack.event.type': text(event?.type),
  };
}

function kindOf(body: unknown): string {
  const b = body as Loose;
  if (text(b?.command)) return 'command';
  if (b?.type === 'event_callback') return 'event';
  return text(b?.type) ?? 'other';
}

/** A global middleware: the listener span, around everything Bolt runs for one request or envelope. */
export function traceListeners(app: App, tracing: Tracing): void {
  app.use(async ({ body, next }) => {
    await tracing.inSpan(
      'slack.listener',
      { attributes: { [ATTR.requestKind]: kindOf(body), ...idsInBody(body) } },
      async () => {
        await next();
      },
    );
  });
}
