import { describe, expect, it } from 'vitest';
import { caseOnlyClock, clockElapsedMs, responseClock } from '../../src/domain/response-clock.js';
import { clockWords } from '../../src/slack/words.js';

const now = new Date('2026-03-10T12:00:00Z');

describe('the response clock', () => {
  it('counts waiting on us from when the status last changed', () => {
    const clock = responseClock({
      state: 'waiting-on-customer',
      statusSince: '2026-03-10T07:00:00Z',
      case: { updatedAt: '2026-03-10T11:00:00Z' },
    });
    expect(clock).toEqual({ situation: 'waiting-on-us', since: '2026-03-10T07:00:00.000Z' });
    expect(clockWords(clock!, now, 'cisco')).toBe('Waiting on us for 5 h');
  });

  it('counts the vendor silent from its last write, when that is after the status change', () => {
    const clock = responseClock({
      state: 'waiting-on-vendor',
      statusSince: '2026-03-01T00:00:00Z',
      case: { updatedAt: '2026-03-08T11:00:00Z' },
    });
    expect(clock?.since).toBe('2026-03-08T11:00:00.000Z');
    expect(clockWords(clock!, now, 'cisco')).toBe('Cisco silent for 2 d');
  });

  it('takes "the vendor last wrote" from the seam it is given', () => {
    const clock = responseClock(
      { state: 'waiting-on-vendor', statusSince: '2026-03-01T00:00:00Z', case: {} },
      () => '2026-03-10T11:30:00Z',
    );
    expect(clockElapsedMs(clock!, now)).toBe(30 * 60_000);
    expect(clockWords(clock!, now, 'equinix')).toBe('Equinix silent for 30 min');
  });

  it('says open, and nothing for cases that wait on nobody', () => {
    expect(responseClock({ state: 'open', statusSince: '2026-03-10T09:00:00Z', case: {} })?.situation).toBe(
      'open',
    );
    expect(responseClock({ state: 'resolved', statusSince: '2026-03-10T09:00:00Z', case: {} })).toBe(
      undefined,
    );
    expect(caseOnlyClock({ state: 'closed', updatedAt: '2026-03-10T09:00:00Z' })).toBe(undefined);
    expect(caseOnlyClock({ state: 'open' })).toBe(undefined);
  });
});
