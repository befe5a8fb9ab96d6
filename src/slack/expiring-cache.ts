/**
 * A cache whose entries expire and are then actually dropped, holding at most `maxEntries`: an expired entry
 * goes when it is read, the oldest entries when a new one would exceed the bound, and every expired one
 * whenever the cache is full. A busy workspace's people and channels therefore cost a bounded amount of
 * memory, not one entry per person or channel ever seen.
 */
export interface ExpiringCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class ExpiringCache<K, V> {
  /** In insertion order, which with one ttl is also expiry order. */
  private readonly entries = new Map<K, { value: V; until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ExpiringCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = Math.max(1, options.maxEntries);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    const now = this.now();
    // Re-inserted at the end, so the map stays in expiry order.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.dropExpired(now);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      // Expiry order: the first live entry means every later one is live too.
      if (entry.until > now) return;
      this.entries.delete(key);
    }
  }
}
