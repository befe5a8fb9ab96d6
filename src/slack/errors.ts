/**
 * What kind of failure an error is, decided in one place from the error's own flags (src/domain/errors.ts)
 * and, for Slack's Web API errors, from web-api-errors.ts: how the request is counted, whether the form may be
 * offered again, whether the usage line helps, whether trying again later may work.
 */
import { type ErrorOutcome, isCaseopsError } from '../domain/errors.js';
import { readSlackApiFailure } from './web-api-errors.js';

export interface ErrorKind {
  outcome: ErrorOutcome;
  /** Nothing reached the vendor, or the vendor refused: the form can be fixed and sent again. */
  resubmittable: boolean;
  /** The command's usage line helps: the person can fix what they typed. */
  showUsage: boolean;
  /** The same action may work later without anyone changing anything, and sending it again is safe. */
  retryable: boolean;
}

export function errorKind(error: unknown): ErrorKind {
  if (isCaseopsError(error)) {
    return {
      outcome: error.outcome,
      resubmittable: error.resubmittable,
      showUsage: error.showUsage,
      retryable: error.retryable && error.resubmittable,
    };
  }
  // Slack did not carry the request out (or did not answer): nothing reached a vendor.
  if (readSlackApiFailure(error))
    return { outcome: 'error', resubmittable: true, showUsage: false, retryable: true };
  return { outcome: 'error', resubmittable: true, showUsage: false, retryable: false };
}
