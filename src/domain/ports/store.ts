/**
 * The store's records and its ports, split by what callers use: a use case asks for the port it needs
 * (watches, the event log, digest settings, the write ledger, the audit trail, posted cards, coordination), and
 * one Kysely store over SQLite or PostgreSQL implements them all. Every method that must be atomic says so;
 * callers rely on it for "nothing lost, nothing twice".
 */
import type { Case, CaseState, CaseStatusEntry, VendorId } from '../case.js';
import type { CaseAging, ClockReadings } from './clock-readings.js';
import type { NudgeStore } from './nudge-store.js';
import type { SubscriberSettings, Subscription, SubscriptionDm } from './subscriptions.js';
import type { ThreadUpdateStore } from './thread-updates.js';
import type { UpdateDeliveryStore } from './update-delivery.js';
import type { WatchCounts } from './watch-counts.js';
import type { WritePostOutbox } from './write-posts.js';

export type {
  NudgeHold,
  NudgeRecord,
  NudgeSettings,
  NudgeSituation,
  NudgeStay,
  NudgeStore,
} from './nudge-store.js';
export type { SubscriberSettings, Subscription, SubscriptionDm } from './subscriptions.js';
export type { UpdateDelivery, UpdateDeliveryMode, UpdateDeliveryStore } from './update-delivery.js';
export type { WritePost, WritePostClaim, WritePostOutbox } from './write-posts.js';

export interface Watch {
  vendor: VendorId;
  caseId: string;
  channelId: string;
  createdBy: string;
  /** ISO-8601. Events observed before this instant are not reported to this channel. */
  createdAt: string;
}

export interface CaseSnapshot {
  vendor: VendorId;
  caseId: string;
  title: string;
  status: string;
  state: CaseState;
  url?: string;
  /** The whole normalised case as last seen, for cards. */
  case: Case;
  /** ISO-8601: the last time the vendor answered for this case. */
  lastSyncedAt: string;
  /** ISO-8601: when the status last changed (or was first seen). */
  statusSince: string;
  /** Set while the vendor fails for this case; cleared by the next good sync. */
  lastError?: string;
  lastErrorAt?: string;
}

/** What a recorded case event is about. */
export type CaseEventKind = 'status' | 'note' | 'owner' | 'severity' | 'history';

/** A note in the event log: one the vendor reported, or one caseops sent to the vendor from Slack. */
export interface CaseEventNote {
  text: string;
  author?: string;
  /** ISO-8601, as the vendor dated it (or when caseops sent it). */
  createdAt?: string;
  source: 'vendor' | 'slack';
  /** The Slack user who sent it, for `source: 'slack'`. */
  slackUserId?: string;
}

/**
 * One recorded change of a case, of any kind (the name stays from when only status changes were recorded).
 * Every event carries the case's status around it: for a status change the before and after, for any other
 * kind the status at the time on both sides.
 */
export interface StatusChangeEvent {
  /** Strictly increasing in the order events were recorded. Digest cursors point at these. */
  id: number;
  vendor: VendorId;
  caseId: string;
  kind: CaseEventKind;
  title: string;
  url?: string;
  fromStatus: string;
  fromState: CaseState;
  toStatus: string;
  toState: CaseState;
  /** ISO-8601: when caseops saw the change. */
  observedAt: string;
  /** `kind: 'note'`. */
  note?: CaseEventNote;
  /** `kind: 'owner' | 'severity'`: the value before and after ('' where there was none). */
  from?: string;
  to?: string;
  /** `kind: 'history'`: the new entry of the vendor's own status record. */
  entry?: CaseStatusEntry;
}

/** Any recorded case event. */
export type CaseEvent = StatusChangeEvent;

/** What one observation of a case did to its snapshot. */
export interface CaseObservation {
  /** The case as now stored: the observation merged into what was known. */
  case: Case;
  /** The events recorded, in the order recorded (empty for a first sighting or no change). */
  events: CaseEvent[];
  firstSighting: boolean;
}

export interface ObserveOptions {
  /** The poller's lease: nothing is written and StaleLeaseError is thrown once it changed hands. */
  fence?: LeaseGrant;
  /**
   * The case comes from a vendor's bulk summary, which carries only part of it: what it carries replaces the
   * snapshot's, what it lacks (owner, notes, fields such as problem code or contacts) is kept as it was.
   */
  summary?: boolean;
}

export interface DigestSettings {
  channelId: string;
  /** A node-cron expression (5 or 6 fields), already translated from `daily HH:MM` etc. */
  cron: string;
  /** What the person typed (`daily 09:00`), for display. */
  schedule: string;
  timezone: string;
  enabled: boolean;
  /** Post "no changes" digests too. */
  postWhenEmpty: boolean;
  /** Id of the newest event Slack has accepted in a digest for this channel (0: none yet). */
  cursor: number;
  lastPostedAt?: string;
  updatedBy: string;
  updatedAt: string;
}

