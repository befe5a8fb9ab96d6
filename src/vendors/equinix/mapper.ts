/** Equinix tickets → the normalised Case. The one place that knows what an Equinix status means. */
import type { Case, CaseDetail, CaseField, CaseState, CaseStatusEntry } from '../../domain/case.js';
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
  // `modifiable` does not decide whether a note is accepted: the document's own sample is an IN_PROGRESS case
  // with `modifiable: false`, and notes are what people add to a case in progress. Add note stays offered and
  // Equinix's refusal, if it comes, is told in its words.
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
    statusHistory: statusHistoryOf(ticket),
    fields,
    details: ticketDetails(ticket, fields),
    allows: Object.keys(allows).length > 0 ? allows : undefined,
  };
}

/** `otherDetails.statusHistory` as the case's status record, oldest first; undated entries keep their place. */
function statusHistoryOf(ticket: EquinixTicket): CaseStatusEntry[] | undefined {
  const history = ticket.otherDetails?.statusHistory;
  if (!history) return undefined;
  const entries = history.flatMap((change) => {
    const status = nonEmpty(change.status);
    if (!status) return [];
    const at = isoOrUndefined(change.createdDate);
    return [{ status, ...(at ? { at } : {}) }];
  });
  const dated = entries.every((entry) => entry.at !== undefined);
  // The document does not say in which order the entries come: dated ones are put oldest first.
  return dated ? entries.sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : 0)) : entries;
}

const YES_NO = (value: boolean | null | undefined) =>
  typeof value === 'boolean' ? (value ? 'Yes' : 'No') : undefined;

/** Every field of the ticket, for the Details view: location, products, reference, contacts, history. */
function ticketDetails(ticket: EquinixTicket, headline: readonly CaseField[]): CaseDetail[] {
  const other = ticket.otherDetails ?? undefined;
  const out: CaseDetail[] = headline.map((f) => ({ group: 'Case', ...f }));
  const add = (group: string, label: string, value: string | null | undefined) => {
    const shown = nonEmpty(value);
    if (shown) out.push({ group, label, value: shown });
  };
  add('Case', 'Order number', ticketNumbers(ticket).orderNumber);
  add('Case', 'Opened through', ticket.channel);
  add('Case', 'Last updated by', other?.updatedByFullName);
  add('Case', 'Changes accepted', YES_NO(other?.modifiable));
  add('Case', 'Can be cancelled', YES_NO(other?.cancellable));
  for (const contact of ticket.contacts ?? []) {
    const name = [nonEmpty(contact.firstName), nonEmpty(contact.lastName)].filter(Boolean).join(' ');
    const reach = (contact.details ?? [])
      .flatMap((d) => (nonEmpty(d.value) ? [`${nonEmpty(d.type) ?? 'contact'}: ${d.value}`] : []))
      .join(', ');
    const users = (contact.registeredUsers ?? []).join(', ');
    const value = [name, reach, users].filter(Boolean).join(' · ');
    add('Contacts', contactTypeWords(contact.type), value);
  }
  for (const change of other?.statusHistory ?? []) {
    const at = isoOrUndefined(change.createdDate);
    add('Status history', at ? `${at.slice(0, 16).replace('T', ' ')} UTC` : 'Undated', change.status);
  }
  return out;
}

/** The document's contact types (NOTIFICATION, TECHNICAL) in words. */
function contactTypeWords(type: string | null | undefined): string {
  const known: Record<string, string> = {
    NOTIFICATION: 'Notification contact',
    TECHNICAL: 'Technical contact',
  };
  const key = nonEmpty(type)?.toUpperCase();
  return key ? (known[key] ?? `${type} contact`) : 'Contact';
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
