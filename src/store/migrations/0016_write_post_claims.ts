/**
 * Who is posting a write's message right now, on the outbox row itself: one attempt at a time across
 * replicas without a lease row per message (those were never deleted, so the lease table grew with every card).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('write_posts').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('write_posts').addColumn('claimed_until', 'text').execute();
  // The per-message leases of the earlier design: each was released (expired) when its post settled.
  await sql`delete from leases where name like 'post:%'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('write_posts').dropColumn('claimed_until').execute();
  await db.schema.alterTable('write_posts').dropColumn('claimed_by').execute();
}
