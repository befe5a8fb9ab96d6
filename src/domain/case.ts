/**
 * The normalised case every vendor adapter produces. The domain and the Slack layer only ever see this shape;
 * vendor-specific fields survive in `fields` for display.
 */

/**
 * A vendor plugin's id ("equinix"). The domain knows no vendor by name: which vendors exist, what they are
 * called and what they allow comes from the plugins, through the ports.
 */
export type VendorId = string;

/** Normalised lifecycle states; each adapter maps its vendor's statuses onto these in its own mapper. */
export const CASE_STATES = [
  'open',
  'waiting-on-vendor',
  'waiting-on-customer',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States after which a case no longer moves by itself (the poller still refreshes them while watched). */
export const TERMINAL_STATES: ReadonlySet<CaseState> = new Set(['closed', 'cancelled']);

export interface CaseNote {
  text: string;
  author?: string;
  /** ISO-8601 instant. */
  createdAt?: string;
  visibility?: 'INTERNAL' | 'EXTERNAL';
  /** 'slack' for a note caseops sent from Slack and keeps itself; absent for the vendor's own. */
  source?: 'vendor' | 'slack';
  /** The Slack user who sent it, for `source: 'slack'`. */
  slackUserId?: string;
}

/** One entry of the vendor's own record of a case's status changes. */
export interface CaseStatusEntry {
  /** The status as the vendor says it. */
  status: string;
  /** ISO-8601: when the vendor says the case took it. */
  at?: string;
}

/** A label/value pair kept from the vendor's answer for display on a card (e.g. "IBX": "SV5"). */
export interface CaseField {
  label: string;
  value: string;
}

/**
 * One thing the vendor said about a case, in words a person reads (enum values already turned into the
 * words the forms use). `group` gathers related details under one heading ("Hardware", "Contacts").
 */
export interface CaseDetail {
  group?: string;
  label: string;
  value: string;
}

export interface Case {
  vendor: VendorId;
  /** The id a person uses to look the case up again at this vendor. */
  id: string;
  /** Other ids the vendor knows the case by (Equinix order number, Juniper incident key, …). */
  alternateIds: string[];
  title: string;
  /** Status exactly as the vendor says it. */
  status: string;
  state: CaseState;
  /** Severity or priority as the vendor says it ("3", "2 - High", "URGENT"). */
  severity?: string;
  /**
   * How urgent the severity is on a scale where 1 is the most urgent (Cisco Sev 1, Juniper P1, ServiceOps
   * Urgent), so a card can make it stand out without knowing the vendor. Absent when the vendor has none.
   */
  severityLevel?: number;
  owner?: string;
  /** ISO-8601 instants. */
  createdAt?: string;
  updatedAt?: string;
  /** The vendor portal page for this case, where the vendor has one. */
  url?: string;
  /** Newest first, where the API returns notes. */
  notes: CaseNote[];
  /**
   * The vendor's own record of the status changes, oldest first, where its API keeps one: it names steps a
   * poll between them never saw. Absent when the vendor keeps none.
   */
  statusHistory?: CaseStatusEntry[];
  /** The few vendor fields a card shows beside the status. Never holds a credential. */
  fields: CaseField[];
  /**
   * Every field the vendor returned, for the Details view (the card shows only `fields`). Absent when the
   * vendor said nothing beyond `fields`. Never holds a credential.
   */
  details?: CaseDetail[];
  /**
   * What this particular case allows right now, when the vendor says so (Equinix `otherDetails.cancellable`
   * / `modifiable`). Absent means "as the vendor's capabilities say".
   */
  allows?: { annotate?: boolean; cancel?: boolean };
}

/** The key a case is stored and compared under, across vendors. */
export function caseKey(vendor: VendorId, id: string): string {
  return `${vendor}:${id}`;
}