export type WriteOperation = 'open' | 'annotate' | 'cancel';
export type WriteState = 'pending' | 'succeeded' | 'failed' | 'unknown';

export interface WriteRecord {
  /** Derived from the Slack view or action that asked for the write (see src/domain/idempotency.ts). */
  key: string;
  operation: WriteOperation;
  vendor: VendorId;
  caseId?: string;
  /** The key as sent to the vendor (Equinix customerReferenceId, Juniper tracking number, Motadata tag). */
  vendorKey: string;
  state: WriteState;
  /** JSON the caller stores with the outcome (the opened case id, an error code and message). */
  result?: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: string;
  channelId?: string;
  vendor: VendorId;
  caseId?: string;
  action: WriteOperation;
  outcome: 'ok' | 'error' | 'unknown';
  /** What was asked and what came back, in words; never a credential. */
  detail: string;
}

export interface PostedCard {
  vendor: VendorId;
  caseId: string;
  channelId: string;
  /** Slack message timestamp, for chat.update. */
  ts: string;
  /** The card's permalink, once fetched (see CardPermalinks). */
  permalink?: string;
}

export interface RecentCase {
  userId: string;
  vendor: VendorId;
  caseId: string;
  title: string;
  at: string;
}

export interface WatchStore {
  /** False when the channel already watched the case. */
  addWatch(watch: Omit<Watch, 'createdAt'> & { createdAt?: string }): Promise<boolean>;
  /** False when there was no such watch. */
  removeWatch(vendor: VendorId, caseId: string, channelId: string): Promise<boolean>;
  watchesInChannel(channelId: string): Promise<Watch[]>;
  watchesOfCase(vendor: VendorId, caseId: string): Promise<Watch[]>;
  /** The watches of every channel in `channelIds`, in one query (App Home: the viewer's channels). */
  watchesInChannels(channelIds: readonly string[]): Promise<Watch[]>;
  /** Every watched case once, however many channels watch it. */
  watchedCases(): Promise<Array<{ vendor: VendorId; caseId: string }>>;
}

/** Where a case lives: the channel it was opened or first watched in. */
export interface CaseHome {
  vendor: VendorId;
  caseId: string;
  channelId: string;
  /** A private channel's cases are shown elsewhere only to its members (or people a lookup rule names). */
  isPrivate: boolean;
  /** ISO-8601: when the home was recorded. */
  since: string;
}

export interface CaseHomes {
  /**
   * Records `home` as the case's home unless it already has one (atomic: the first home stays). Returns the
   * home in force afterwards.
   */
  claimCaseHome(home: Omit<CaseHome, 'since'> & { since?: string }): Promise<CaseHome>;
  /** The homes of those of `keys` that have one, in one query. */
  caseHomes(keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>): Promise<CaseHome[]>;
}

/** Case snapshots and the status-change log that digests read with their cursors. */
export interface EventLog {
  getSnapshot(vendor: VendorId, caseId: string): Promise<CaseSnapshot | undefined>;
  getSnapshots(keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>): Promise<CaseSnapshot[]>;
  /**
   * Atomically merges `seen` into the stored snapshot and records, in the same transaction and in this order,
   * one event per change: status, owner, severity, then each vendor note not seen before (oldest first). The
   * first sighting of a case stores the snapshot and records no event. Clears any sync error. With a fence,
   * nothing is written and StaleLeaseError is thrown when that lease has changed hands since it was granted.
   */
  observeCase(seen: Case, observedAt: string, options?: ObserveOptions): Promise<CaseObservation>;
  /** `observeCase` of a whole case (a detail answer), returning only its status-change event, if any. */
  recordObservation(
    seen: Case,
    observedAt: string,
    fence?: LeaseGrant,
  ): Promise<StatusChangeEvent | undefined>;
  /**
   * Records a note caseops sent to the vendor from Slack (an event with source 'slack') and keeps it on the
   * snapshot's notes, so a card can show it even where the vendor's answer carries no notes. Undefined (and
   * nothing written) for a case that has no snapshot: it is watched nowhere.
   */
  recordSlackNote(
    vendor: VendorId,
    caseId: string,
    note: { text: string; slackUserId: string; at: string },
  ): Promise<CaseEvent | undefined>;
  /**
   * Marks the vendor's failure on the snapshot without touching its status (no false change). Does nothing
   * for a case that has no snapshot yet.
   */
  recordSyncFailure(vendor: VendorId, caseId: string, error: string, at: string): Promise<void>;
  /**
   * Events with id > `afterId` for cases the channel watches, recorded at or after the watch began,
   * oldest first, at most `limit`.
   */
  eventsForChannel(channelId: string, afterId: number, limit?: number): Promise<StatusChangeEvent[]>;
  /** The case's events with id > `afterId`, oldest first, at most `limit` (a card thread's news). */
  caseEventsAfter(vendor: VendorId, caseId: string, afterId: number, limit: number): Promise<CaseEvent[]>;
}

