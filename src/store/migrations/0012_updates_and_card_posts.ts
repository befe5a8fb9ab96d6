/**
 * How each channel wants to hear about its cases (a scheduled digest, replies in the cards' threads, or both),
 * each posted card's permalink (fetched once, for the digest's thread links), and the outbox of the cards
 * and confirmations caseops posts on its own after a write (one row per write and message, written before the
 * post, so a redelivered submission, a retry or a restart finds it instead of posting again).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('update_delivery')
    .addColumn('channel_id', 'text', (col) => col.primaryKey())
    .addColumn('mode', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.alterTable('posted_cards').addColumn('permalink', 'text').execute();
  await db.schema
    .createTable('write_posts')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('thread_ts', 'text')
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('ts', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('posted_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('write_posts').execute();
  await db.schema.alterTable('posted_cards').dropColumn('permalink').execute();
  await db.schema.dropTable('update_delivery').execute();
}
