/**
 * Where each case lives: the channel it was opened or first watched in, and whether that channel is private.
 * A case whose home is private is shown elsewhere only to members of that channel (see
 * src/domain/use-cases/case-access.ts). One row per case; the first home recorded stays.
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('case_homes')
    .addColumn('vendor', 'text', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('channel_id', 'text', (col) => col.notNull())
    .addColumn('is_private', 'integer', (col) => col.notNull())
    .addColumn('since', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('case_homes_pk', ['vendor', 'case_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_homes').execute();
}
