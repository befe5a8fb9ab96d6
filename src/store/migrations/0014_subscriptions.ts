/**
 * Personal subscriptions ("Notify me"): who is subscribed to which case with the newest event they were told
 * about, each person's night hours and Slack time zone, and the outbox of direct messages (one row per
 * message, unique by person, case and event range, written before the post so it is posted once).
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const eventId = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('subscriptions')
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('cursor', eventId, (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('subscriptions_pk', ['user_id', 'vendor', 'case_id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_case_idx')
    .on('subscriptions')
    .columns(['vendor', 'case_id'])
    .execute();
  await db.schema
    .createTable('subscriber_settings')
    .addColumn('user_id', 'text', (col) => col.primaryKey())
    .addColumn('night_from', 'text')
    .addColumn('night_to', 'text')
    .addColumn('timezone', 'text')
    .addColumn('timezone_checked_at', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('subscription_dms')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('from_event_id', eventId, (col) => col.notNull())
    .addColumn('to_event_id', eventId, (col) => col.notNull())
    .addColumn('dm_channel_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('ts', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('posted_at', 'text')
    .execute();
  await db.schema.createIndex('subscription_dms_state_idx').on('subscription_dms').column('state').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('subscription_dms').execute();
  await db.schema.dropTable('subscriber_settings').execute();
  await db.schema.dropTable('subscriptions').execute();
}
