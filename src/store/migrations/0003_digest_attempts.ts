/**
 * The digest outbox: one row per digest message caseops is about to post, written before the post and settled
 * with the cursor move (posted) or by reconciliation (posted, or absent when Slack never got it). A row still
 * pending at the next run means caseops cannot know whether Slack has the message; the runner then reads the
 * channel's history for its own tagged messages instead of posting again (see scheduler/digest-runner.ts).
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const eventId = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('digest_attempts')
    .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (col) =>
      dialect === 'postgres'
        ? col.primaryKey().generatedAlwaysAsIdentity()
        : col.primaryKey().autoIncrement(),
    )
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('from_event_id', eventId, (col) => col.notNull())
    .addColumn('to_event_id', eventId, (col) => col.notNull())
    .addColumn('part', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('ts', 'text')
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('digest_attempts_channel_state_idx')
    .on('digest_attempts')
    .columns(['channel_id', 'state'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('digest_attempts').execute();
}
