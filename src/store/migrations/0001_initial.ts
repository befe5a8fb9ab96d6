/**
 * The first schema. Written with Kysely's schema builder so one history serves both dialects; the only
 * dialect-specific part is how an auto-increment id is declared. Migrations are frozen once released: later
 * changes go into new numbered modules.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * Ids that digest cursors and audit readers rely on: never reused, increasing. SQLite needs AUTOINCREMENT
 * (plain rowids may reuse the largest id after a delete); PostgreSQL uses an identity column.
 */
function autoIncrementId(dialect: SqlDialect) {
  return {
    type: dialect === 'postgres' ? ('bigint' as const) : ('integer' as const),
    build: (col: ColumnDefinitionBuilder) =>
      dialect === 'postgres'
        ? col.primaryKey().generatedAlwaysAsIdentity()
        : col.primaryKey().autoIncrement(),
  };
}

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const id = autoIncrementId(dialect);
  const eventId = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('watches')
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('watches_pk', ['vendor', 'case_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('watches_channel_idx').on('watches').column('channel_id').execute();

  await db.schema
    .createTable('case_snapshots')
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('url', 'text')
    .addColumn('case_json', 'text', (col) => col.notNull())
    .addColumn('last_synced_at', 'text', (col) => col.notNull())
    .addColumn('status_since', 'text', (col) => col.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addPrimaryKeyConstraint('case_snapshots_pk', ['vendor', 'case_id'])
    .execute();

  await db.schema
    .createTable('status_events')
    .addColumn('id', id.type, id.build)
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('url', 'text')
    .addColumn('from_status', 'text', (col) => col.notNull())
    .addColumn('from_state', 'text', (col) => col.notNull())
    .addColumn('to_status', 'text', (col) => col.notNull())
    .addColumn('to_state', 'text', (col) => col.notNull())
    .addColumn('observed_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('status_events_case_idx')
    .on('status_events')
    .columns(['vendor', 'case_id'])
    .execute();

  await db.schema
    .createTable('digest_settings')
    .addColumn('channel_id', 'text', (col) => col.primaryKey())
    .addColumn('cron', 'text', (col) => col.notNull())
    .addColumn('schedule', 'text', (col) => col.notNull())
    .addColumn('timezone', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('post_when_empty', 'integer', (col) => col.notNull())
    .addColumn('cursor', eventId, (col) => col.notNull().defaultTo(0))
    .addColumn('last_posted_at', 'text')
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('vendor_writes')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('operation', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text')
    .addColumn('vendor_key', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('result_json', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('vendor_writes_state_idx')
    .on('vendor_writes')
    .columns(['state', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id.type, id.build)
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor_user_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('detail', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_log_case_idx').on('audit_log').columns(['vendor', 'case_id']).execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await db.schema
    .createTable('posted_cards')
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('ts', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('posted_cards_pk', ['vendor', 'case_id', 'channel_id'])
    .execute();

  await db.schema
    .createTable('recent_cases')
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('recent_cases_pk', ['user_id', 'vendor', 'case_id'])
    .execute();
  await db.schema
    .createIndex('recent_cases_user_at_idx')
    .on('recent_cases')
    .columns(['user_id', 'at'])
    .execute();

  await db.schema
    .createTable('scheduled_runs')
    .addColumn('task', 'text', (col) => col.notNull())
    .addColumn('fire_at', 'text', (col) => col.notNull())
    .addColumn('holder', 'text', (col) => col.notNull())
    .addColumn('claimed_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('scheduled_runs_pk', ['task', 'fire_at'])
    .execute();
  await db.schema.createIndex('scheduled_runs_fire_at_idx').on('scheduled_runs').column('fire_at').execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('holder', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'leases',
    'scheduled_runs',
    'recent_cases',
    'posted_cards',
    'audit_log',
    'vendor_writes',
    'digest_settings',
    'status_events',
    'case_snapshots',
    'watches',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
