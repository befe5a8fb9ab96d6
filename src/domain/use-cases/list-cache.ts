/**
 * Recent case lists, so a list's page buttons do not walk the vendor's pages again (a Cisco list may take up
 * to 100 vendor calls). Bounded and short-lived: a page shown from it is at most `ttlMs` old, and the oldest
 * entry goes first when it is full.
 */
import type { VendorId } from '../case.js';
import type { ListQuery, ListResult } from '../ports/vendor.js';

export interface ListCacheOptions {
  /** How long a list is reused for its page buttons. */
  ttlMs: number;
  /** How many lists are kept at once. */
  maxEntries: number;
  now: () => number;
}

export const DEFAULT_LIST_CACHE = { ttlMs: 5 * 60_000, maxEntries: 50 };

export class ListCache {
  private readonly entries = new Map<string, { result: ListResult; storedAt: number }>();

  constructor(private readonly options: ListCacheOptions) {}

  /** One key per person and query, whatever order the ids were typed in. */
  static key(userId: string, vendor: VendorId, query: ListQuery): string {
    return JSON.stringify([
      userId,
      vendor,
      query.by,
      [...query.ids].sort(),
      query.status ?? '',
      query.from ?? '',
      query.to ?? '',
    ]);
  }

  get(key: string): ListResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.options.now() - entry.storedAt >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  set(key: string, result: ListResult): void {
    this.entries.delete(key);
    this.entries.set(key, { result, storedAt: this.options.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
