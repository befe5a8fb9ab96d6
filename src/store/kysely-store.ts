/**
 * The Store on Kysely, for SQLite and PostgreSQL alike. Dialect-specific SQL appears in three places only:
 * locking the snapshot row (`FOR UPDATE`), serialising event ids with their commits, and naming the schema
 * that holds the migration bookkeeping. Row <-> domain conversion (ISO text, JSON text, 0/1 flags, NULLs)
 * happens in the `from*Row` functions and `isoInstant`, nowhere else.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Case, VendorId } from '../domain/case.js';
import type {
  AuditEntry,
  CaseSnapshot,
  DigestSettings,
  PostedCard,
  RecentCase,
  StatusChangeEvent,
  Store,
  Watch,
  WriteRecord,
  WriteState,
} from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';
import { StaticMigrationProvider } from './migrations/index.js';
import type {
  AuditLogTable,
  CaseSnapshotsTable,
  Database,
  DigestSettingsTable,
  Flag,
  PostedCardsTable,
  RecentCasesTable,
  SqlDialect,
  StatusEventsTable,
  VendorWritesTable,
  WatchesTable,
} from './schema.js';

export const DEFAULT_EVENT_LIMIT = 500;
export const DEFAULT_AUDIT_FOR_CASE_LIMIT = 50;
export const DEFAULT_AUDIT_SINCE_LIMIT = 1_000;
export const DEFAULT_RECENT_CASES_LIMIT = 10;
/** App Home shows a handful; older entries per user are dropped as new ones arrive. */
export const RECENT_CASES_KEPT_PER_USER = 50;
/** Fires older than this are refused by claimRun: their claim rows may already have been pruned. */
export const CLAIM_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Claim rows are pruned a day after they leave the window, so clock skew between replicas cannot re-open one. */
export const CLAIM_RETENTION_MS = CLAIM_WINDOW_MS + 24 * 60 * 60 * 1000;
/** Keys per `IN`-style query, well under both dialects' bound-parameter limits. */
const KEYS_PER_QUERY = 200;
/** pg_advisory_xact_lock key held while an event is inserted and committed (see recordObservation). */
const EVENT_ID_ORDER_LOCK = 7_305_118_236_411;

export interface KyselyStoreOptions {
  db: Kysely<Database>;
  dialect: SqlDialect;
  logger: Logger;
  /** The store's clock for defaults, lease expiry and pruning; tests pass a controllable one. */
  now?: () => Date;
}

