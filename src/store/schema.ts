/**
 * Kysely table types, shared by SQLite and PostgreSQL. Portable column choices: timestamps are ISO-8601 UTC
 * text (`Date#toISOString`, so text order is time order), JSON is text, booleans are 0/1 integers. Ids are
 * integers on both dialects (the PostgreSQL pool parses int8 into numbers).
 */
import type { Generated } from 'kysely';
import type { CaseState, VendorId } from '../domain/case.js';
import type {
  AuditEntry,
  CaseEventKind,
  DigestAttemptState,
  WriteOperation,
  WriteState,
} from '../domain/ports/store.js';

/** 0 or 1. */
export type Flag = number;

export interface WatchesTable {
  vendor: VendorId;
  case_id: string;
  channel_id: string;
  created_by: string;
  created_at: string;
}

export interface CaseHomesTable {
  vendor: VendorId;
  case_id: string;
  channel_id: string;
  is_private: Flag;
  since: string;
}

export interface CaseSnapshotsTable {
  vendor: VendorId;
  case_id: string;
  title: string;
  status: string;
  state: CaseState;
  url: string | null;
  case_json: string;
  last_synced_at: string;
  status_since: string;
  last_error: string | null;
  last_error_at: string | null;
}

export interface StatusEventsTable {
  id: Generated<number>;
  vendor: VendorId;
  case_id: string;
  title: string;
  url: string | null;
  from_status: string;
  from_state: CaseState;
  to_status: string;
  to_state: CaseState;
  observed_at: string;
  /** Rows from before case activity was recorded default to 'status'. */
  kind: CaseEventKind;
  /** JSON: the note, or the owner's / severity's before and after; null for a status change. */
  detail_json: string | null;
}

export interface DigestSettingsTable {
  channel_id: string;
  cron: string;
  schedule: string;
  timezone: string;
  enabled: Flag;
  post_when_empty: Flag;
  cursor: number;
  last_posted_at: string | null;
  updated_by: string;
  updated_at: string;
}

export interface VendorWritesTable {
  key: string;
  operation: WriteOperation;
  vendor: VendorId;
  case_id: string | null;
  vendor_key: string;
  state: WriteState;
  result_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_user_id: string;
  channel_id: string | null;
  vendor: VendorId;
  case_id: string | null;
  action: AuditEntry['action'];
  outcome: AuditEntry['outcome'];
  detail: string;
}

export interface PostedCardsTable {
  vendor: VendorId;
  case_id: string;
  channel_id: string;
  ts: string;
  /** chat.getPermalink's answer for `ts`, once fetched; null until then (and when the card is replaced). */
  permalink: string | null;
}

export interface RecentCasesTable {
  user_id: string;
  vendor: VendorId;
  case_id: string;
  title: string;
  at: string;
}

export interface ScheduledRunsTable {
  task: string;
  fire_at: string;
  holder: string;
  claimed_at: string;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
  /** Raised each time the lease changes hands: the fencing token. */
  generation: number;
}

export interface DigestAttemptsTable {
  id: Generated<number>;
  channel_id: string;
  from_event_id: number;
  to_event_id: number;
  part: number;
  started_at: string;
  state: DigestAttemptState;
  ts: string | null;
  settled_at: string | null;
}

export interface NudgeSettingsTable {
  channel_id: string;
  waiting_on_us_ms: number | null;
  vendor_silent_ms: number | null;
  quiet_from: string | null;
  quiet_to: string | null;
  updated_by: string;
  updated_at: string;
}

export interface NudgesTable {
  key: string;
  channel_id: string;
  vendor: string;
  case_id: string;
  situation: string;
  stay_start: string;
  sequence: number;
  state: string;
  thread_ts: string | null;
  ts: string | null;
  created_at: string;
  posted_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
}

export interface NudgeHoldsTable {
  channel_id: string;
  vendor: string;
  case_id: string;
  situation: string;
  stay_start: string;
  snoozed_until: string | null;
  done: Flag;
  updated_by: string;
  updated_at: string;
}

// Update delivery and write posts (migration 0012) ----------------------------------------------------------

export interface UpdateDeliveryTable {
  channel_id: string;
  mode: string;
  updated_by: string;
  updated_at: string;
}

export interface WritePostsTable {
  key: string;
  event_type: string;
  channel_id: string;
  thread_ts: string | null;
  state: string;
  ts: string | null;
  created_at: string;
  posted_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
}

// Thread replies under posted cards (migration 0013) ------------------------------------------------------------

export interface ThreadCursorsTable {
  channel_id: string;
  card_ts: string;
  vendor: VendorId;
  case_id: string;
  last_event_id: number;
  replies: number;
}

export interface ThreadRepliesTable {
  key: string;
  channel_id: string;
  card_ts: string;
  vendor: VendorId;
  case_id: string;
  after_event_id: number;
  to_event_id: number;
  state: string;
  ts: string | null;
  created_at: string;
  posted_at: string | null;
}

// Personal subscriptions and their direct messages (migration 0014) ------------------------------------------

export interface SubscriptionsTable {
  user_id: string;
  vendor: string;
  case_id: string;
  cursor: number;
  created_at: string;
}

export interface SubscriberSettingsTable {
  user_id: string;
  night_from: string | null;
  night_to: string | null;
  timezone: string | null;
  timezone_checked_at: string | null;
  updated_at: string;
}

export interface SubscriptionDmsTable {
  key: string;
  user_id: string;
  vendor: string;
  case_id: string;
  from_event_id: number;
  to_event_id: number;
  dm_channel_id: string;
  state: string;
  ts: string | null;
  created_at: string;
  posted_at: string | null;
}

export interface Database {
  watches: WatchesTable;
  case_homes: CaseHomesTable;
  case_snapshots: CaseSnapshotsTable;
  status_events: StatusEventsTable;
  digest_settings: DigestSettingsTable;
  vendor_writes: VendorWritesTable;
  audit_log: AuditLogTable;
  posted_cards: PostedCardsTable;
  recent_cases: RecentCasesTable;
  scheduled_runs: ScheduledRunsTable;
  leases: LeasesTable;
  digest_attempts: DigestAttemptsTable;
  nudge_settings: NudgeSettingsTable;
  nudges: NudgesTable;
  nudge_holds: NudgeHoldsTable;
  update_delivery: UpdateDeliveryTable;
  write_posts: WritePostsTable;
  thread_cursors: ThreadCursorsTable;
  thread_replies: ThreadRepliesTable;
  subscriptions: SubscriptionsTable;
  subscriber_settings: SubscriberSettingsTable;
  subscription_dms: SubscriptionDmsTable;
}

export type SqlDialect = 'sqlite' | 'postgres';
