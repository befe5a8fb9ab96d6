/**
 * Typed errors. Every failure a person can meet has a code here; the Slack layer maps codes to surfaces in one
 * place (src/slack/errors.ts). Messages are written for the on-call engineer who will read them.
 */
import type { VendorId } from './case.js';
import type { PolicyDenial } from './policy.js';

export type CaseopsErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'rejected'
  | 'conflict'
  | 'throttled'
  | 'unauthorised'
  | 'unavailable'
  | 'unsupported'
  | 'outcome_unknown'
  | 'not_configured'
  | 'denied'
  | 'store_unavailable';

/** How a request that failed this way ended, for counting: refused by policy, unusable input, or failed. */
export type ErrorOutcome = 'denied' | 'invalid' | 'error';

/**
 * Every caseops error says what kind of failure it is through its flags, so callers (the words a person reads,
 * whether a form is offered again, the usage line, the metrics) read flags instead of lists of classes.
 */
export abstract class CaseopsError extends Error {
  abstract readonly code: CaseopsErrorCode;
  /** True when the same call may succeed later without anyone changing anything. */
  readonly retryable: boolean = false;
  readonly outcome: ErrorOutcome = 'error';
  /**
   * True when nothing reached the vendor, or the vendor refused: the person can fix the form and send it again.
   * False when resending could do the thing twice, or when editing the form cannot change the answer.
   */
  readonly resubmittable: boolean = true;
  /** True when the command's usage line helps: the person can fix what they typed. */
  readonly showUsage: boolean = false;
}

