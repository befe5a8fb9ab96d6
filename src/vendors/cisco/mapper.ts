/**
 * Cisco case → normalised Case. The one place that decides what a Cisco status means (CaseState), how severity
 * reads and which Cisco fields a card shows.
 */
import type { Case, CaseDetail, CaseField, CaseNote, CaseState } from '../../domain/case.js';
import type { CiscoCase, CiscoNote } from './schemas.js';

/** The statuses the API documents, in the words it uses. */
export const CISCO_STATUSES = [
  'Cisco Pending',
  'Customer Pending',
  'Close Pending',
  'Closed',
  'Cisco Release Pending',
  'Service Order Pending',
] as const;

export type CiscoStatus = (typeof CISCO_STATUSES)[number];

/** What each documented status means; a status added to CISCO_STATUSES must be mapped here. */
export const CISCO_STATUS_STATES = {
  'Cisco Pending': 'waiting-on-vendor',
  'Customer Pending': 'waiting-on-customer',
  // Cisco proposes closing; the customer can still object, so it is resolved rather than closed.
  'Close Pending': 'resolved',
  Closed: 'closed',
  'Cisco Release Pending': 'waiting-on-vendor',
  'Service Order Pending': 'waiting-on-vendor',
} as const satisfies Record<CiscoStatus, CaseState>;

const STATE_BY_STATUS: ReadonlyMap<string, CaseState> = new Map(
  Object.entries(CISCO_STATUS_STATES).map(([status, state]) => [status.toLowerCase(), state]),
);

/** A status Cisco adds later falls back on `status_flag` (O open, C closed). */
export function ciscoCaseState(status: string, statusFlag?: string): CaseState {
  const known = STATE_BY_STATUS.get(status.trim().replace(/\s+/g, ' ').toLowerCase());
  if (known) return known;
  return statusFlag?.trim().toUpperCase() === 'C' ? 'closed' : 'open';
}

/** The level in "3", 3, "S3" or "Severity 3"; undefined for anything else. */
export function ciscoSeverityLevel(severity: string | undefined): number | undefined {
  if (severity === undefined) return undefined;
  const level = /^(?:s|sev|severity)?\s*([1-6])$/i.exec(severity.trim())?.[1];
  return level ? Number(level) : undefined;
}

/** "3", 3, "S3" or "Severity 3" → "Sev 3"; anything else is shown as Cisco wrote it. */
export function formatCiscoSeverity(severity: string | undefined): string | undefined {
  if (severity === undefined) return undefined;
  const level = ciscoSeverityLevel(severity);
  return level ? `Sev ${level}` : severity;
}

/** `status_flag` in words. */
const STATUS_FLAG_WORDS: Record<string, string> = { O: 'Open', C: 'Closed' };

export function ciscoCaseToCase(record: CiscoCase): Case {
  const status = record.status.trim();
  return {
    vendor: 'cisco',
    id: record.case_id,
    alternateIds: [],
    title: record.title ?? `Cisco case ${record.case_id}`,
    status,
    state: ciscoCaseState(status, record.status_flag),
    severity: formatCiscoSeverity(record.severity),
    severityLevel: ciscoSeverityLevel(record.severity),
    owner: record.owner_name,
    createdAt: toIsoInstant(record.creation_date),
    updatedAt: toIsoInstant(record.updated_date),
    // Support Case Manager has no per-case address we could confirm; the card links nothing rather than guess.
    url: undefined,
    notes: toNotes(record.notes),
    fields: toFields(record),
    details: toDetails(record),
  };
}

/** What the card shows beside the status, most telling first (a card has room for the first few). */
function toFields(record: CiscoCase): CaseField[] {
  const fields: Array<[string, string | undefined]> = [
    ['Technology', record.technology_name],
    ['Sub-technology', record.sub_technology_name],
    ['Problem code', record.problem_code_name],
    ['Contract', record.contract_id],
    ['Serial number', record.serial_number],
    ['Tracking number', record.tracking_number],
    ['RMAs', joinReferences(record.rmas)],
    ['Bugs', joinReferences(record.bugs)],
  ];
  return fields.flatMap(([label, value]) => (value ? [{ label, value }] : []));
}

/** Every field Cisco returned, for the Details view. */
function toDetails(record: CiscoCase): CaseDetail[] {
  const flag = record.status_flag?.trim().toUpperCase();
  const owner =
    record.owner_name && record.owner_email
      ? `${record.owner_name} (${record.owner_email})`
      : (record.owner_email ?? record.owner_name);
  const closed = toIsoInstant(record.close_date);
  const details: Array<[string, string, string | undefined]> = [
    ['Case', 'Request type', record.request_type],
    ['Case', 'Open or closed', flag ? (STATUS_FLAG_WORDS[flag] ?? record.status_flag) : undefined],
    ['Case', 'Closed on', closed ? `${closed.slice(0, 16).replace('T', ' ')} UTC` : record.close_date],
    ['Case', 'Tracking number', record.tracking_number],
    ['Problem', 'Technology', record.technology_name],
    ['Problem', 'Sub-technology', record.sub_technology_name],
    ['Problem', 'Problem code', record.problem_code_name],
    ['Hardware and contract', 'Contract', record.contract_id],
    ['Hardware and contract', 'Serial number', record.serial_number],
    ['Hardware and contract', 'RMAs', joinReferences(record.rmas)],
    ['Hardware and contract', 'Bugs', joinReferences(record.bugs)],
    ['People', 'Cisco owner', owner],
    ['People', 'Contact', record.contact_name],
    ['People', 'Cisco user id', record.user_id],
  ];
  return details.flatMap(([group, label, value]) => (value ? [{ group, label, value }] : []));
}

/**
 * RMAs and bugs are documented only as "list"; they come as plain numbers or ids, and possibly as objects.
 * For an object, the first field that looks like its identifier is shown.
 */
function joinReferences(items: unknown[]): string | undefined {
  const references = items.flatMap((item): string[] => {
    if (typeof item === 'string' || typeof item === 'number') {
      const text = String(item).trim();
      return text ? [text] : [];
    }
    if (item && typeof item === 'object') {
      for (const [key, value] of Object.entries(item)) {
        if (/(number|_id|^id)$/i.test(key) && (typeof value === 'string' || typeof value === 'number')) {
          const text = String(value).trim();
          if (text) return [text];
        }
      }
    }
    return [];
  });
  return references.length > 0 ? references.join(', ') : undefined;
}

function toNotes(notes: CiscoNote[]): CaseNote[] {
  const readable = notes.flatMap((note, index) => {
    const text = noteText(note);
    if (!text) return [];
    const createdAt = toIsoInstant(note.creation_date);
    return [
      {
        note: { text, author: note.created_by, createdAt },
        index,
        at: createdAt ? Date.parse(createdAt) : undefined,
      },
    ];
  });
  // Newest first; notes without a date go last, in the order Cisco gave them.
  readable.sort((a, b) => {
    if (a.at === undefined || b.at === undefined) {
      return a.at === b.at ? a.index - b.index : a.at === undefined ? 1 : -1;
    }
    return b.at - a.at || a.index - b.index;
  });
  return readable.map((entry) => entry.note);
}

/** `note_detail` carries the text; `note` is a short heading that is usually empty. */
function noteText(note: CiscoNote): string | undefined {
  const heading = note.note;
  const detail = note.note_detail;
  if (heading && detail && !detail.includes(heading)) return `${heading}\n${detail}`;
  return detail ?? heading;
}

/** Cisco's dates are UTC; one written without a zone must not be read as the server's local time. */
function toIsoInstant(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
  const at = Date.parse(zoneless ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}