export class KyselyStore implements Store {
  readonly dialect: SqlDialect;
  private readonly db: Kysely<Database>;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private closed?: Promise<void>;

  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  // Lifecycle ----------------------------------------------------------------

  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: new StaticMigrationProvider(this.dialect),
      // Kysely looks for its bookkeeping tables in every schema unless told which one; name ours so
      // databases holding several caseops schemas (test runs, tenants) keep separate histories.
      ...(this.dialect === 'postgres' ? { migrationTableSchema: await this.currentPostgresSchema() } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success')
        this.logger.info({ migration: result.migrationName }, 'store: migrated');
      if (result.status === 'Error')
        this.logger.error({ migration: result.migrationName }, 'store: migration failed');
    }
    if (error) {
      throw new Error(`store: migrating the ${this.dialect} database failed: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  private async currentPostgresSchema(): Promise<string> {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.db);
    const schema = rows[0]?.schema;
    if (!schema) {
      throw new Error(
        'store: PostgreSQL has no current schema (does the search_path name an existing schema?)',
      );
    }
    return schema;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    this.closed ??= this.db.destroy();
    return this.closed;
  }

  // Watches --------------------------------------------------------------------

  async addWatch(watch: Omit<Watch, 'createdAt'> & { createdAt?: string }): Promise<boolean> {
    const result = await this.db
      .insertInto('watches')
      .values({
        vendor: watch.vendor,
        case_id: watch.caseId,
        channel_id: watch.channelId,
        created_by: watch.createdBy,
        created_at: watch.createdAt === undefined ? this.nowIso() : isoInstant(watch.createdAt, 'createdAt'),
      })
      .onConflict((conflict) => conflict.columns(['vendor', 'case_id', 'channel_id']).doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async removeWatch(vendor: VendorId, caseId: string, channelId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('watches')
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return countOf(result.numDeletedRows) > 0;
  }

  async watchesInChannel(channelId: string): Promise<Watch[]> {
    const rows = await this.db
      .selectFrom('watches')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('created_at')
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromWatchRow);
  }

  async watchesOfCase(vendor: VendorId, caseId: string): Promise<Watch[]> {
    const rows = await this.db
      .selectFrom('watches')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('channel_id')
      .execute();
    return rows.map(fromWatchRow);
  }

  async watchedCases(): Promise<Array<{ vendor: VendorId; caseId: string }>> {
    const rows = await this.db
      .selectFrom('watches')
      .select(['vendor', 'case_id'])
      .distinct()
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map((row) => ({ vendor: row.vendor, caseId: row.case_id }));
  }

  // Snapshots and status changes ---------------------------------------------

  async getSnapshot(vendor: VendorId, caseId: string): Promise<CaseSnapshot | undefined> {
    const row = await this.db
      .selectFrom('case_snapshots')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return row && fromSnapshotRow(row);
  }

  async getSnapshots(keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>): Promise<CaseSnapshot[]> {
    const snapshots: CaseSnapshot[] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const chunk = keys.slice(start, start + KEYS_PER_QUERY);
      const rows = await this.db
        .selectFrom('case_snapshots')
        .selectAll()
        .where((eb) =>
          eb.or(chunk.map((key) => eb.and([eb('vendor', '=', key.vendor), eb('case_id', '=', key.caseId)]))),
        )
        .execute();
      snapshots.push(...rows.map(fromSnapshotRow));
    }
    return snapshots;
  }

  async recordObservation(seen: Case, observedAt: string): Promise<StatusChangeEvent | undefined> {
    const at = isoInstant(observedAt, 'observedAt');
    const seenColumns = {
      title: seen.title,
      status: seen.status,
      state: seen.state,
      url: seen.url ?? null,
      case_json: JSON.stringify(seen),
      last_synced_at: at,
      last_error: null,
      last_error_at: null,
    };
    return this.db.transaction().execute(async (trx) => {
      let current = await this.lockSnapshot(trx, seen.vendor, seen.id);
      if (!current) {
        const inserted = await trx
          .insertInto('case_snapshots')
          .values({ vendor: seen.vendor, case_id: seen.id, status_since: at, ...seenColumns })
          .onConflict((conflict) => conflict.columns(['vendor', 'case_id']).doNothing())
          .executeTakeFirst();
        if (countOf(inserted.numInsertedOrUpdatedRows) > 0) return undefined; // first sighting: no event
        // A concurrent first sighting committed in between: compare with what it stored.
        current = await this.lockSnapshot(trx, seen.vendor, seen.id);
        if (!current)
          throw new Error(`store: snapshot of ${seen.vendor}:${seen.id} vanished mid-transaction`);
      }

      const unchanged = current.status === seen.status;
      await trx
        .updateTable('case_snapshots')
        .set(unchanged ? seenColumns : { ...seenColumns, status_since: at })
        .where('vendor', '=', seen.vendor)
        .where('case_id', '=', seen.id)
        .execute();
      if (unchanged) return undefined;

      if (this.dialect === 'postgres') {
        // Digest cursors read "id > cursor", so an id must never become visible after a larger one. Holding
        // this lock from taking the id until commit makes ids commit in order. (SQLite has a single writer.)
        await sql`select pg_advisory_xact_lock(${sql.lit(EVENT_ID_ORDER_LOCK)})`.execute(trx);
      }
      const event = await trx
        .insertInto('status_events')
        .values({
          vendor: seen.vendor,
          case_id: seen.id,
          title: seen.title,
          url: seen.url ?? null,
          from_status: current.status,
          from_state: current.state,
          to_status: seen.status,
          to_state: seen.state,
          observed_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromEventRow(event);
    });
  }

  /** Reads the snapshot row; on PostgreSQL also locks it until the transaction ends. */
  private lockSnapshot(
    trx: Transaction<Database>,
    vendor: VendorId,
    caseId: string,
  ): Promise<Pick<CaseSnapshotsTable, 'status' | 'state'> | undefined> {
    return trx
      .selectFrom('case_snapshots')
      .select(['status', 'state'])
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
  }

  async recordSyncFailure(vendor: VendorId, caseId: string, error: string, at: string): Promise<void> {
    // Without a snapshot there is nothing to mark: the case was never seen, so no status can be wrong.
    await this.db
      .updateTable('case_snapshots')
      .set({ last_error: error, last_error_at: isoInstant(at, 'at') })
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .execute();
  }

  async eventsForChannel(
    channelId: string,
    afterId: number,
    limit = DEFAULT_EVENT_LIMIT,
  ): Promise<StatusChangeEvent[]> {
    const rows = await this.db
      .selectFrom('status_events as e')
      .innerJoin('watches as w', (join) =>
        join.onRef('w.vendor', '=', 'e.vendor').onRef('w.case_id', '=', 'e.case_id'),
      )
      .selectAll('e')
      .where('w.channel_id', '=', channelId)
      .where('e.id', '>', afterId)
      .whereRef('e.observed_at', '>=', 'w.created_at')
      .orderBy('e.id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromEventRow);
  }

  // Digests ----------------------------------------------------------------------

  async getDigestSettings(channelId: string): Promise<DigestSettings | undefined> {
    const row = await this.db
      .selectFrom('digest_settings')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row && fromDigestRow(row);
  }

  async saveDigestSettings(
    settings: Omit<DigestSettings, 'cursor' | 'lastPostedAt'>,
  ): Promise<DigestSettings> {
    const editable = {
      cron: settings.cron,
      schedule: settings.schedule,
      timezone: settings.timezone,
      enabled: toFlag(settings.enabled),
      post_when_empty: toFlag(settings.postWhenEmpty),
      updated_by: settings.updatedBy,
      updated_at: isoInstant(settings.updatedAt, 'updatedAt'),
    };
    // The cursor and last post belong to the digest runs: changing the schedule must not move them.
    const row = await this.db
      .insertInto('digest_settings')
      .values({ channel_id: settings.channelId, cursor: 0, last_posted_at: null, ...editable })
      .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(editable))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromDigestRow(row);
  }

  async digestChannels(): Promise<DigestSettings[]> {
    const rows = await this.db.selectFrom('digest_settings').selectAll().orderBy('channel_id').execute();
    return rows.map(fromDigestRow);
  }

  async advanceDigestCursor(
    channelId: string,
    expected: number,
    next: number,
    postedAt: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('digest_settings')
      .set({ cursor: next, last_posted_at: isoInstant(postedAt, 'postedAt') })
      .where('channel_id', '=', channelId)
      .where('cursor', '=', expected)
      .executeTakeFirst();
    return countOf(result.numUpdatedRows) > 0;
  }

  // Idempotent vendor writes ---------------------------------------------------------

  async beginWrite(
    record: Omit<WriteRecord, 'state' | 'result' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ fresh: true; record: WriteRecord } | { fresh: false; record: WriteRecord }> {
    const now = this.nowIso();
    const inserted = await this.db
      .insertInto('vendor_writes')
      .values({
        key: record.key,
        operation: record.operation,
        vendor: record.vendor,
        case_id: record.caseId ?? null,
        vendor_key: record.vendorKey,
        state: 'pending',
        result_json: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { fresh: true, record: fromWriteRow(inserted) };
    // The unique key decided the race; the winner's row is committed by the time DO NOTHING returns.
    const existing = await this.getWrite(record.key);
    if (!existing) throw new Error(`store: write ${record.key} conflicted but cannot be read back`);
    return { fresh: false, record: existing };
  }

  async finishWrite(key: string, state: Exclude<WriteState, 'pending'>, result?: unknown): Promise<void> {
    const updated = await this.db
      .updateTable('vendor_writes')
      .set({
        state,
        result_json: result === undefined ? null : JSON.stringify(result),
        updated_at: this.nowIso(),
      })
      .where('key', '=', key)
      .executeTakeFirst();
    if (countOf(updated.numUpdatedRows) === 0) {
      throw new Error(`store: finishWrite for unknown write ${key} (beginWrite was never called for it)`);
    }
  }

  async getWrite(key: string): Promise<WriteRecord | undefined> {
    const row = await this.db
      .selectFrom('vendor_writes')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && fromWriteRow(row);
  }

  async staleWrites(olderThan: string): Promise<WriteRecord[]> {
    const rows = await this.db
      .selectFrom('vendor_writes')
      .selectAll()
      .where('state', '=', 'pending')
      .where('created_at', '<', isoInstant(olderThan, 'olderThan'))
      .orderBy('created_at')
      .execute();
    return rows.map(fromWriteRow);
  }

  // Audit ---------------------------------------------------------------------------------

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const row = await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at === undefined ? this.nowIso() : isoInstant(entry.at, 'at'),
        actor_user_id: entry.actorUserId,
        channel_id: entry.channelId ?? null,
        vendor: entry.vendor,
        case_id: entry.caseId ?? null,
        action: entry.action,
        outcome: entry.outcome,
        detail: entry.detail,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromAuditRow(row);
  }

  async auditForCase(
    vendor: VendorId,
    caseId: string,
    limit = DEFAULT_AUDIT_FOR_CASE_LIMIT,
  ): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('id', 'desc')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromAuditRow);
  }

  async auditSince(since: string, limit = DEFAULT_AUDIT_SINCE_LIMIT): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('at', '>=', isoInstant(since, 'since'))
      .orderBy('at')
      .orderBy('id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromAuditRow);
  }

  // Cards and App Home ------------------------------------------------------------------------

  async rememberCard(card: PostedCard): Promise<void> {
    await this.db
      .insertInto('posted_cards')
      .values({ vendor: card.vendor, case_id: card.caseId, channel_id: card.channelId, ts: card.ts })
      .onConflict((conflict) =>
        conflict.columns(['vendor', 'case_id', 'channel_id']).doUpdateSet({ ts: card.ts }),
      )
      .execute();
  }

  async cardsFor(vendor: VendorId, caseId: string): Promise<PostedCard[]> {
    const rows = await this.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('channel_id')
      .execute();
    return rows.map(fromCardRow);
  }

  async recordRecentCase(entry: Omit<RecentCase, 'at'> & { at?: string }): Promise<void> {
    const at = entry.at === undefined ? this.nowIso() : isoInstant(entry.at, 'at');
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recent_cases')
        .values({
          user_id: entry.userId,
          vendor: entry.vendor,
          case_id: entry.caseId,
          title: entry.title,
          at,
        })
        .onConflict((conflict) =>
          conflict.columns(['user_id', 'vendor', 'case_id']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            // A late, older report must not push a case back in the list.
            at: eb
              .case()
              .when(eb.ref('excluded.at'), '>', eb.ref('recent_cases.at'))
              .then(eb.ref('excluded.at'))
              .else(eb.ref('recent_cases.at'))
              .end(),
          })),
        )
        .execute();
      const oldestKept = await trx
        .selectFrom('recent_cases')
        .select('at')
        .where('user_id', '=', entry.userId)
        .orderBy('at', 'desc')
        .offset(RECENT_CASES_KEPT_PER_USER - 1)
        .limit(1)
        .executeTakeFirst();
      if (oldestKept) {
        await trx
          .deleteFrom('recent_cases')
          .where('user_id', '=', entry.userId)
          .where('at', '<', oldestKept.at)
          .execute();
      }
    });
  }

  async recentCases(userId: string, limit = DEFAULT_RECENT_CASES_LIMIT): Promise<RecentCase[]> {
    const rows = await this.db
      .selectFrom('recent_cases')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .orderBy('vendor')
      .orderBy('case_id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromRecentRow);
  }

  // Coordination across replicas ----------------------------------------------------------------

  async claimRun(task: string, fireAt: string, holder: string): Promise<boolean> {
    const fire = isoInstant(fireAt, 'fireAt');
    const nowMs = this.now().getTime();
    if (fire < new Date(nowMs - CLAIM_WINDOW_MS).toISOString()) {
      this.logger.warn({ task, fireAt: fire }, 'store: refusing to claim a fire older than the claim window');
      return false;
    }
    await this.db
      .deleteFrom('scheduled_runs')
      .where('fire_at', '<', new Date(nowMs - CLAIM_RETENTION_MS).toISOString())
      .execute();
    const result = await this.db
      .insertInto('scheduled_runs')
      .values({ task, fire_at: fire, holder, claimed_at: new Date(nowMs).toISOString() })
      .onConflict((conflict) => conflict.columns(['task', 'fire_at']).doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    if (!(ttlMs > 0)) throw new RangeError(`store: lease ttlMs must be positive, got ${ttlMs}`);
    const nowMs = this.now().getTime();
    const nowIso = new Date(nowMs).toISOString();
    // Take the row if it is free, expired, or already ours (a renewal); otherwise change nothing.
    const result = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: new Date(nowMs + ttlMs).toISOString() })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', nowIso)])),
      )
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}

// Conversion, in one place ----------------------------------------------------------------------

/** Normalises any ISO-8601 instant to `Date#toISOString` form so text comparison is time comparison. */
export function isoInstant(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`store: ${what} is not an ISO-8601 instant: ${value}`);
  return new Date(time).toISOString();
}

function countOf(rows: bigint | undefined): number {
  return rows === undefined ? 0 : Number(rows);
}

function positiveLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit <= 0)
    throw new RangeError(`store: limit must be a positive integer, got ${limit}`);
  return limit;
}

