import { describe, expect, it } from 'vitest';
import { inQuietHours, nextNudgeDue } from '../../src/domain/nudges.js';
import type { NudgeStay } from '../../src/domain/ports/store.js';

const HOUR = 3_600_000;
const stay: NudgeStay = {
  channelId: 'C1',
  vendor: 'cisco',
  caseId: '1',
  situation: 'waiting-on-us',
  stayStart: '2026-03-10T10:00:00.000Z',
};

describe('quiet hours', () => {
  const night = { from: '20:00', to: '08:00' };
  it('span midnight in the given zone', () => {
    // 19:30 UTC is 20:30 in Berlin (CET, UTC+1 in March before the change).
    expect(inQuietHours(new Date('2026-03-10T19:30:00Z'), night, 'Europe/Berlin')).toBe(true);
    expect(inQuietHours(new Date('2026-03-10T19:30:00Z'), night, 'UTC')).toBe(false);
    expect(inQuietHours(new Date('2026-03-11T06:59:00Z'), night, 'Europe/Berlin')).toBe(true);
    expect(inQuietHours(new Date('2026-03-11T07:00:00Z'), night, 'Europe/Berlin')).toBe(false);
  });
  it('within one day, and none when unset', () => {
    const lunch = { from: '12:00', to: '13:00' };
    expect(inQuietHours(new Date('2026-03-10T12:30:00Z'), lunch, 'UTC')).toBe(true);
    expect(inQuietHours(new Date('2026-03-10T13:00:00Z'), lunch, 'UTC')).toBe(false);
    expect(inQuietHours(new Date('2026-03-10T12:30:00Z'), undefined, 'UTC')).toBe(false);
  });
});

describe('the next nudge', () => {
  it('is due a period after the stay began, then a period after the last one, three at most', () => {
    expect(nextNudgeDue(stay, HOUR, [])?.due.toISOString()).toBe('2026-03-10T11:00:00.000Z');
    const late = [
      { sequence: 1, createdAt: '2026-03-10T13:10:00.000Z', postedAt: '2026-03-10T13:10:00.000Z' },
    ];
    expect(nextNudgeDue(stay, HOUR, late)).toEqual({
      sequence: 2,
      due: new Date('2026-03-10T14:10:00.000Z'),
    });
    const three = [1, 2, 3].map((sequence) => ({ sequence, createdAt: stay.stayStart }));
    expect(nextNudgeDue(stay, HOUR, three)).toBe(undefined);
  });
  it('waits out a snooze and stops when done', () => {
    const snoozed = nextNudgeDue(stay, HOUR, [], { done: false, snoozedUntil: '2026-03-11T10:00:00.000Z' });
    expect(snoozed?.due.toISOString()).toBe('2026-03-11T10:00:00.000Z');
    expect(nextNudgeDue(stay, HOUR, [], { done: true })).toBe(undefined);
  });
});
