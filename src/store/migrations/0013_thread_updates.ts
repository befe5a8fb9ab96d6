/**
 * Replies in the case cards' threads: a cursor per posted card (the last event its thread was told about, and
 * how many replies it holds), and the outbox of thread replies (one row per reply, written before the post, so
 * a reply whose answer was lost is looked for in the thread instead of being posted again). Cards posted before
 * this migration start their threads at their case's newest event: what they already show is not repeated.
 */
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../schema.js';

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  // Event ids are bigint on PostgreSQL (as status_events.id is).
  const eventId = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('thread_cursors')
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('card_ts', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('last_event_id', eventId, (col) => col.notNull())
    .addColumn('replies', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('thread_cursors_pk', ['channel_id', 'card_ts'])
    .execute();
  await db.schema
    .createIndex('thread_cursors_case_idx')
    .on('thread_cursors')
    .columns(['vendor', 'case_id'])
    .execute();
  await db.schema
    .createTable('thread_replies')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('card_ts', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('after_event_id', eventId, (col) => col.notNull())
    .addColumn('to_event_id', eventId, (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('ts', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('posted_at', 'text')
    .execute();
  await db.schema.createIndex('thread_replies_state_idx').on('thread_replies').column('state').execute();
  await sql`
    insert into thread_cursors (channel_id, card_ts, vendor, case_id, last_event_id, replies)
    select p.channel_id, p.ts, p.vendor, p.case_id,
      coalesce((select max(e.id) from status_events e where e.vendor = p.vendor and e.case_id = p.case_id), 0),
      0
    from posted_cards p
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('thread_replies').execute();
  await db.schema.dropTable('thread_cursors').execute();
}
