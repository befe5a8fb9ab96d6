/**
 * The threads of posted cards (migration 0013): each card's cursor and reply count, and the outbox of thread
 * replies. A reply is settled and its card's cursor moved in one transaction, so the two never disagree.
 */
import type { Transaction } from 'kysely';
import type { VendorId } from '../../domain/case.js';
import type { PostedCard } from '../../domain/ports/store.js';
import type {
  ThreadCursor,
  ThreadFence,
  ThreadReplyRecord,
  ThreadUpdateStore,
} from '../../domain/ports/thread-updates.js';
import type { Database, ThreadCursorsTable, ThreadRepliesTable } from '../schema.js';
import { countOf, isoInstant, nowIso, positiveLimit, type StoreContext } from './context.js';
import { assertLeaseHeld } from './coordination.js';

export class KyselyThreadUpdates implements ThreadUpdateStore {
  constructor(private readonly context: StoreContext) {}

  async channelsWithThreadNews(): Promise<string[]> {
    const rows = await this.withNews().select('t.channel_id').distinct().orderBy('t.channel_id').execute();
    return rows.map((row) => row.channel_id);
  }

  async threadsWithNews(channelId: string, limit: number): Promise<ThreadCursor[]> {
    const rows = await this.withNews()
      .selectAll('t')
      .where('t.channel_id', '=', channelId)
      .orderBy('t.card_ts')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromCursorRow);
  }

  /** The current cards' thread cursors that have events after them. */
  private withNews() {
    return this.context.db
      .selectFrom('thread_cursors as t')
      .innerJoin('posted_cards as p', (join) =>
        join.onRef('p.channel_id', '=', 't.channel_id').onRef('p.ts', '=', 't.card_ts'),
      )
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('status_events as e')
            .select('e.id')
            .whereRef('e.vendor', '=', 't.vendor')
            .whereRef('e.case_id', '=', 't.case_id')
            .whereRef('e.id', '>', 't.last_event_id'),
        ),
      );
  }

  async beginThreadReply(
    record: Omit<ThreadReplyRecord, 'state' | 'ts' | 'createdAt' | 'postedAt'>,
    fence?: ThreadFence,
  ): Promise<boolean> {
    return this.context.db.transaction().execute(async (trx) => {
      if (fence) await assertLeaseHeld(trx, this.context.dialect, fence);
      const result = await trx
        .insertInto('thread_replies')
        .values({
          key: record.key,
          channel_id: record.channelId,
          card_ts: record.cardTs,
          vendor: record.vendor,
          case_id: record.caseId,
          after_event_id: record.afterEventId,
          to_event_id: record.toEventId,
          state: 'pending',
          ts: null,
          created_at: nowIso(this.context),
          posted_at: null,
        })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .executeTakeFirst();
      return countOf(result.numInsertedOrUpdatedRows) > 0;
    });
  }

  async settleThreadReply(key: string, ts: string, postedAt: string, fence?: ThreadFence): Promise<boolean> {
    const at = isoInstant(postedAt, 'postedAt');
    return this.context.db.transaction().execute(async (trx) => {
      if (fence) await assertLeaseHeld(trx, this.context.dialect, fence);
      const row = await trx
        .selectFrom('thread_replies')
        .selectAll()
        .where('key', '=', key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (!row) return false;
      await trx
        .updateTable('thread_replies')
        .set({ state: 'posted', ts, posted_at: at })
        .where('key', '=', key)
        .execute();
      // Only forward: a reply settled late (found in the thread) never moves a cursor back.
      await trx
        .updateTable('thread_cursors')
        .set((eb) => ({ last_event_id: row.to_event_id, replies: eb('replies', '+', 1) }))
        .where('channel_id', '=', row.channel_id)
        .where('card_ts', '=', row.card_ts)
        .where('last_event_id', '<', row.to_event_id)
        .execute();
      return true;
    });
  }

  async forgetThreadReply(key: string, fence?: ThreadFence): Promise<void> {
    await this.context.db.transaction().execute(async (trx) => {
      if (fence) await assertLeaseHeld(trx, this.context.dialect, fence);
      await trx.deleteFrom('thread_replies').where('key', '=', key).where('state', '=', 'pending').execute();
    });
  }

  async pendingThreadReplies(): Promise<ThreadReplyRecord[]> {
    const rows = await this.context.db
      .selectFrom('thread_replies')
      .selectAll()
      .where('state', '=', 'pending')
      .orderBy('created_at')
      .orderBy('key')
      .execute();
    return rows.map(fromReplyRow);
  }

  async threadReplyCount(channelId: string, vendor: VendorId, caseId: string): Promise<number> {
    const row = await this.context.db
      .selectFrom('thread_cursors as t')
      .innerJoin('posted_cards as p', (join) =>
        join.onRef('p.channel_id', '=', 't.channel_id').onRef('p.ts', '=', 't.card_ts'),
      )
      .select('t.replies')
      .where('p.channel_id', '=', channelId)
      .where('p.vendor', '=', vendor)
      .where('p.case_id', '=', caseId)
      .executeTakeFirst();
    return row ? Number(row.replies) : 0;
  }
}

/**
 * Starts the thread of a card just remembered, inside that write's transaction: its cursor sits at the case's
 * newest event (the card shows the case as it stands, so its thread starts after it). The thread of the card it
 * replaced, if any, is no longer followed.
 */
export async function startCardThread(trx: Transaction<Database>, card: PostedCard): Promise<void> {
  const newest = await trx
    .selectFrom('status_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('vendor', '=', card.vendor)
    .where('case_id', '=', card.caseId)
    .executeTakeFirst();
  await trx
    .deleteFrom('thread_cursors')
    .where('channel_id', '=', card.channelId)
    .where('vendor', '=', card.vendor)
    .where('case_id', '=', card.caseId)
    .where('card_ts', '!=', card.ts)
    .execute();
  await trx
    .insertInto('thread_cursors')
    .values({
      channel_id: card.channelId,
      card_ts: card.ts,
      vendor: card.vendor,
      case_id: card.caseId,
      last_event_id: Number(newest?.id ?? 0),
      replies: 0,
    })
    .onConflict((conflict) => conflict.columns(['channel_id', 'card_ts']).doNothing())
    .execute();
}

function fromCursorRow(row: ThreadCursorsTable): ThreadCursor {
  return {
    channelId: row.channel_id,
    cardTs: row.card_ts,
    vendor: row.vendor,
    caseId: row.case_id,
    lastEventId: Number(row.last_event_id),
    replies: Number(row.replies),
  };
}

function fromReplyRow(row: ThreadRepliesTable): ThreadReplyRecord {
  return {
    key: row.key,
    channelId: row.channel_id,
    cardTs: row.card_ts,
    vendor: row.vendor,
    caseId: row.case_id,
    afterEventId: Number(row.after_event_id),
    toEventId: Number(row.to_event_id),
    state: row.state === 'posted' ? 'posted' : 'pending',
    ...(row.ts === null ? {} : { ts: row.ts }),
    createdAt: row.created_at,
    ...(row.posted_at === null ? {} : { postedAt: row.posted_at }),
  };
}
