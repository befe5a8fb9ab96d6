/** Equinix tickets → the normalised Case. The one place that knows what an Equinix status means. */
import type { Case, CaseField, CaseState } from '../../domain/case.js';
import type { EquinixOpenRequest } from './open-request.js';
import {
  CASE_NUMBER_PATTERN,
  type EquinixStatus,
  type EquinixTicket,
  ORDER_NUMBER_PATTERN,
} from './schemas.js';

/** What each documented Equinix status means; a status added to the schema's list must be mapped here. */
export const EQUINIX_STATUS_STATES = {
  SUBMITTED: 'open',
  IN_PROGRESS: 'waiting-on-vendor',
  ACTION_REQUIRED: 'waiting-on-customer',
  RESOLVED: 'resolved',
  CLOSED: 'closed',
  CANCELLED: 'cancelled',
} as const satisfies Record<EquinixStatus, CaseState>;

/** An Equinix status as a CaseState; a status Equinix adds later reads as "open" until mapped here. */
export function equinixStateOf(status: string): CaseState {
  return Object.hasOwn(EQUINIX_STATUS_STATES, status)
    ? EQUINIX_STATUS_STATES[status as EquinixStatus]
    : 'open';
}

/** Card titles are one line; the full description stays at Equinix. */
const TITLE_MAX = 200;

function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
}

/** A vendor timestamp as ISO-8601, or undefined when absent or unreadable (Equinix sends "" for "none"). */
function isoOrUndefined(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function nonEmpty(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The case number and order number a ticket is known by; either may be missing. */
export function ticketNumbers(ticket: EquinixTicket): { caseNumber?: string; orderNumber?: string } {
  const candidates = [ticket.id, ticket.orderId].flatMap((v) => nonEmpty(v) ?? []);
  return {
    caseNumber: candidates.find((v) => CASE_NUMBER_PATTERN.test(v)),
    orderNumber: candidates.find((v) => ORDER_NUMBER_PATTERN.test(v)),
  };
}

export function equinixTicketToCase(ticket: EquinixTicket): Case {
  const { caseNumber, orderNumber } = ticketNumbers(ticket);
  // People look a case up again by its case number; an order without one is known by its order number.
  const id = caseNumber ?? orderNumber ?? ticket.id;
  const alternateIds = [...new Set([caseNumber, orderNumber, ticket.id].flatMap((v) => v ?? []))].filter(
    (v) => v !== id,
  );
  const details = ticket.otherDetails ?? undefined;
  const status = nonEmpty(ticket.status) ?? 'UNKNOWN';

  const fields: CaseField[] = [];
  const ibx = (ticket.location?.ibx ?? []).map((v) => v.trim()).filter(Boolean);
  if (ibx.length > 0) fields.push({ label: 'IBX', value: ibx.join(', ') });
  const category = [nonEmpty(details?.category), nonEmpty(details?.subCategory)].filter(Boolean).join(' / ');
  if (category) fields.push({ label: 'Category', value: category });
  const accountName = nonEmpty(ticket.accountName);
  const accountNumber = nonEmpty(ticket.accountNumber);
  if (accountName || accountNumber) {
    fields.push({
      label: 'Account',
      value:
        accountName && accountNumber ? `${accountName} (${accountNumber})` : (accountName ?? accountNumber)!,
    });
  }
  const products = (details?.products ?? []).map((v) => v.trim()).filter(Boolean);
  if (products.length > 0) fields.push({ label: 'Products', value: products.join(', ') });
  const reference = nonEmpty(ticket.customerReferenceId);
  if (reference) fields.push({ label: 'Reference', value: reference });

  const allows: NonNullable<Case['allows']> = {};
  // The notes call is Equinix's "modify a case", so `modifiable` says whether a note is accepted.
  if (typeof details?.modifiable === 'boolean') allows.annotate = details.modifiable;
  if (typeof details?.cancellable === 'boolean') allows.cancel = details.cancellable;

  return {
    vendor: 'equinix',
    id,
    alternateIds,
    title: titleFrom(nonEmpty(details?.description) ?? nonEmpty(details?.category) ?? `Equinix case ${id}`),
    status,
    state: equinixStateOf(status),
    // The document has no severity and no owner field (`updatedByFullName` is the last editor).
    severity: undefined,
    owner: undefined,
    createdAt: isoOrUndefined(ticket.createdDateTime),
    updatedAt: isoOrUndefined(details?.updatedDateTime),
    // No per-case portal URL is documented.
    url: undefined,
    // The documented get answer carries no notes.
    notes: [],
    fields,
    allows: Object.keys(allows).length > 0 ? allows : undefined,
  };
}

/**
 * What is known of a case Equinix has just accepted when reading it back failed: the id it answered with and
 * what we sent. A new ticket starts as SUBMITTED.
 */
export function justCreatedCase(id: string, request: EquinixOpenRequest, reference: string): Case {
  return {
    vendor: 'equinix',
    id,
    alternateIds: [],
    title: titleFrom(request.description),
    status: 'SUBMITTED',
    state: equinixStateOf('SUBMITTED'),
    notes: [],
    fields: [{ label: 'Reference', value: reference }],
  };
}

/** What is known of a case after Equinix accepted its cancel, when reading it back failed. */
export function justCancelledCase(id: string): Case {
  return {
    vendor: 'equinix',
    id,
    alternateIds: [],
    title: `Equinix case ${id}`,
    status: 'CANCELLED',
    state: equinixStateOf('CANCELLED'),
    notes: [],
    fields: [],
  };
}