export interface DigestSettingsStore {
  getDigestSettings(channelId: string): Promise<DigestSettings | undefined>;
  saveDigestSettings(settings: Omit<DigestSettings, 'cursor' | 'lastPostedAt'>): Promise<DigestSettings>;
  /** Every channel with settings, enabled or not. */
  digestChannels(): Promise<DigestSettings[]>;
  /**
   * Moves the channel's cursor from `expected` to `next` only if it still is `expected` (compare-and-set);
   * false means another run moved it first. With a `fence` (the channel's digest lease), nothing is written
   * and StaleLeaseError is thrown when that lease has changed hands since it was granted.
   */
  advanceDigestCursor(
    channelId: string,
    expected: number,
    next: number,
    postedAt: string,
    options?: CursorAdvanceOptions,
  ): Promise<boolean>;
}

export interface CursorAdvanceOptions {
  /** The lease the run posts under; a stale one makes the advance throw StaleLeaseError. */
  fence?: LeaseGrant;
  /** The outbox row of the message Slack accepted: marked posted in the same transaction as the move. */
  postedAttempt?: { id: number; ts?: string };
}

export type DigestAttemptState = 'pending' | 'posted' | 'absent';

/** One digest message caseops set out to post (the outbox row written before the post). */
export interface DigestAttempt {
  id: number;
  channelId: string;
  /** The first and last event the message shows; both the cursor at the time for a "no changes" digest. */
  fromEventId: number;
  toEventId: number;
  /** The message's place (1-based) in the run that posted it. */
  part: number;
  /** ISO-8601, by the store's clock: no message of this attempt can be older (less a margin for skew). */
  startedAt: string;
  state: DigestAttemptState;
  /** Slack's ts, once known. */
  ts?: string;
}

/**
 * The digest outbox. A message's attempt is recorded before it is posted and settled with the cursor move
 * (`advanceDigestCursor`'s `postedAttempt`); one left pending (a crash, a lost answer) is settled by reading
 * the channel's history before anything else is posted there.
 */
export interface DigestOutbox {
  beginDigestAttempt(
    attempt: Pick<DigestAttempt, 'channelId' | 'fromEventId' | 'toEventId' | 'part'>,
  ): Promise<DigestAttempt>;
  /** Oldest first. */
  pendingDigestAttempts(channelId: string): Promise<DigestAttempt[]>;
  settleDigestAttempt(id: number, state: Exclude<DigestAttemptState, 'pending'>, ts?: string): Promise<void>;
  /** Drops every channel's settled attempts older than their retention (pending ones are always kept). */
  pruneSettledDigestAttempts(): Promise<void>;
}

/** Vendor writes done at most once per intended write. */
export interface WriteLedger {
  /**
   * Inserts a pending record unless one exists for `key` (atomic). Returns the existing record when it does,
   * so a repeated submit can answer with the first one's outcome instead of writing again.
   */
  beginWrite(
    record: Omit<WriteRecord, 'state' | 'result' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ fresh: true; record: WriteRecord } | { fresh: false; record: WriteRecord }>;
  finishWrite(key: string, state: Exclude<WriteState, 'pending'>, result?: unknown): Promise<void>;
  getWrite(key: string): Promise<WriteRecord | undefined>;
  /** Pending records older than `olderThan` (ISO), left by a crash; the caller resolves them. */
  staleWrites(olderThan: string): Promise<WriteRecord[]>;
}

export interface AuditTrail {
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry>;
  /** Newest first. */
  auditForCase(vendor: VendorId, caseId: string, limit?: number): Promise<AuditEntry[]>;
  /** Oldest first, from `since` (ISO) onwards. */
  auditSince(since: string, limit?: number): Promise<AuditEntry[]>;
}

/** Cards caseops posted (for chat.update) and each person's recent cases (App Home). */
export interface CardStore {
  /** One card per case and channel: a newer card replaces the older one's ts. */
  rememberCard(card: PostedCard): Promise<void>;
  cardsFor(vendor: VendorId, caseId: string): Promise<PostedCard[]>;
  /** The card posted as message `ts` in `channelId` (a thread's root), if caseops remembers it. */
  cardAt(channelId: string, ts: string): Promise<PostedCard | undefined>;
  recordRecentCase(entry: Omit<RecentCase, 'at'> & { at?: string }): Promise<void>;
  recentCases(userId: string, limit?: number): Promise<RecentCase[]>;
}

// Card permalinks (migration 0012); update delivery and posts after writes are in their own port files ----

