import { describe, expect, it } from 'vitest';
import {
  caseOnlyClock,
  clockElapsedMs,
  clockFactsOf,
  clockOnCard,
  responseClock,
} from '../../src/domain/response-clock.js';
import { clockWords } from '../../src/slack/words.js';

const now = new Date('2026-03-10T12:00:00Z');

describe('the response clock', () => {
  it('counts waiting on us from when the change into it was recorded', () => {
    const clock = responseClock(
      clockFactsOf(
        { state: 'waiting-on-customer', statusSince: '2026-03-10T09:00:00Z' },
        { enteredStateAt: '2026-03-10T07:00:00Z', vendorWroteAt: '2026-03-10T11:00:00Z' },
      ),
    );
    expect(clock).toEqual({ situation: 'waiting-on-us', since: '2026-03-10T07:00:00.000Z' });
    expect(clockWords(clock!, now, 'cisco')).toBe('Waiting on us for 5 h');
  });

  it('counts from the first sighting when no change into the state was recorded', () => {
    const seenOnly = responseClock(
      clockFactsOf({ state: 'waiting-on-customer', statusSince: '2026-03-10T10:00:00Z' }),
    );
    expect(clockWords(seenOnly!, now, 'cisco')).toBe('Waiting on us for 2 h');
    // A status change within the state moved the snapshot's time; an earlier event shows it was seen before.
    const withinState = responseClock(
      clockFactsOf(
        { state: 'waiting-on-customer', statusSince: '2026-03-10T11:00:00Z' },
        { firstEventAt: '2026-03-10T08:00:00Z' },
      ),
    );
    expect(clockWords(withinState!, now, 'cisco')).toBe('Waiting on us for 4 h');
  });

  it('counts the vendor silent from its last recorded activity, when that is after the state change', () => {
    const clock = responseClock(
      clockFactsOf(
        { state: 'waiting-on-vendor', statusSince: '2026-03-01T00:00:00Z' },
        { enteredStateAt: '2026-03-01T00:00:00Z', vendorWroteAt: '2026-03-08T11:00:00Z' },
      ),
    );
    expect(clock?.since).toBe('2026-03-08T11:00:00.000Z');
    expect(clockWords(clock!, now, 'cisco')).toBe('Cisco silent for 2 d');
    const quietSinceEntry = responseClock(
      clockFactsOf({ state: 'waiting-on-vendor', statusSince: '2026-03-10T11:30:00Z' }),
    );
    expect(clockElapsedMs(quietSinceEntry!, now)).toBe(30 * 60_000);
    expect(clockWords(quietSinceEntry!, now, 'equinix')).toBe('Equinix silent for 30 min');
  });

  it('says open, and nothing for cases that wait on nobody', () => {
    expect(responseClock({ state: 'open', stateSince: '2026-03-10T09:00:00Z' })?.situation).toBe('open');
    expect(responseClock({ state: 'resolved', stateSince: '2026-03-10T09:00:00Z' })).toBe(undefined);
    expect(caseOnlyClock({ state: 'closed', updatedAt: '2026-03-10T09:00:00Z' })).toBe(undefined);
    expect(caseOnlyClock({ state: 'open' })).toBe(undefined);
  });

  it('on a card: the recorded clock while the state is the recorded one, else the vendor’s times', () => {
    const recorded = {
      state: 'waiting-on-customer' as const,
      clock: { situation: 'waiting-on-us' as const, since: '2026-03-10T07:00:00.000Z' },
    };
    const c = { state: 'waiting-on-customer' as const, updatedAt: '2026-03-10T11:59:00Z' };
    expect(clockOnCard(c, recorded)).toEqual(recorded.clock);
    expect(clockOnCard({ ...c, state: 'waiting-on-vendor' }, recorded)?.since).toBe(
      '2026-03-10T11:59:00.000Z',
    );
    expect(clockOnCard(c, undefined)?.since).toBe('2026-03-10T11:59:00.000Z');
  });
});
