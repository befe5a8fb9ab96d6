/**
 * The words a person reads when something goes wrong, in one place: every failure (typed errors, what Slack
 * refused, the unexpected) and policy denials, in Slack mrkdwn (mentions render as names) and, for denials,
 * plain text (modal field errors, which do not render mrkdwn). Listeners never show an error's stack or raw
 * code: they call `describeError` and put the result on the surface they have. The domain says why (typed
 * errors, a PolicyDenial); whether a form is offered again is the error's own flag (errors.ts).
 */
import { randomBytes } from 'node:crypto';
import type { PolicyAction } from '../domain/actions.js';
import type { VendorId } from '../domain/case.js';
import {
  CaseConflictError,
  CaseElsewhereError,
  CaseNotFoundError,
  DeniedError,
  InvalidInputError,
  OutcomeUnknownError,
  ScheduleTooFrequentError,
  StoreUnavailableError,
  UnsupportedOperationError,
  VendorBusyError,
  VendorError,
  VendorNotConfiguredError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../domain/errors.js';
import {
  type PolicyDenial,
  type PolicyRule,
  type RuleCitation,
  type Severity,
  severityLabel,
} from '../domain/policy.js';
import { vendorName, vendorSeverityLabel } from '../vendors/plugin.js';

/** "priority 1 - Critical" in the vendor's own words, "severity 1" where it has none or none is named. */
const severityAt = (severity: Severity, vendor: string | undefined) =>
  vendor === undefined ? severityLabel(severity) : vendorSeverityLabel(vendor, severity);

import { PolicyCheckUnavailableError } from '../domain/policy-gate.js';
import { type Logger, redactText } from '../logging/logger.js';
import { escapeMrkdwn } from './blocks/limits.js';
import { errorKind } from './errors.js';
import { readSlackApiFailure, type SlackApiFailure } from './web-api-errors.js';

export interface UserFacingError {
  /** One or two lines of mrkdwn, for the person who acted. */
  text: string;
  /** The form field the problem belongs to, when there is one. */
  field?: string;
  /** True when the same action may work later without anyone changing anything. */
  retryable: boolean;
  /** True when nothing reached the vendor or the vendor refused: the form can be fixed and sent again. */
  resubmittable: boolean;
}

const OPERATION_WORDS: Record<string, string> = {
  open: 'opening cases',
  lookup: 'looking cases up',
  annotate: 'adding notes',
  cancel: 'cancelling cases',
  list: 'listing cases',
};

function nameOf(vendor: VendorId | string): string {
  return vendorName(vendor);
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return 'a minute';
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

const SLACK_ERROR_WORDS: Record<string, string> = {
  not_in_channel: 'caseops is not a member of this channel. Invite it with `/invite @caseops` and try again.',
  channel_not_found:
    'caseops cannot see this channel (a private channel or a DM it is not in). Invite it with `/invite @caseops`.',
  is_archived: 'This channel is archived, so caseops cannot post in it.',
  expired_trigger_id: "Slack's window for opening the form passed (3 seconds). Run the command again.",
  invalid_trigger_id: 'Slack did not accept the request to open the form. Run the command again.',
  exchanged_trigger_id: 'That form was already opened once. Run the command again for a new one.',
  invalid_auth: "Slack refused caseops' token. An admin needs to reinstall caseops.",
  not_authed: "Slack refused caseops' token. An admin needs to reinstall caseops.",
  token_revoked: "caseops' Slack token was revoked. An admin needs to reinstall caseops.",
  account_inactive: "caseops' Slack token is inactive. An admin needs to reinstall caseops.",
  missing_scope:
    'caseops lacks a Slack permission for this. An admin needs to reinstall it from its manifest.',
  msg_too_long: 'Slack refused the message as too long.',
  msg_blocks_too_long: 'Slack refused the message as too long.',
  invalid_blocks: 'Slack refused the message layout.',
  message_not_found: 'That message is gone (deleted or too old), so caseops cannot update it.',
  view_too_large: 'Slack refused the form as too large.',
  not_found: 'That form is already closed.',
  hash_conflict: 'That form changed while caseops was updating it. Close it and try again.',
  push_limit_reached: 'Too many forms are stacked; close one and try again.',
};

function describeSlackApiFailure(failure: SlackApiFailure): string {
  switch (failure.kind) {
    case 'rate-limited':
      return `Slack is rate limiting caseops. Try again in ${seconds(failure.retryAfterMs)}.`;
    case 'platform':
      return (
        SLACK_ERROR_WORDS[failure.code] ?? `Slack refused the request (\`${escapeMrkdwn(failure.code)}\`).`
      );
    case 'no-answer':
      return 'Slack did not answer caseops in time. Try again in a minute.';
    case 'http':
      return `Slack answered with an error (HTTP ${failure.status ?? '?'}). Try again in a minute.`;
  }
}

/**
 * The words for `error`. Unknown errors get a short reference that is also logged (with the stack) when a
 * logger is given, so support can find it; the person never sees internals.
 */
export function describeError(error: unknown, logger?: Logger): UserFacingError {
  const { retryable, resubmittable } = errorKind(error);
  const field = error instanceof InvalidInputError ? error.field : undefined;
  return {
    text: errorText(error, logger),
    ...(field !== undefined ? { field } : {}),
    retryable,
    resubmittable,
  };
}

function errorText(error: unknown, logger: Logger | undefined): string {
  if (error instanceof ScheduleTooFrequentError) return scheduleFloorText(error);
  if (error instanceof InvalidInputError) return escapeMrkdwn(error.message);
  if (error instanceof VendorNotConfiguredError) {
    return `${error.vendor} is not configured in this workspace. \`/case help\` lists the vendors that are.`;
  }
  if (error instanceof DeniedError) return `:no_entry: ${denialText(error.denial, 'mrkdwn')}`;
  if (error instanceof CaseElsewhereError) return caseElsewhereText(error);
  if (error instanceof PolicyCheckUnavailableError) return escapeMrkdwn(error.message);
  if (error instanceof VendorError) return vendorErrorText(error, logger);
  const slack = readSlackApiFailure(error);
  if (slack) return describeSlackApiFailure(slack);
  if (error instanceof StoreUnavailableError) {
    // Safe to repeat: a vendor write claims its record before the vendor call (so a failure there sent
    // nothing), bookkeeping after the call is never thrown at a person, and watches are idempotent.
    logger?.warn({ err: error }, 'the database was unreachable while handling a request');
    return 'caseops could not reach its database just now. Try again in a minute: doing so is safe, nothing is done twice.';
  }
  const reference = randomBytes(3).toString('hex');
  logger?.error({ err: error, reference }, 'unexpected failure shown to a user');
  return `Something went wrong inside caseops (reference \`${reference}\`). Nothing more is known here; the details are in caseops' log.`;
}

/**
 * A repeat of a write that is still pending: a double-click (the first submit answers too) or a first attempt
 * whose process died before it could answer (nobody else will). Either way, what is safe to do next.
 */
export function writeInProgressText(vendor: VendorId | string, settleableInMs: number): string {
  const name = nameOf(vendor);
  const when = settleableInMs > 0 ? `in ${durationWords(settleableInMs)}` : 'now';
  return (
    `:hourglass_flowing_sand: This was already sent to ${name} and its answer is not known yet; it shows here as soon as it is. ` +
    `If nothing shows, submit it again ${when}: caseops then settles it with ${name} first and never sends it twice.`
  );
}

/** "1 second", "15 minutes", "2 hours", "1 hour 30 minutes". */
export function durationWords(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const totalSeconds = Math.max(1, Math.round(ms / 1000));
  if (totalSeconds < 60) return unit(totalSeconds, 'second');
  const totalMinutes = Math.round(totalSeconds / 60);
  if (totalMinutes < 60) return unit(totalMinutes, 'minute');
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
}

/** A schedule a channel may use under the floor, as an example. */
function scheduleWithin(minimumMs: number): string {
  const minutes = Math.ceil(minimumMs / 60_000);
  if (minutes <= 30 && 60 % minutes === 0) return `\`*/${minutes} * * * *\` or \`hourly\``;
  if (minutes <= 60) return '`hourly` or `daily 09:00`';
  return '`daily 09:00` or `weekdays 17:30`';
}

function scheduleFloorText(error: ScheduleTooFrequentError): string {
  return (
    `Digests in a channel may run at most once every ${durationWords(error.minimumMs)}, ` +
    `and \`${escapeMrkdwn(error.schedule)}\` would post ${durationWords(error.shortestGapMs)} apart. ` +
    `Try ${scheduleWithin(error.minimumMs)}. (The minimum is set by caseops' operator.)`
  );
}

/**
 * "HTTP 400, code `EQ-1001`": what identifies a vendor's answer without quoting it. Empty when the error never
 * reached the vendor (its words are then caseops' own).
 */
function answerCode(error: VendorError): string {
  const vendorCode = error instanceof VendorRejectedError ? error.vendorCode : undefined;
  const parts = [
    ...(error.httpStatus === undefined ? [] : [`HTTP ${error.httpStatus}`]),
    ...(vendorCode ? [`code \`${escapeMrkdwn(vendorCode)}\``] : []),
  ];
  return parts.join(', ');
}

/**
 * A vendor's answer is never shown: a self-hosted server's error page can say anything (paths, hostnames,
 * echoed input). People read its code and a plain sentence; the text goes to the (redacted) log.
 */
function logVendorText(error: VendorError, logger: Logger | undefined): void {
  logger?.info(
    {
      vendor: error.vendor,
      code: error.code,
      status: error.httpStatus,
      vendorText: redactText(error.message),
    },
    "a vendor's error was shown to a person as its code",
  );
}

/** What a person calls the vendor call that was refused: "your lookup would wait …". */
const CALL_WORDS: Record<string, string> = {
  lookup: 'lookup',
  list: 'list',
  open: 'new case',
  annotate: 'note',
  cancel: 'cancel',
  token: 'sign-in to the vendor',
};

function busyText(error: VendorBusyError, name: string): string {
  const call = CALL_WORDS[error.operation] ?? 'request';
  const wait = `about ${Math.max(1, Math.ceil(error.waitMs / 1000))} s`;
  return error.personQueueFull
    ? `${name} is busy: you already have calls waiting for it, and your ${call} would wait ${wait}; try again shortly. Nothing was sent.`
    : `${name} is busy: your ${call} would wait ${wait}; try again shortly. Nothing was sent.`;
}

function vendorErrorText(error: VendorError, logger: Logger | undefined): string {
  const name = nameOf(error.vendor);
  if (error instanceof VendorBusyError) return busyText(error, name);
  if (error instanceof CaseNotFoundError) {
    return `No ${name} case \`${escapeMrkdwn(error.caseId)}\` was found.`;
  }
  const code = answerCode(error);
  if (error instanceof VendorRejectedError) {
    // Without an answer code the reason is caseops' own (an id it could not read, say): it helps, so it stays.
    if (!code) return `${name} refused: ${escapeMrkdwn(error.reason)}`;
    logVendorText(error, logger);
    return `${name} refused the request (${code}), so nothing was changed. Check what was entered and try again; the vendor's full answer is in caseops' log.`;
  }
  if (error instanceof CaseConflictError) {
    if (!code) return `${name} says the case cannot be changed now: ${escapeMrkdwn(error.reason)}`;
    logVendorText(error, logger);
    return `${name} says the case cannot be changed now (${code}), so nothing was changed.`;
  }
  if (error instanceof VendorThrottledError) {
    return `${name} is rate limiting caseops. Nothing was sent; try again in ${seconds(error.retryAfterMs)}.`;
  }
  if (error instanceof VendorUnauthorisedError) {
    return `${name} refused caseops' credentials, so nothing was done. An admin needs to check them.`;
  }
  if (error instanceof OutcomeUnknownError) {
    return (
      `:warning: ${name} did not confirm the request (${escapeMrkdwn(error.detail)}). ` +
      `It may have gone through: check ${name} for reference \`${escapeMrkdwn(error.idempotencyKey)}\` before trying again. ` +
      'caseops will not repeat it by itself.'
    );
  }
  if (error instanceof VendorUnavailableError) {
    // A server error's detail quotes the vendor's page; a timeout or network error's is caseops' own.
    const serverError = error.httpStatus !== undefined && error.httpStatus >= 500;
    if (serverError) logVendorText(error, logger);
    const what = serverError ? code : escapeMrkdwn(error.detail);
    return error.outcomeUncertain
      ? `:warning: ${name} did not answer properly (${what}); the request may have gone through. Check ${name} before trying again.`
      : `${name} is not answering properly (${what}). Nothing was changed; try again in a minute.`;
  }
  if (error instanceof UnsupportedOperationError) {
    const words = OPERATION_WORDS[error.operation] ?? `"${escapeMrkdwn(error.operation)}"`;
    const why = error.why ?? '';
    return `${name} does not allow ${words} through its API${why ? `: ${escapeMrkdwn(why.replace(/\.$/, ''))}` : ''}.`;
  }
  return escapeMrkdwn(error.message);
}

/**
 * A case that lives in a private channel, asked for by someone outside it. The channel is not named: its name
 * is for its members.
 */
export function caseElsewhereText(error: CaseElsewhereError): string {
  return (
    `:lock: ${nameOf(error.vendor)} case \`${escapeMrkdwn(error.caseId)}\` belongs to a private channel you are not in, ` +
    "so caseops shows it, watches it and posts it only for that channel's members. Ask someone there, or ask an " +
    'admin for a `lookup` rule that names you.'
  );
}

// Policy denials ----------------------------------------------------------------------------------------------

export type Style = 'mrkdwn' | 'plain';

const ACTION_PHRASES: Record<PolicyAction, string> = {
  lookup: 'look up',
  watch: 'watch',
  open: 'open',
  annotate: 'add notes to',
  cancel: 'cancel',
  audit: 'see the audit trail of',
  digest: 'change digest settings',
};

/** "members of <!subteam^S1>, <@U1> in <#C1> (up to severity 2)". */
export function describeRule(rule: PolicyRule, vendor?: VendorId, style: Style = 'mrkdwn'): string {
  const user = (id: string) => (style === 'mrkdwn' ? `<@${id}>` : `user ${id}`);
  const group = (id: string) =>
    style === 'mrkdwn' ? `members of <!subteam^${id}>` : `members of group ${id}`;
  const channel = (id: string) => (style === 'mrkdwn' ? `<#${id}>` : `channel ${id}`);
  const who = rule.anyone ? 'anyone' : [...rule.users.map(user), ...rule.groups.map(group)].join(', ');
  const where = rule.channels.length > 0 ? ` in ${rule.channels.map(channel).join(' or ')}` : '';
  const cap =
    rule.maxSeverity !== undefined && rule.maxSeverity > 1
      ? ` (up to ${severityAt(rule.maxSeverity, vendor)})`
      : '';
  return `${who}${where}${cap}`;
}

/** How a denial cites a rule: `rule "on-call" (policy.yaml line 14)`. */
function cite({ name, source }: RuleCitation, style: Style): string {
  // Rule names are free text from the file: in mrkdwn, `<`, `>` and `&` would start links and mentions.
  const safe = (text: string) =>
    style === 'mrkdwn' ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
  return source ? `rule "${safe(name)}" (${safe(source)})` : `rule "${safe(name)}"`;
}

/** Who may do it instead, one entry per rule; empty when nobody may. */
export function whoMay(denial: PolicyDenial, style: Style = 'mrkdwn'): string[] {
  return denial.whoMay.map((rule) => describeRule(rule, denial.vendor, style));
}

/** The denial as the person reads it: what they may not do, the rule that says so, and who may. */
export function denialText(denial: PolicyDenial, style: Style = 'mrkdwn'): string {
  if (denial.kind === 'unknown-action') {
    const action = style === 'mrkdwn' ? escapeMrkdwn(denial.action) : denial.action;
    return `caseops has no policy for "${action}" yet.`;
  }
  const named = denial.vendor ? vendorName(denial.vendor) : undefined;
  const who = whoMay(denial, style);
  if (denial.kind === 'severity-cap') {
    const asked = severityAt(denial.asked, denial.vendor);
    const cap = severityAt(denial.cap, denial.vendor);
    const at = named ? ` at ${named}` : '';
    return (
      `You may open cases${at} up to ${cap}, not ${asked}: ${cite(denial.capRule, style)} caps you there. ` +
      (who.length > 0
        ? `A ${asked} case may be opened by ${who.join('; ')}.`
        : `Nobody may open a ${asked} case${at} through caseops.`)
    );
  }
  const what =
    denial.action === 'digest'
      ? ACTION_PHRASES.digest
      : `${ACTION_PHRASES[denial.action]} ${named ?? ''} cases`.trim();
  const cited = cite(denial.rules, style);
  return who.length === 0
    ? `Nobody may ${what} through caseops: ${cited} allows nobody.`
    : `You may not ${what}: ${cited} allows only ${who.join('; ')}.`;
}

// Response clocks and nudges ----------------------------------------------------------------------------------

/** "45 min", "5 h", "2 d": how long, rounded down to what a person glances at. */
export function glanceDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "Waiting on us for 5 h", "Cisco silent for 2 d", "Open for 3 h". */
export function clockWords(
  clock: { situation: 'waiting-on-us' | 'vendor-silent' | 'open'; since: string },
  now: Date,
  vendor: VendorId,
): string {
  const lasted = glanceDuration(now.getTime() - Date.parse(clock.since));
  switch (clock.situation) {
    case 'waiting-on-us':
      return `Waiting on us for ${lasted}`;
    case 'vendor-silent':
      return `${vendorName(vendor)} silent for ${lasted}`;
    case 'open':
      return `Open for ${lasted}`;
  }
}

// "Send to vendor as note" and link unfurls ----------------------------------------------------------------------

/** What the "Send to vendor as note" shortcut says; `name` is a vendor's full name, `user` a Slack user id. */
export const SEND_AS_NOTE_WORDS = {
  title: 'Send as note',
  submit: 'Send note',
  backLink: (permalink: string) => `From Slack: ${permalink}`,
  caseLine: (name: string, id: string) => `Send this message as a note to ${name} case \`${id}\`.`,
  askCase: 'Which case should this message go to as a note?',
  noVendors:
    'No vendor configured in this workspace takes notes through caseops. `/case help` shows what each allows.',
  pickVendor: 'Pick the vendor.',
  sent: (name: string, id: string) => `:white_check_mark: Sent to ${name} case \`${id}\` as a note.`,
  alreadySent: (name: string, id: string) =>
    `This message was already sent to ${name} case \`${id}\` as a note; it was not sent twice.`,
  inProgress: (name: string) =>
    `This message is being sent to ${name} right now (another click or another person); it is sent once.`,
  threadReply: (name: string, user: string) => `Sent to ${name} as a note by <@${user}>`,
  visibilityHint: 'For vendors that keep notes internal or external; the others ignore it.',
} as const;

/** The reaction caseops leaves on a message it sent to a vendor as a note. */
export const SENT_AS_NOTE_REACTION = 'white_check_mark';
