/**
 * Case snapshots and the case event log (status, owner, severity, notes). Dialect-specific SQL: locking the snapshot row (`FOR UPDATE`) and
 * serialising event ids with their commits, both on PostgreSQL only (SQLite has a single writer).
 */
import { sql, type Transaction } from 'kysely';
import type { Case, CaseStatusEntry, VendorId } from '../../domain/case.js';
import {
  activityBetween,
  type CaseActivity,
  mergeObservation,
  withSlackNote,
} from '../../domain/case-activity.js';
import type {
  CaseEvent,
  CaseEventNote,
  CaseObservation,
  CaseSnapshot,
  EventLog,
  LeaseGrant,
  ObserveOptions,
  StatusChangeEvent,
} from '../../domain/ports/store.js';
import type { CaseSnapshotsTable, Database, StatusEventsTable } from '../schema.js';
import { caseIdsByVendor } from './case-keys.js';
import { countOf, isoInstant, positiveLimit, type StoreContext } from './context.js';
import { assertLeaseHeld } from './coordination.js';

export const DEFAULT_EVENT_LIMIT = 500;
/** Keys per `IN`-style query, well under both dialects' bound-parameter limits. */
const KEYS_PER_QUERY = 200;
/** pg_advisory_xact_lock key held while an event is inserted and committed (see recordObservation). */
const EVENT_ID_ORDER_LOCK = 7_305_118_236_411;

export class KyselyEventLog implements EventLog {
  constructor(private readonly context: StoreContext) {}