function toFlag(value: boolean): Flag {
  return value ? 1 : 0;
}

function fromFlag(value: Flag): boolean {
  return Number(value) !== 0;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fromWatchRow(row: WatchesTable): Watch {
  return {
    vendor: row.vendor,
    caseId: row.case_id,
    channelId: row.channel_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function fromSnapshotRow(row: CaseSnapshotsTable): CaseSnapshot {
  return {
    vendor: row.vendor,
    caseId: row.case_id,
    title: row.title,
    status: row.status,
    state: row.state,
    ...(row.url === null ? {} : { url: row.url }),
    case: JSON.parse(row.case_json) as Case,
    lastSyncedAt: row.last_synced_at,
    statusSince: row.status_since,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_at === null ? {} : { lastErrorAt: row.last_error_at }),
  };
}

function fromEventRow(row: Omit<StatusEventsTable, 'id'> & { id: number }): StatusChangeEvent {
  return {
    id: Number(row.id),
    vendor: row.vendor,
    caseId: row.case_id,
    title: row.title,
    ...(row.url === null ? {} : { url: row.url }),
    fromStatus: row.from_status,
    fromState: row.from_state,
    toStatus: row.to_status,
    toState: row.to_state,
    observedAt: row.observed_at,
  };
}

function fromDigestRow(row: DigestSettingsTable): DigestSettings {
  return {
    channelId: row.channel_id,
    cron: row.cron,
    schedule: row.schedule,
    timezone: row.timezone,
    enabled: fromFlag(row.enabled),
    postWhenEmpty: fromFlag(row.post_when_empty),
    cursor: Number(row.cursor),
    ...(row.last_posted_at === null ? {} : { lastPostedAt: row.last_posted_at }),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

function fromWriteRow(row: VendorWritesTable): WriteRecord {
  return {
    key: row.key,
    operation: row.operation,
    vendor: row.vendor,
    ...(row.case_id === null ? {} : { caseId: row.case_id }),
    vendorKey: row.vendor_key,
    state: row.state,
    ...(row.result_json === null ? {} : { result: JSON.parse(row.result_json) as unknown }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromAuditRow(row: Omit<AuditLogTable, 'id'> & { id: number }): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actorUserId: row.actor_user_id,
    ...(row.channel_id === null ? {} : { channelId: row.channel_id }),
    vendor: row.vendor,
    ...(row.case_id === null ? {} : { caseId: row.case_id }),
    action: row.action,
    outcome: row.outcome,
    detail: row.detail,
  };
}

function fromCardRow(row: PostedCardsTable): PostedCard {
  return { vendor: row.vendor, caseId: row.case_id, channelId: row.channel_id, ts: row.ts };
}

function fromRecentRow(row: RecentCasesTable): RecentCase {
  return { userId: row.user_id, vendor: row.vendor, caseId: row.case_id, title: row.title, at: row.at };
}
