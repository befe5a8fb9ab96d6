/**
 * Leases get a generation: raised every time a lease changes hands, it is the fencing token a holder's writes
 * carry, so a holder whose lease was taken over cannot commit (see parts/coordination.ts). Existing rows start
 * at 1; the next change of hands makes them 2.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('leases')
    .addColumn('generation', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leases').dropColumn('generation').execute();
}