/** What a person typed or submitted is not acceptable; `field` names the form field when there is one. */
export class InvalidInputError extends CaseopsError {
  readonly code = 'invalid_input';
  override readonly outcome = 'invalid';
  override readonly showUsage: boolean;
  constructor(
    message: string,
    /** The form field, or `usage` when the message already ends with the usage line. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
    this.showUsage = field !== 'usage';
  }
}

/**
 * A channel's digest schedule fires more often than the operator allows (DIGEST_MIN_INTERVAL). The person can
 * fix it by typing a slower schedule; the surface words it with the minimum and an example.
 */
export class ScheduleTooFrequentError extends InvalidInputError {
  constructor(
    readonly schedule: string,
    /** The shortest gap between two of its fires, in milliseconds. */
    readonly shortestGapMs: number,
    /** The operator's minimum, in milliseconds. */
    readonly minimumMs: number,
  ) {
    super(
      `the digest schedule "${schedule}" fires ${shortestGapMs} ms apart, under the minimum of ${minimumMs} ms`,
      'schedule',
    );
    this.name = 'ScheduleTooFrequentError';
  }
}

export class VendorNotConfiguredError extends CaseopsError {
  readonly code = 'not_configured';
  override readonly outcome = 'invalid';
  override readonly showUsage = true;
  constructor(readonly vendor: string) {
    super(`${vendor} is not configured in this workspace.`);
    this.name = 'VendorNotConfiguredError';
  }
}

/**
 * How much of a vendor's own words an error quotes. A vendor may answer with a page of text (an HTML error
 * page, thousands of validation messages); people read the first part, and a Slack section holds 3000.
 */
export const VENDOR_WORDS_MAX = 500;

export function vendorWords(text: string): string {
  return text.length > VENDOR_WORDS_MAX ? `${text.slice(0, VENDOR_WORDS_MAX - 1)}…` : text;
}

/** Base of every error that came from (or on the way to) a vendor. */
export abstract class VendorError extends CaseopsError {
  constructor(
    readonly vendor: VendorId,
    message: string,
    /** HTTP status the vendor answered with, when there was one. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

export class CaseNotFoundError extends VendorError {
  readonly code = 'not_found';
  constructor(
    vendor: VendorId,
    readonly caseId: string,
    httpStatus?: number,
  ) {
    super(vendor, `No case ${caseId} was found at ${vendor}.`, httpStatus);
    this.name = 'CaseNotFoundError';
  }
}

/** The vendor understood the request and refused it; `reason` is the vendor's own words. */
export class VendorRejectedError extends VendorError {
  readonly code = 'rejected';
  readonly reason: string;
  constructor(
    vendor: VendorId,
    reason: string,
    httpStatus?: number,
    /** The vendor's error code (EQ-…, INVALID_DATERANGE, …) when it gives one. */
    readonly vendorCode?: string,
  ) {
    super(vendor, `${vendor} refused the request: ${vendorWords(reason)}`, httpStatus);
    this.reason = vendorWords(reason);
    this.name = 'VendorRejectedError';
  }
}

/** The case cannot be changed in its current state (Equinix 409, Juniper "already submitted"). */
export class CaseConflictError extends VendorError {
  readonly code = 'conflict';
  override readonly resubmittable = false;
  readonly reason: string;
  constructor(vendor: VendorId, reason: string, httpStatus?: number) {
    super(vendor, `${vendor} says the case cannot be changed now: ${vendorWords(reason)}`, httpStatus);
    this.reason = vendorWords(reason);
    this.name = 'CaseConflictError';
  }
}

export class VendorThrottledError extends VendorError {
  readonly code = 'throttled';
  override readonly retryable = true;
  constructor(
    vendor: VendorId,
    /** How long the vendor asked us to wait, in milliseconds, when it said. */
    readonly retryAfterMs?: number,
    httpStatus?: number,
    detail?: string,
  ) {
    super(vendor, `${vendor} is rate limiting us${detail ? ` (${vendorWords(detail)})` : ''}.`, httpStatus);
    this.name = 'VendorThrottledError';
  }
}

/**
 * caseops' own share of the vendor's rate budget is used up for this person: their queue is full, or the call
 * would wait longer than its timeout. Nothing was sent, so trying again shortly is safe; the surface says how
 * long the wait would have been. Counted as throttling, which it is, only by caseops instead of the vendor.
 */
export class VendorBusyError extends VendorError {
  readonly code = 'throttled';
  override readonly retryable = true;
  constructor(
    vendor: VendorId,
    /** The call that was refused ("lookup", "open", …). */
    readonly operation: string,
    /** About how long it would have waited, in milliseconds. */
    readonly waitMs: number,
    /** True when the person already had their share of calls waiting. */
    readonly personQueueFull: boolean,
  ) {
    super(
      vendor,
      `${vendor} is busy: the ${operation} call would wait about ${Math.ceil(waitMs / 1000)} s${personQueueFull ? ' (the person has their share queued)' : ''}`,
    );
    this.name = 'VendorBusyError';
  }
}

/** Our credentials were refused (after one token refresh). An operator must act. */
export class VendorUnauthorisedError extends VendorError {
  readonly code = 'unauthorised';
  constructor(vendor: VendorId, detail: string, httpStatus?: number) {
    super(vendor, `${vendor} refused caseops' credentials: ${vendorWords(detail)}`, httpStatus);
    this.name = 'VendorUnauthorisedError';
  }
}

/** Timeouts, network failures, 5xx, bodies we could not understand. */
export class VendorUnavailableError extends VendorError {
  readonly code = 'unavailable';
  override readonly retryable = true;
  override readonly resubmittable: boolean;
  readonly detail: string;
  constructor(
    vendor: VendorId,
    detail: string,
    httpStatus?: number,
    /**
     * True when the request may have reached the vendor and been carried out (a timeout or dropped connection
     * after sending, a success status with a body we could not read). A write that fails this way must be
     * checked through its idempotency key, never repeated blindly.
     */
    readonly outcomeUncertain = false,
  ) {
    super(vendor, `${vendor} is not answering properly: ${vendorWords(detail)}`, httpStatus);
    this.detail = vendorWords(detail);
    this.name = 'VendorUnavailableError';
    // The request may have been carried out: sending the form again could do it twice.
    this.resubmittable = !outcomeUncertain;
  }
}

export class UnsupportedOperationError extends VendorError {
  readonly code = 'unsupported';
  override readonly outcome = 'invalid';
  override readonly resubmittable = false;
  override readonly showUsage = true;
  constructor(
    vendor: VendorId,
    readonly operation: string,
    /** The vendor's reason, when known ("the API is read-only"). */
    readonly why?: string,
  ) {
    super(vendor, `${vendor} does not allow "${operation}" through its API${why ? `: ${why}` : ''}.`);
    this.name = 'UnsupportedOperationError';
  }
}

/**
 * A write was sent but we cannot tell whether the vendor carried it out (timeout after sending, and the vendor
 * offers no way to look the idempotency key up). It must never be retried blindly.
 */
export class OutcomeUnknownError extends VendorError {
  readonly code = 'outcome_unknown';
  override readonly resubmittable = false;
  /** What happened to the request, in words ("timed out after 10 s"). */
  readonly detail: string;
  constructor(
    vendor: VendorId,
    readonly idempotencyKey: string,
    detail: string,
  ) {
    super(
      vendor,
      `${vendor} did not confirm the request (${vendorWords(detail)}). It may have been carried out: check ${vendor} for reference ${idempotencyKey} before trying again.`,
    );
    this.detail = vendorWords(detail);
    this.name = 'OutcomeUnknownError';
  }
}

/**
 * A policy rule stopped the action. `denial` says why (the action, the vendor, the rules and who may, or the
 * severity cap); the surface words it. The message is for logs only.
 */
export class DeniedError extends CaseopsError {
  readonly code = 'denied';
  override readonly outcome = 'denied';
  /** Only a severity cap is changed by editing the form (a less severe case); any other denial stands. */
  override readonly resubmittable: boolean;
  constructor(
    readonly rule: string,
    readonly denial: PolicyDenial,
  ) {
    super(`the policy refused ${denial.action}${denial.vendor ? ` at ${denial.vendor}` : ''}: ${rule}`);
    this.name = 'DeniedError';
    this.resubmittable = denial.kind === 'severity-cap';
  }
}

/**
 * The case lives in a private channel (it was opened or first watched there) and the person is neither in that
 * channel nor named by a lookup rule, so it is not shown, watched or posted anywhere else for them.
 */
export class CaseElsewhereError extends CaseopsError {
  readonly code = 'denied';
  override readonly outcome = 'denied';
  override readonly resubmittable = false;
  constructor(
    readonly vendor: VendorId,
    readonly caseId: string,
    /** The private channel the case belongs to. */
    readonly homeChannelId: string,
  ) {
    super(`case ${vendor}:${caseId} belongs to private channel ${homeChannelId}`);
    this.name = 'CaseElsewhereError';
  }
}

/**
 * caseops' own database could not be reached (a restart, a dropped connection, SQLite locked past its busy
 * timeout). The store raises it; nothing was done twice, so the person may simply try again.
 */
export class StoreUnavailableError extends CaseopsError {
  readonly code = 'store_unavailable';
  override readonly retryable = true;
  constructor(cause: unknown) {
    super('caseops could not reach its database', { cause });
  }
}

export function isCaseopsError(error: unknown): error is CaseopsError {
  return error instanceof CaseopsError;
}