  async getSnapshot(vendor: VendorId, caseId: string): Promise<CaseSnapshot | undefined> {
    const row = await this.context.db
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
      const rows = await this.context.db
        .selectFrom('case_snapshots')
        .selectAll()
        .where((eb) =>
          eb.or(
            caseIdsByVendor(chunk).map(([vendor, ids]) =>
              eb.and([eb('vendor', '=', vendor), eb('case_id', 'in', ids)]),
            ),
          ),
        )
        .execute();
      snapshots.push(...rows.map(fromSnapshotRow));
    }
    return snapshots;
  }

  async recordObservation(
    seen: Case,
    observedAt: string,
    fence?: LeaseGrant,
  ): Promise<StatusChangeEvent | undefined> {
    const { events } = await this.observeCase(seen, observedAt, fence ? { fence } : {});
    return events.find((event) => event.kind === 'status');
  }

  async observeCase(seen: Case, observedAt: string, options: ObserveOptions = {}): Promise<CaseObservation> {
    const at = isoInstant(observedAt, 'observedAt');
    const columnsOf = (c: Case) => ({
      title: c.title,
      status: c.status,
      state: c.state,
      url: c.url ?? null,
      case_json: JSON.stringify(c),
      last_synced_at: at,
      last_error: null,
      last_error_at: null,
    });
    return this.context.db.transaction().execute(async (trx) => {
      if (options.fence) await assertLeaseHeld(trx, this.context.dialect, options.fence);
      let current = await this.lockSnapshot(trx, seen.vendor, seen.id);
      if (!current) {
        const inserted = await trx
          .insertInto('case_snapshots')
          .values({ vendor: seen.vendor, case_id: seen.id, status_since: at, ...columnsOf(seen) })
          .onConflict((conflict) => conflict.columns(['vendor', 'case_id']).doNothing())
          .executeTakeFirst();
        if (countOf(inserted.numInsertedOrUpdatedRows) > 0) {
          return { case: seen, events: [], firstSighting: true }; // first sighting: no event
        }
        // A concurrent first sighting committed in between: compare with what it stored.
        current = await this.lockSnapshot(trx, seen.vendor, seen.id);
        if (!current)
          throw new Error(`store: snapshot of ${seen.vendor}:${seen.id} vanished mid-transaction`);
      }

      const before = storedCase(current);
      const merged = mergeObservation(before, seen, options.summary === true);
      const activity = activityBetween(before, merged);
      const statusChanged = current.status !== merged.status;
      await trx
        .updateTable('case_snapshots')
        .set(statusChanged ? { ...columnsOf(merged), status_since: at } : columnsOf(merged))
        .where('vendor', '=', seen.vendor)
        .where('case_id', '=', seen.id)
        .execute();
      const events = await this.insertEvents(
        trx,
        activity.map((change) => ({
          change,
          row: {
            vendor: seen.vendor,
            case_id: seen.id,
            title: merged.title,
            url: merged.url ?? null,
            from_status: change.kind === 'status' ? current.status : merged.status,
            from_state: change.kind === 'status' ? current.state : merged.state,
            to_status: merged.status,
            to_state: merged.state,
            observed_at: at,
          },
        })),
      );
      return { case: merged, events, firstSighting: false };
    });
  }

  async recordSlackNote(
    vendor: VendorId,
    caseId: string,
    note: { text: string; slackUserId: string; at: string },
  ): Promise<CaseEvent | undefined> {
    const at = isoInstant(note.at, 'at');
    const text = note.text.trim();
    if (!text) throw new Error('store: a note sent from Slack needs text');
    return this.context.db.transaction().execute(async (trx) => {
      const current = await this.lockSnapshot(trx, vendor, caseId);
      if (!current) return undefined;
      const updated = withSlackNote(storedCase(current), { text, slackUserId: note.slackUserId, at });
      await trx
        .updateTable('case_snapshots')
        .set({ case_json: JSON.stringify(updated) })
        .where('vendor', '=', vendor)
        .where('case_id', '=', caseId)
        .execute();
      const [event] = await this.insertEvents(trx, [
        {
          change: {
            kind: 'note',
            note: { text, createdAt: at, source: 'slack', slackUserId: note.slackUserId },
          },
          row: {
            vendor,
            case_id: caseId,
            title: updated.title,
            url: updated.url ?? null,
            from_status: current.status,
            from_state: current.state,
            to_status: current.status,
            to_state: current.state,
            observed_at: at,
          },
        },
      ]);
      return event;
    });
  }

  /** Inserts events in the order given, ids ascending, inside the caller's transaction. */
  private async insertEvents(
    trx: Transaction<Database>,
    pending: ReadonlyArray<{
      change: CaseActivity;
      row: Omit<StatusEventsTable, 'id' | 'kind' | 'detail_json'>;
    }>,
  ): Promise<CaseEvent[]> {
    if (pending.length === 0) return [];
    if (this.context.dialect === 'postgres') {
      // Digest cursors read "id > cursor", so an id must never become visible after a larger one. Holding
      // this lock from taking the id until commit makes ids commit in order. (SQLite has a single writer.)
      await sql`select pg_advisory_xact_lock(${sql.lit(EVENT_ID_ORDER_LOCK)})`.execute(trx);
    }
    const events: CaseEvent[] = [];
    for (const { change, row } of pending) {
      const detail = detailOf(change);
      const inserted = await trx
        .insertInto('status_events')
        .values({
          ...row,
          kind: change.kind,
          detail_json: detail === undefined ? null : JSON.stringify(detail),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      events.push(fromEventRow(inserted));
    }
    return events;
  }

  /** Reads the snapshot row; on PostgreSQL also locks it until the transaction ends. */
  private lockSnapshot(
    trx: Transaction<Database>,
    vendor: VendorId,
    caseId: string,
  ): Promise<Pick<CaseSnapshotsTable, 'status' | 'state' | 'case_json'> | undefined> {
    return trx
      .selectFrom('case_snapshots')
      .select(['status', 'state', 'case_json'])
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .$if(this.context.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
  }

  async recordSyncFailure(vendor: VendorId, caseId: string, error: string, at: string): Promise<void> {
    // Without a snapshot there is nothing to mark: the case was never seen, so no status can be wrong.
    await this.context.db
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
    const rows = await this.context.db
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

  async caseEventsAfter(
    vendor: VendorId,
    caseId: string,
    afterId: number,
    limit: number,
  ): Promise<CaseEvent[]> {
    const rows = await this.context.db
      .selectFrom('status_events')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromEventRow);
  }
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

/** The kind-specific part of an event, as stored in detail_json. */
interface EventDetail {
  note?: CaseEventNote;
  from?: string;
  to?: string;
  entry?: CaseStatusEntry;
}

function detailOf(change: CaseActivity): EventDetail | undefined {
  if (change.kind === 'note' && change.note) return { note: change.note };
  if (change.kind === 'owner' || change.kind === 'severity')
    return { from: change.from ?? '', to: change.to ?? '' };
  if (change.kind === 'history' && change.entry) return { entry: change.entry };
  return undefined;
}

function storedCase(row: Pick<CaseSnapshotsTable, 'case_json'>): Case {
  const c = JSON.parse(row.case_json) as Case;
  return { ...c, notes: c.notes ?? [], fields: c.fields ?? [], alternateIds: c.alternateIds ?? [] };
}

function fromEventRow(row: Omit<StatusEventsTable, 'id'> & { id: number }): CaseEvent {
  const detail = row.detail_json === null ? {} : (JSON.parse(row.detail_json) as EventDetail);
  return {
    id: Number(row.id),
    vendor: row.vendor,
    caseId: row.case_id,
    kind: row.kind,
    title: row.title,
    ...(row.url === null ? {} : { url: row.url }),
    fromStatus: row.from_status,
    fromState: row.from_state,
    toStatus: row.to_status,
    toState: row.to_state,
    observedAt: row.observed_at,
    ...(detail.note ? { note: detail.note } : {}),
    ...(detail.from === undefined ? {} : { from: detail.from }),
    ...(detail.entry ? { entry: detail.entry } : {}),
    ...(detail.to === undefined ? {} : { to: detail.to }),
  };
}
