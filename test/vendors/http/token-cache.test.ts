import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../../src/vendors/http/token-cache.js';
import { ManualClock } from './fake-clocks.js';

class Refused extends Error {}

/** A token endpoint double: answers token-1, token-2, … or whatever `next` says. */
function tokenEndpoint(lifetimeSeconds = 3600) {
  const endpoint = {
    calls: 0,
    next: undefined as (() => Promise<{ accessToken: string; expiresInSeconds: number }>) | undefined,
    fetchToken: () => {
      endpoint.calls++;
      if (endpoint.next) return endpoint.next();
      return Promise.resolve({ accessToken: `token-${endpoint.calls}`, expiresInSeconds: lifetimeSeconds });
    },
  };
  return endpoint;
}

describe('TokenCache', () => {
  it('fetches once for callers that ask at the same moment', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint();
    let release!: () => void;
    endpoint.next = () =>
      new Promise((resolve) => {
        release = () => resolve({ accessToken: 'shared', expiresInSeconds: 3600 });
      });
    let refreshes = 0;
    const cache = new TokenCache({ fetchToken: endpoint.fetchToken, clock, onRefresh: () => refreshes++ });

    const waiting = Promise.all([cache.get(), cache.get(), cache.get()]);
    release();
    expect(await waiting).toEqual(['shared', 'shared', 'shared']);
    expect(endpoint.calls).toBe(1);
    expect(refreshes).toBe(1);
  });

  it('reuses a token until the early-renewal margin before expiry, then fetches a new one', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint(3600);
    const cache = new TokenCache({ fetchToken: endpoint.fetchToken, clock, earlyRenewalMs: 60_000 });

    expect(await cache.get()).toBe('token-1');
    await clock.advance(3_540_000 - 1);
    expect(await cache.get()).toBe('token-1');
    await clock.advance(1);
    expect(await cache.get()).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });

  it('renews a short-lived token at half its life rather than never caching it', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint(60);
    const cache = new TokenCache({ fetchToken: endpoint.fetchToken, clock, earlyRenewalMs: 60_000 });

    expect(await cache.get()).toBe('token-1');
    await clock.advance(29_999);
    expect(await cache.get()).toBe('token-1');
    await clock.advance(1);
    expect(await cache.get()).toBe('token-2');
  });

  it('drops a refused token so the next call fetches, but keeps a newer one', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint();
    const cache = new TokenCache({ fetchToken: endpoint.fetchToken, clock });

    expect(await cache.get()).toBe('token-1');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    cache.invalidate('token-1');
    expect(await cache.get()).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });

  it('after a refusal, fails fast without asking the vendor again until the cool-down has passed', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint();
    const refusal = new Refused('bad credentials');
    endpoint.next = () => Promise.reject(refusal);
    const cache = new TokenCache({
      fetchToken: endpoint.fetchToken,
      clock,
      refusalCooldownMs: 300_000,
      isRefusal: (error) => error instanceof Refused,
    });

    await expect(cache.get()).rejects.toBe(refusal);
    await clock.advance(299_999);
    await expect(cache.get()).rejects.toBe(refusal);
    expect(endpoint.calls).toBe(1);

    endpoint.next = undefined;
    await clock.advance(1);
    expect(await cache.get()).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });

  it('asks again at once after a failure that is not a refusal', async () => {
    const clock = new ManualClock();
    const endpoint = tokenEndpoint();
    endpoint.next = () => Promise.reject(new Error('connection reset'));
    const cache = new TokenCache({
      fetchToken: endpoint.fetchToken,
      clock,
      isRefusal: (error) => error instanceof Refused,
    });

    await expect(cache.get()).rejects.toThrow('connection reset');
    endpoint.next = undefined;
    expect(await cache.get()).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });
});
