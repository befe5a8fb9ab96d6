/**
 * Remembers keys for a while so a Slack-only side effect (posting a card from a button, answering an event
 * Slack re-delivers) happens once per key in this process. Vendor writes do not rely on this: they are
 * de-duplicated in the store, across replicas.
 */
export class OnceGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 10 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is claimed within the time to live, false for every repeat. */
  claim(key: string): boolean {
    const now = this.now();
    if (this.seen.size > 10_000) this.sweep(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, now + this.ttlMs);
    return true;
  }

  /** Lets `key` be claimed again (the side effect failed and may be tried again). */
  release(key: string): void {
    this.seen.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
  }
}
