/** Coordination across replicas: claims on scheduled fires, and leases. */
import type { Coordination } from '../../domain/ports/store.js';
import { countOf, isoInstant, type StoreContext } from './context.js';

/** Fires older than this are refused by claimRun: their claim rows may already have been pruned. */
export const CLAIM_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Claim rows are pruned a day after they leave the window, so clock skew between replicas cannot re-open one. */
export const CLAIM_RETENTION_MS = CLAIM_WINDOW_MS + 24 * 60 * 60 * 1000;

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

  async tryAcquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    if (!(ttlMs > 0)) throw new RangeError(`store: lease ttlMs must be positive, got ${ttlMs}`);
    const nowMs = this.context.now().getTime();
    const nowIso = new Date(nowMs).toISOString();
    // Take the row if it is free, expired, or already ours (a renewal); otherwise change nothing.
    const result = await this.context.db
      .insertInto('leases')
      .values({ name, holder, expires_at: new Date(nowMs + ttlMs).toISOString() })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', nowIso)])),
      )
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.context.db
      .deleteFrom('leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }
}
