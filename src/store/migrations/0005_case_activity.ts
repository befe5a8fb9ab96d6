/**
 * Case activity: the event log records every change the vendor reports (status, owner, severity, new notes)
 * and the notes caseops sends from Slack, not only status changes. Existing rows are status changes; the
 * kind-specific part (a note, an owner's before and after) is JSON, read back by the event log.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('status_events')
    .addColumn('kind', 'text', (col) => col.notNull().defaultTo('status'))
    .execute();
  await db.schema.alterTable('status_events').addColumn('detail_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('status_events').dropColumn('detail_json').execute();
  await db.schema.alterTable('status_events').dropColumn('kind').execute();
}
