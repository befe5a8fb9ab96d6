import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../../src/slack/expiring-cache.js';

describe('ExpiringCache', () => {
  it('answers until the time to live has passed, then forgets the entry', () => {
    let now = 1_000;
    const cache = new ExpiringCache<string, string>({ ttlMs: 100, maxEntries: 10, now: () => now });
    cache.set('U1', 'Priya');
    now += 99;
    expect(cache.get('U1')).toBe('Priya');
    now += 1;
    expect(cache.get('U1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never holds more than its bound: expired entries go first, then the oldest', () => {
    let now = 0;
    const cache = new ExpiringCache<string, number>({ ttlMs: 100, maxEntries: 3, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    now = 150;
    cache.set('c', 3);
    // a and b have expired: both are dropped to make room, c stays.
    cache.set('d', 4);
    expect(cache.size).toBe(2);
    cache.set('e', 5);
    cache.set('f', 6);
    expect(cache.size).toBe(3);
    expect(cache.get('c')).toBeUndefined();
    expect([cache.get('d'), cache.get('e'), cache.get('f')]).toEqual([4, 5, 6]);
  });

  it('renews an entry that is set again and keeps it ahead of older ones', () => {
    let now = 0;
    const cache = new ExpiringCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    now = 50;
    cache.set('a', 10);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    now = 120;
    expect(cache.get('a')).toBe(10);
    expect(cache.get('c')).toBe(3);
  });
});
