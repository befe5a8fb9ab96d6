/** Reading Equinix's answers: its error array, as the typed errors the rest of caseops words for people. */
import {
  CaseConflictError,
  CaseNotFoundError,
  type VendorError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../../domain/errors.js';
import { excerpt, type FailedAnswer, parseRetryAfter } from '../http/wire.js';
import { EquinixErrorBody } from './schemas.js';
import { EQUINIX } from './terms.js';

const VENDOR = EQUINIX.id;

/** Equinix locks the account after 5 refused token requests in a row: after one refusal, wait this long. */
export const TOKEN_REFUSAL_COOLDOWN_MS = 5 * 60_000;

/** The messages and EQ codes of Equinix's error array (or of a lone error object). */
function readErrors(answer: FailedAnswer): { messages: string[]; codes: string[] } {
  const parsed = EquinixErrorBody.safeParse(answer.json);
  const items = parsed.success ? parsed.data : [];
  const messages = items.flatMap((item) => {
    const message =
      item.errorMessage?.trim() || (typeof item.details === 'string' ? item.details.trim() : '');
    return message ? [message] : [];
  });
  const codes = items.flatMap((item) => (item.errorCode?.trim() ? [item.errorCode.trim()] : []));
  return { messages: [...new Set(messages)], codes: [...new Set(codes)] };
}

/** The vendor's own words for a failed answer, with its EQ codes for anyone who contacts Equinix. */
function describeErrors(answer: FailedAnswer, errors: { messages: string[]; codes: string[] }): string {
  const words = errors.messages.join('; ') || excerpt(answer.text) || `HTTP ${answer.status}`;
  return errors.codes.length > 0 ? `${words} (${errors.codes.join(', ')})` : words;
}

/** Reads Equinix's error array into the typed error for its status. */
export function mapEquinixError(answer: FailedAnswer, now: number): VendorError | undefined {
  const errors = readErrors(answer);
  const reason = describeErrors(answer, errors);
  const status = answer.status;
  if (status === 400 || status === 403)
    return new VendorRejectedError(VENDOR, reason, status, errors.codes[0]);
  if (status === 401) return new VendorUnauthorisedError(VENDOR, reason, status);
  if (status === 404 && answer.caseId !== undefined)
    return new CaseNotFoundError(VENDOR, answer.caseId, status);
  if (status === 409) {
    const said = errors.messages.length > 0 ? reason : 'it cannot be changed in its current state';
    return new CaseConflictError(VENDOR, said, status);
  }
  if (status === 429) {
    const detail = errors.messages.length > 0 ? errors.messages.join('; ') : undefined;
    return new VendorThrottledError(
      VENDOR,
      parseRetryAfter(answer.headers['retry-after'], now),
      status,
      detail,
    );
  }
  if (status >= 500) return new VendorUnavailableError(VENDOR, `HTTP ${status}: ${reason}`, status);
  return undefined;
}

/** The token endpoint answers bad credentials with 400 or 401: both are a refusal, never worth a retry. */
export function mapTokenError(answer: FailedAnswer, now: number): VendorError | undefined {
  if (answer.status === 400 || answer.status === 401) {
    return new VendorUnauthorisedError(
      VENDOR,
      `the token request was refused (${describeErrors(answer, readErrors(answer))}). Check EQUINIX_CLIENT_ID and EQUINIX_CLIENT_SECRET; caseops waits ${TOKEN_REFUSAL_COOLDOWN_MS / 60_000} minutes before asking again, as Equinix locks the account after 5 refusals in a row.`,
      answer.status,
    );
  }
  return mapEquinixError(answer, now);
}
