import { describe, expect, it } from 'vitest';
import type { ListResult } from '../../src/domain/ports/vendor.js';
import { ListCache } from '../../src/domain/use-cases/list-cache.js';

const result = (total: number): ListResult => ({ cases: [], total, pages: 1 });

describe('ListCache (a list kept for its page buttons)', () => {
  it('is the same list whatever order the ids were typed in, and only for the same person', () => {
    const a = ListCache.key('U0ALICE', 'cisco', { by: 'contract', ids: ['2', '1'], status: 'open' });
    expect(a).toBe(ListCache.key('U0ALICE', 'cisco', { by: 'contract', ids: ['1', '2'], status: 'open' }));
    expect(a).not.toBe(ListCache.key('U0BOB', 'cisco', { by: 'contract', ids: ['1', '2'], status: 'open' }));
    expect(a).not.toBe(ListCache.key('U0ALICE', 'cisco', { by: 'contract', ids: ['1', '2'] }));
  });

  it('forgets a list after its time, and the oldest list when full', () => {
    let now = 0;
    const cache = new ListCache({ ttlMs: 1000, maxEntries: 2, now: () => now });
    cache.set('a', result(1));
    cache.set('b', result(2));
    now = 999;
    expect(cache.get('a')?.total).toBe(1);
    cache.set('c', result(3));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.total).toBe(2);
    now = 1000;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')?.total).toBe(3);
  });
});
