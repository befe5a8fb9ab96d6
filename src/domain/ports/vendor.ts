/**
 * The one interface every vendor adapter implements. The Slack layer, the poller and the digests talk to vendors
 * only through this port; they learn what a vendor allows from `capabilities` instead of failing.
 */

import { CAPABILITIES, type Capability } from '../actions.js';
import type { Case, CaseNote, VendorId } from '../case.js';
import type { VendorError } from '../errors.js';
import type { OpenRequest } from '../open-request.js';
import type { Severity } from '../policy.js';

export { CAPABILITIES, type Capability };

/** How a capability reads in a sentence ("Cisco allows look up, list"). */
export const CAPABILITY_WORDS: Record<Capability, string> = {
  open: 'open',
  lookup: 'look up',
  annotate: 'add notes',
  cancel: 'cancel',
  list: 'list',
};

export interface WriteOptions {
  /**
   * Stable for one intended write, however often it is attempted (a double-clicked submit, a Slack retry, a
   * restart). Adapters carry it to the vendor's own idempotency field where one exists.
   */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export interface OpenResult {
  case: Case;
  /** False when an earlier attempt with the same idempotency key had already created the case. */
  created: boolean;
}

export interface NoteRequest {
  text: string;
  /** Equinix only; other vendors ignore it. Defaults to EXTERNAL as Equinix does. */
  visibility?: CaseNote['visibility'];
}

export interface ListQuery {
  by: 'contract' | 'user';
  ids: string[];
  status?: 'open' | 'closed';
  /** Calendar dates, YYYY-MM-DD, UTC. */
  from?: string;
  to?: string;
}

export interface ListResult {
  cases: Case[];
  /** What the vendor reported as the total, and how many pages were walked to get them. */
  total: number;
  pages: number;
}

export type RefreshOutcome =
  /**
   * `summary`: the answer came from a bulk call that carries only part of a case (no owner, no notes…); the
   * rest is the detail call's (`lookup`).
   */
  { id: string; ok: true; case: Case; summary?: boolean } | { id: string; ok: false; error: VendorError };

export interface VendorHealth {
  vendor: VendorId;
  /** ISO-8601; the last call that got a good answer. */
  lastSuccessAt?: string;
  /**
   * The latest failed call: its code and HTTP status are what people are shown; `message` (redacted) may quote
   * the vendor's answer and is for logs and operators only.
   */
  lastError?: { code: string; message: string; at: string; httpStatus?: number };
  /** While the vendor has asked us to back off. */
  throttledUntil?: string;
  budget: { ratePerSecond: number; maxConcurrent: number; inFlight: number; queued: number };
}

export interface VendorAdapter {
  readonly vendor: VendorId;
  readonly capabilities: ReadonlySet<Capability>;
  /** One line on how this vendor's case ids look, for help and error messages. */
  readonly idHint: string;

  /**
   * Validates and normalises a case id typed by a person. Throws InvalidInputError (with a message saying what
   * an id looks like) for anything that is not a plausible id, so no unvalidated text ever reaches a URL.
   */
  parseCaseId(raw: string): string;

  /** Throws UnsupportedOperationError where `capabilities` lacks `open`. Never creates twice for one key. */
  open(request: OpenRequest, options: WriteOptions): Promise<OpenResult>;
  /**
   * Optional: the case an earlier `open` created with this idempotency key (Juniper: by tracking number;
   * Motadata: by its tag), or undefined when there is none. Settles a write a crash left pending before
   * anything is written again; without it such a write is reported as unknown, never retried blindly.
   */
  findByIdempotencyKey?(idempotencyKey: string): Promise<Case | undefined>;
  lookup(id: string): Promise<Case>;
  /**
   * Optional: the case id a link to the vendor's portal points at, or undefined when the link is not one of
   * this vendor's case pages (the shape comes from the deployment's portal template).
   */
  caseIdFromLink?(url: string): string | undefined;
  /** Refreshes many cases with the vendor's cheapest bulk call (Cisco: summaries of up to 30 ids per call). */
  refresh(ids: readonly string[]): Promise<RefreshOutcome[]>;
  annotate(id: string, note: NoteRequest, options: WriteOptions): Promise<void>;
  /** Cancels (or closes with a reason, where that is the vendor's nearest). Returns the case as it now stands. */
  cancel(id: string, reason: string, options: WriteOptions): Promise<Case>;
  /** Walks every page. */
  list(query: ListQuery): Promise<ListResult>;

  health(): VendorHealth;
  close(): Promise<void>;
}

/**
 * What the domain may know about a vendor without naming it, configured or not: its plugin supplies it. An id
 * no plugin knows (a watch stored before a plugin was removed) gets a profile that just repeats the id.
 */
export interface VendorProfile {
  readonly id: VendorId;
  /** "Motadata ServiceOps". */
  readonly name: string;
  /** Why the vendor lacks `capability`, in words a person can act on; undefined when it has it. */
  unsupportedReason(capability: Capability): string | undefined;
  /** How a severity reads at this vendor ("priority 1 - Critical"), or "severity 1" where it has no words. */
  severityLabel(severity: Severity): string;
  /** An open request's severity on the 1 (most severe) to 4 scale; undefined when the vendor's has none. */
  openSeverity(request: OpenRequest): Severity | undefined;
  /** What an open request asks for, in one line, for the audit trail. */
  describeOpen(request: OpenRequest): string;
  /** The vendor's own idempotency key when an open request carries one (Juniper's tracking number). */
  openVendorKey(request: OpenRequest): string | undefined;
}

/** The configured vendors, as the use cases see them (the vendor registry implements it). */
export interface VendorDirectory {
  /** Every vendor a plugin provides, configured or not. */
  profile(vendor: VendorId): VendorProfile;
  get(vendor: VendorId): VendorAdapter | undefined;
  /** The adapter, or a VendorNotConfiguredError naming the vendor. */
  require(vendor: VendorId): VendorAdapter;
  /** In display order, so lists read the same everywhere. */
  enabled(): VendorAdapter[];
}
