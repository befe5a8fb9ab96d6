/**
 * Nudges: each channel's rules and quiet hours, the outbox of nudges (one row per nudge, unique by its stay
 * and sequence number, written before the post so a nudge is posted once across replicas and restarts), and
 * what people said about a stay (snoozed until, done).
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const duration = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('nudge_settings')
    .addColumn('channel_id', 'text', (col) => col.primaryKey())
    .addColumn('waiting_on_us_ms', duration)
    .addColumn('vendor_silent_ms', duration)
    .addColumn('quiet_from', 'text')
    .addColumn('quiet_to', 'text')
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('nudges')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('situation', 'text', (col) => col.notNull())
    .addColumn('stay_start', 'text', (col) => col.notNull())
    .addColumn('sequence', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('thread_ts', 'text')
    .addColumn('ts', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('posted_at', 'text')
    .execute();
  await db.schema
    .createIndex('nudges_stay_idx')
    .on('nudges')
    .columns(['channel_id', 'vendor', 'case_id', 'situation', 'stay_start'])
    .execute();
  await db.schema.createIndex('nudges_state_idx').on('nudges').column('state').execute();
  await db.schema
    .createTable('nudge_holds')
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('situation', 'text', (col) => col.notNull())
    .addColumn('stay_start', 'text', (col) => col.notNull())
    .addColumn('snoozed_until', 'text')
    .addColumn('done', 'integer', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('nudge_holds_pk', ['channel_id', 'vendor', 'case_id', 'situation', 'stay_start'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('nudge_holds').execute();
  await db.schema.dropTable('nudges').execute();
  await db.schema.dropTable('nudge_settings').execute();
}
