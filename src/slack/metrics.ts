/**
 * The Slack layer's side of caseops' metrics (src/observability/metrics.ts implements it): how commands and
 * interactions ended, how long acks took, which Web API calls Slack refused. Labels come from our own code
 * (subcommand names, action and callback ids, error codes), never from what a person typed.
 */
import { errorKind } from './errors.js';

export interface SlackMetrics {
  commandHandled(kind: string, outcome: string): void;
  interactionHandled(kind: string, outcome: string): void;
  observeAck(kind: string, outcome: string, seconds: number): void;
  slackApiError(method: string, code: string): void;
}

/** How a handler ended: fine, refused by policy, refused as unusable input, or failed. */
export function handlingOutcome(error?: unknown): 'ok' | 'denied' | 'invalid' | 'error' {
  return error === undefined ? 'ok' : errorKind(error).outcome;
}

const INTERACTION_TYPES = new Set([
  'block_actions',
  'view_submission',
  'view_closed',
  'message_action',
  'shortcut',
  'block_suggestion',
]);

/**
 * What kind of Slack request a raw body is, for the ack-time metric (a bounded set of values). Runs on
 * every request before its ack, so a command is told from its bytes without decoding the form: a field name
 * is found at the start or after an `&` (an `=` or `&` inside a value is percent-encoded).
 */
export function requestKind(rawBody: Buffer | string, contentType: string | undefined): string {
  if ((contentType ?? '').includes('application/json')) return 'event';
  if (hasField(rawBody, COMMAND_FIELD)) return 'command';
  if (!hasField(rawBody, PAYLOAD_FIELD)) return 'other';
  const payload = new URLSearchParams(rawBody.toString()).get('payload') ?? '';
  const type = /"type"\s*:\s*"([a-z_]+)"/.exec(payload)?.[1];
  return type && INTERACTION_TYPES.has(type) ? type : 'interaction';
}

interface FormField {
  first: string;
  later: string;
  firstBytes: Buffer;
  laterBytes: Buffer;
}

/** The needles made once: a string needle on a Buffer is turned into bytes again on every search. */
function formField(name: string): FormField {
  return {
    first: `${name}=`,
    later: `&${name}=`,
    firstBytes: Buffer.from(`${name}=`),
    laterBytes: Buffer.from(`&${name}=`),
  };
}

const COMMAND_FIELD = formField('command');
const PAYLOAD_FIELD = formField('payload');

function hasField(form: Buffer | string, field: FormField): boolean {
  if (typeof form === 'string') return form.startsWith(field.first) || form.includes(field.later);
  const { firstBytes } = field;
  return (
    (form.length >= firstBytes.length &&
      form.compare(firstBytes, 0, firstBytes.length, 0, firstBytes.length) === 0) ||
    form.includes(field.laterBytes)
  );
}
