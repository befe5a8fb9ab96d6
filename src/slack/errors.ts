/**
 * Every failure a person can meet, turned into the words they read in Slack, in one place. Listeners never
 * show an error's stack or raw code: they call `describeError` and put the result on the surface they have
 * (an ephemeral reply, a modal field error, an updated modal).
 */
import { randomBytes } from 'node:crypto';
import { VENDOR_NAMES, type VendorId } from '../domain/case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  DeniedError,
  InvalidInputError,
  OutcomeUnknownError,
  StoreUnavailableError,
  UnsupportedOperationError,
  VendorError,
  VendorNotConfiguredError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../domain/errors.js';
import { PolicyCheckUnavailableError } from '../domain/policy-gate.js';
import type { Logger } from '../logging/logger.js';
import { escapeMrkdwn } from './blocks/limits.js';

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

function vendorName(vendor: VendorId | string): string {
  return VENDOR_NAMES[vendor as VendorId] ?? vendor;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return 'a minute';
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** The shape of errors thrown by @slack/web-api, read without depending on its classes. */
interface SlackApiErrorLike {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
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

function describeSlackApiError(error: SlackApiErrorLike): string | undefined {
  if (error.code === 'slack_webapi_rate_limited_error') {
    return `Slack is rate limiting caseops. Try again in ${seconds((error.retryAfter ?? 60) * 1000)}.`;
  }
  if (error.code === 'slack_webapi_platform_error') {
    const code = error.data?.error ?? 'unknown_error';
    return SLACK_ERROR_WORDS[code] ?? `Slack refused the request (\`${escapeMrkdwn(code)}\`).`;
  }
  if (error.code === 'slack_webapi_request_error') {
    return 'Slack did not answer caseops in time. Try again in a minute.';
  }
  if (error.code === 'slack_webapi_http_error') {
    return `Slack answered with an error (HTTP ${error.statusCode ?? '?'}). Try again in a minute.`;
  }
  return undefined;
}

/** True for errors from @slack/web-api (as opposed to vendors or our own code). */
export function isSlackApiError(error: unknown): boolean {
  const code = (error as SlackApiErrorLike | undefined)?.code;
  return typeof code === 'string' && code.startsWith('slack_webapi_');
}

export function slackErrorCode(error: unknown): string | undefined {
  return (error as SlackApiErrorLike | undefined)?.data?.error;
}

/**
 * The words for `error`. Unknown errors get a short reference that is also logged (with the stack) when a
 * logger is given, so support can find it; the person never sees internals.
 */
export function describeError(error: unknown, logger?: Logger): UserFacingError {
  const fixable = (text: string, field?: string): UserFacingError => ({
    text,
    field,
    retryable: false,
    resubmittable: true,
  });
  if (error instanceof InvalidInputError) return fixable(escapeMrkdwn(error.message), error.field);
  if (error instanceof VendorNotConfiguredError) {
    return fixable(
      `${error.vendor} is not configured in this workspace. \`/case help\` lists the vendors that are.`,
    );
  }
  // A denial's message is mrkdwn the policy built (mentions of who may, names escaped there): shown as is.
  if (error instanceof DeniedError) return fixable(`:no_entry: ${error.message}`);
  if (error instanceof PolicyCheckUnavailableError) {
    return { text: escapeMrkdwn(error.message), retryable: true, resubmittable: true };
  }
  if (error instanceof VendorError) return describeVendorError(error);
  const slack = describeSlackApiError(error as SlackApiErrorLike);
  if (slack) return { text: slack, retryable: true, resubmittable: true };
  if (error instanceof StoreUnavailableError) {
    // Safe to repeat: a vendor write claims its record before the vendor call (so a failure there sent
    // nothing), bookkeeping after the call is never thrown at a person, and watches are idempotent.
    logger?.warn({ err: error }, 'the database was unreachable while handling a request');
    return {
      text: 'caseops could not reach its database just now. Try again in a minute: doing so is safe, nothing is done twice.',
      retryable: true,
      resubmittable: true,
    };
  }
  const reference = randomBytes(3).toString('hex');
  logger?.error({ err: error, reference }, 'unexpected failure shown to a user');
  return {
    text: `Something went wrong inside caseops (reference \`${reference}\`). Nothing more is known here; the details are in caseops' log.`,
    retryable: false,
    resubmittable: true,
  };
}

function describeVendorError(error: VendorError): UserFacingError {
  const name = vendorName(error.vendor);
  if (error instanceof CaseNotFoundError) {
    return {
      text: `No ${name} case \`${escapeMrkdwn(error.caseId)}\` was found.`,
      retryable: false,
      resubmittable: true,
    };
  }
  if (error instanceof VendorRejectedError) {
    return {
      text: `${name} refused: ${escapeMrkdwn(error.reason)}`,
      retryable: false,
      resubmittable: true,
    };
  }
  if (error instanceof CaseConflictError) {
    return {
      text: `${name} says the case cannot be changed now: ${escapeMrkdwn(error.reason)}`,
      retryable: false,
      resubmittable: false,
    };
  }
  if (error instanceof VendorThrottledError) {
    return {
      text: `${name} is rate limiting caseops. Nothing was sent; try again in ${seconds(error.retryAfterMs)}.`,
      retryable: true,
      resubmittable: true,
    };
  }
  if (error instanceof VendorUnauthorisedError) {
    return {
      text: `${name} refused caseops' credentials, so nothing was done. An admin needs to check them.`,
      retryable: false,
      resubmittable: true,
    };
  }
  if (error instanceof OutcomeUnknownError) {
    return {
      text:
        `:warning: ${name} did not confirm the request (${escapeMrkdwn(error.detail)}). ` +
        `It may have gone through: check ${name} for reference \`${escapeMrkdwn(error.idempotencyKey)}\` before trying again. ` +
        'caseops will not repeat it by itself.',
      retryable: false,
      resubmittable: false,
    };
  }
  if (error instanceof VendorUnavailableError) {
    return {
      text: error.outcomeUncertain
        ? `:warning: ${name} did not answer properly (${escapeMrkdwn(error.detail)}); the request may have gone through. Check ${name} before trying again.`
        : `${name} is not answering properly (${escapeMrkdwn(error.detail)}). Nothing was changed; try again in a minute.`,
      retryable: !error.outcomeUncertain,
      resubmittable: !error.outcomeUncertain,
    };
  }
  if (error instanceof UnsupportedOperationError) {
    const words = OPERATION_WORDS[error.operation] ?? `"${escapeMrkdwn(error.operation)}"`;
    const why = error.why ?? '';
    return {
      text: `${name} does not allow ${words} through its API${why ? `: ${escapeMrkdwn(why.replace(/\.$/, ''))}` : ''}.`,
      retryable: false,
      resubmittable: false,
    };
  }
  return { text: escapeMrkdwn(error.message), retryable: error.retryable, resubmittable: true };
}
