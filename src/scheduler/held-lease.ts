/**
 * A lease held for as long as a run lasts: taken at the start, renewed on a heartbeat (every third of its
 * ttl), released at the end. A holder that dies stops renewing, and its lease lapses within one ttl for the
 * next fire (on any replica) to take over. The grant is the fencing token the run's writes carry (the poller's
 * observations, a digest's cursor moves), so a run that stalls past its ttl and was taken over cannot commit
 * even if it wakes up: `lost` tells it to stop, and the store refuses its writes regardless.
 */
import type { Coordination, LeaseGrant } from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';

/** How long a lease outlives its holder's last heartbeat by default (LEASE_TTL_MS). */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export type LeaseStore = Pick<Coordination, 'acquireLease' | 'renewLease' | 'releaseLease'>;

export class HeldLease {
  private readonly controller = new AbortController();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private lastRenewedAt: number;
  private renewing = false;
  private ended = false;

  private constructor(
    private readonly store: LeaseStore,
    readonly grant: LeaseGrant,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    this.lastRenewedAt = Date.now();
    this.heartbeat = setInterval(() => void this.renew(), Math.max(1, Math.floor(ttlMs / 3)));
    this.heartbeat.unref();
  }

  /** The lease, held and renewed from now on; undefined when someone else holds it. */
  static async acquire(
    store: LeaseStore,
    name: string,
    holder: string,
    ttlMs: number,
    logger: Logger,
  ): Promise<HeldLease | undefined> {
    const grant = await store.acquireLease(name, holder, ttlMs);
    return grant && new HeldLease(store, grant, ttlMs, logger);
  }

  /** Aborted once the lease is, or may be, someone else's: taken over, or not renewed for a whole ttl. */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.ended) return;
    this.renewing = true;
    try {
      if (await this.store.renewLease(this.grant, this.ttlMs)) {
        this.lastRenewedAt = Date.now();
      } else {
        this.lose(`the ${this.grant.name} lease was taken over by another holder`);
      }
    } catch (error) {
      this.logger.warn({ lease: this.grant.name, err: error }, 'could not renew a lease; trying again');
      if (Date.now() - this.lastRenewedAt >= this.ttlMs) {
        this.lose(`the ${this.grant.name} lease could not be renewed within its ${this.ttlMs} ms`);
      }
    } finally {
      this.renewing = false;
    }
  }

  private lose(reason: string): void {
    clearInterval(this.heartbeat);
    if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
  }

  /** Stops the heartbeat and hands the lease back (if releasing fails it simply lapses). */
  async release(): Promise<void> {
    this.ended = true;
    clearInterval(this.heartbeat);
    await this.store.releaseLease(this.grant.name, this.grant.holder).catch((error: unknown) => {
      this.logger.warn({ lease: this.grant.name, err: error }, 'could not release a lease (it will lapse)');
    });
  }

  /** Stops renewing without releasing, as a holder that died would (tests). */
  abandon(): void {
    this.ended = true;
    clearInterval(this.heartbeat);
  }
}
