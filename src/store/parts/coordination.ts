/** Coordination across replicas: claims on scheduled fires, and leases. */
import { type Expression, sql, type Transaction } from 'kysely';
import { type Coordination, type LeaseGrant, StaleLeaseError } from '../../domain/ports/store.js';
import type { Database, SqlDialect } from '../schema.js';
import { countOf, isoInstant, type StoreContext } from './context.js';

/** Fires older than this are refused by claimRun: their claim rows may already have been pruned. */
export const CLAIM_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Claim rows are pruned a day after they leave the window, so clock skew between replicas cannot re-open one. */
export const CLAIM_RETENTION_MS = CLAIM_WINDOW_MS + 24 * 60 * 60 * 1000;
/** `expires_at` of a released lease: long past on any clock. */
const RELEASED = new Date(0).toISOString();
/** PostgreSQL's to_char pattern for `Date#toISOString` text (UTC, milliseconds), so text order is time order. */
const ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

export class KyselyCoordination implements Coordination {
  constructor(private readonly context: StoreContext) {}

  async claimRun(task: string, fireAt: string, holder: string): Promise<boolean> {
    const fire = isoInstant(fireAt, 'fireAt');
    const nowMs = this.context.now().getTime();
    if (fire < new Date(nowMs - CLAIM_WINDOW_MS).toISOString()) {
      this.context.logger.warn(
        { task, fireAt: fire },
        'store: refusing to claim a fire older than the claim window',
      );
      return false;
    }
    await this.context.db
      .deleteFrom('scheduled_runs')
      .where('fire_at', '<', new Date(nowMs - CLAIM_RETENTION_MS).toISOString())
      .execute();
    const result = await this.context.db
      .insertInto('scheduled_runs')
      .values({ task, fire_at: fire, holder, claimed_at: new Date(nowMs).toISOString() })
      .onConflict((conflict) => conflict.columns(['task', 'fire_at']).doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    const clock = leaseClock(this.context, ttlMs);
    // Take the row if it is free, expired, or already ours; otherwise change nothing. A change of hands (a
    // new holder, or ours after it expired) raises the generation, so whoever held it before is fenced off.
    const row = await this.context.db
      .insertInto('leases')
      .values({ name, holder, expires_at: clock.expiresAt, generation: 1 })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
            generation: eb
              .case()
              .when(eb.and([eb('leases.holder', '=', holder), eb('leases.expires_at', '>', clock.now)]))
              .then(eb.ref('leases.generation'))
              .else(sql<number>`${eb.ref('leases.generation')} + 1`)
              .end(),
          }))
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', clock.now)])),
      )
      .returning('generation')
      .executeTakeFirst();
    return row && { name, holder, generation: Number(row.generation) };
  }

  async renewLease(grant: LeaseGrant, ttlMs: number): Promise<boolean> {
    const clock = leaseClock(this.context, ttlMs);
    // Still ours if nobody took it since the grant, even when it lapsed in between (the generation says so).
    const result = await this.context.db
      .updateTable('leases')
      .set({ expires_at: clock.expiresAt })
      .where('name', '=', grant.name)
      .where('holder', '=', grant.holder)
      .where('generation', '=', grant.generation)
      .executeTakeFirst();
    return countOf(result.numUpdatedRows) > 0;
  }

  async tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.acquireLease(name, holder, ttlMs)) !== undefined;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    // Expired rather than deleted: the row keeps its generation, so the next holder's is higher still.
    await this.context.db
      .updateTable('leases')
      .set({ expires_at: RELEASED })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }
}

/**
 * "Now" and "now + ttl" as ISO text, for rows that hold a claim until a time (leases, outbox claims). On
 * PostgreSQL they are the database server's clock (`now()`), so replicas whose clocks disagree still agree on
 * when a claim expires; on SQLite (one machine) the store's clock, which tests control.
 */
export function leaseClock(
  context: StoreContext,
  ttlMs: number,
): { now: Expression<string>; expiresAt: Expression<string> } {
  if (!(Number.isInteger(ttlMs) && ttlMs > 0))
    throw new RangeError(`store: lease ttlMs must be a positive integer, got ${ttlMs}`);
  if (context.dialect === 'postgres') {
    return {
      now: sql<string>`to_char(now() at time zone 'UTC', ${ISO_FORMAT})`,
      expiresAt: sql<string>`to_char((now() + ${sql.lit(ttlMs)} * interval '1 millisecond') at time zone 'UTC', ${ISO_FORMAT})`,
    };
  }
  const nowMs = context.now().getTime();
  return {
    now: sql.val(new Date(nowMs).toISOString()),
    expiresAt: sql.val(new Date(nowMs + ttlMs).toISOString()),
  };
}

/**
 * Checks, inside a write's transaction, that `fence` is still the current grant of its lease, and throws
 * StaleLeaseError otherwise. On PostgreSQL the lease row stays share-locked until the write commits, so a
 * takeover waits for the write (and then sees it) instead of slipping in between the check and the commit;
 * SQLite's write transactions are serialised anyway.
 */
export async function assertLeaseHeld(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  fence: LeaseGrant,
): Promise<void> {
  const row = await trx
    .selectFrom('leases')
    .select(['holder', 'generation'])
    .where('name', '=', fence.name)
    .$if(dialect === 'postgres', (query) => query.forShare())
    .executeTakeFirst();
  if (!row || row.holder !== fence.holder || Number(row.generation) !== fence.generation) {
    throw new StaleLeaseError(fence);
  }
}