/** Each posted card's permalink, fetched once and kept, so a digest links to the cards' threads cheaply. */
export interface CardPermalinks {
  /** The cards posted in `channelId`, each with its permalink where it is known already. One query. */
  cardsInChannel(channelId: string): Promise<PostedCard[]>;
  /** The cards posted in any of `channelIds`, as `cardsInChannel` gives them. One query. */
  cardsInChannels(channelIds: readonly string[]): Promise<PostedCard[]>;
  /** Keeps `permalink` for the card posted as `ts` in `channelId`; nothing when that card was replaced since. */
  rememberCardPermalink(channelId: string, ts: string, permalink: string): Promise<void>;
}

/** Personal subscriptions and their direct messages (migration 0014; the records are in ./subscriptions.ts). */
export interface SubscriptionStore {
  /**
   * Subscribes the person to the case (atomic); the cursor starts at the case's newest event, so only what
   * changes from now on is sent. False when they already were.
   */
  addSubscription(entry: { userId: string; vendor: VendorId; caseId: string }): Promise<boolean>;
  /** False when there was no such subscription. */
  removeSubscription(userId: string, vendor: VendorId, caseId: string): Promise<boolean>;
  subscriptionsOf(userId: string): Promise<Subscription[]>;
  /** Every subscription, by person. */
  allSubscriptions(): Promise<Subscription[]>;
  /** Every subscribed case once, for the poller. */
  subscribedCases(): Promise<Array<{ vendor: VendorId; caseId: string }>>;
  getSubscriberSettings(userId: string): Promise<SubscriberSettings | undefined>;
  /** Sets the fields given; the others stay as they were. */
  saveSubscriberSettings(settings: SubscriberSettings): Promise<SubscriberSettings>;
  /** Inserts a pending row; false when the key exists already (another run has it). Atomic. */
  beginSubscriptionDm(dm: Omit<SubscriptionDm, 'state' | 'ts' | 'createdAt' | 'postedAt'>): Promise<boolean>;
  /**
   * Marks the message posted and moves the person's cursor for the case up to its last event, in one
   * transaction. With a fence (the poller's lease), nothing is written and StaleLeaseError is thrown once the
   * lease has changed hands.
   */
  settleSubscriptionDm(key: string, ts: string, postedAt: string, fence?: LeaseGrant): Promise<void>;
  /** Slack does not have it: the row goes, so the message can be posted again. */
  forgetSubscriptionDm(key: string): Promise<void>;
  /** Oldest first. */
  pendingSubscriptionDms(): Promise<SubscriptionDm[]>;
}

/** Coordination across replicas. */
export interface Coordination {
  /**
   * Claims one scheduled fire (`task` at `fireAt`, ISO minute or second). Exactly one caller across all
   * replicas gets true for the same pair. Fires older than a week are refused (false): claims are pruned.
   */
  claimRun(task: string, fireAt: string, holder: string): Promise<boolean>;
  /**
   * Takes the lease `name` for `ttlMs` if it is free, expired, or already `holder`'s (then it is renewed and
   * keeps its generation). Each change of hands raises the generation: the grant's generation is the fencing
   * token fenced writes check. Expiry is judged by the database's clock on PostgreSQL (replicas' clocks may
   * disagree), by the store's clock on SQLite (one machine).
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined>;
  /** Extends the lease by `ttlMs` from now; false when it has changed hands since `grant` (it is lost). */
  renewLease(grant: LeaseGrant, ttlMs: number): Promise<boolean>;
  /** `acquireLease` for callers that need no fencing token. */
  tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Ends `holder`'s lease now; the generation is kept, so a later holder still gets a higher one. */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** A lease as granted: the generation is the fencing token, raised every time the lease changes hands. */
export interface LeaseGrant {
  name: string;
  holder: string;
  generation: number;
}

/** A fenced write was refused: the lease it was made under has been taken over by another holder. */
export class StaleLeaseError extends Error {
  constructor(readonly grant: LeaseGrant) {
    super(
      `lease "${grant.name}" (generation ${grant.generation}) was taken over from ${grant.holder}; the write was refused`,
    );
    this.name = 'StaleLeaseError';
  }
}

/** The whole store, as the composition root and the store's own lifecycle see it. */
export interface Store
  extends WatchStore,
    WatchCounts,
    CaseHomes,
    EventLog,
    DigestSettingsStore,
    DigestOutbox,
    WriteLedger,
    AuditTrail,
    CardStore,
    NudgeStore,
    UpdateDeliveryStore,
    CardPermalinks,
    WritePostOutbox,
    ThreadUpdateStore,
    ClockReadings,
    CaseAging,
    SubscriptionStore,
    Coordination {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations. Safe to call from several replicas at once. */
  migrate(): Promise<void>;
  /** Throws when the database cannot be reached (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
