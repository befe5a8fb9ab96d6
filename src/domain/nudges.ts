/**
 * Nudges, decided: which stay a watched case is in (from its response clock), when its next nudge is due
 * (after the rule's period, again after each further period, at most NUDGE_REPEAT_LIMIT times per stay,
 * later when snoozed, never once "done"), and whether a channel's quiet hours hold now. Pure.
 */
import type { NudgeHold, NudgeRecord, NudgeSituation, NudgeStay } from './ports/store.js';
import type { ResponseClock } from './response-clock.js';

export const NUDGE_REPEAT_LIMIT = 3;
export const NUDGE_SITUATIONS: readonly NudgeSituation[] = ['waiting-on-us', 'vendor-silent'];
/** The shortest rule: polls run about once a minute, so a shorter one could not be kept. */
export const MIN_NUDGE_PERIOD_MS = 60_000;

/** The stay a case is in as far as nudges go, or undefined when no nudge can be about it (open, done with). */
export function nudgeStayOf(
  channelId: string,
  key: { vendor: string; caseId: string },
  clock: ResponseClock | undefined,
): NudgeStay | undefined {
  if (!clock || clock.situation === 'open') return undefined;
  return {
    channelId,
    vendor: key.vendor,
    caseId: key.caseId,
    situation: clock.situation,
    stayStart: clock.since,
  };
}

/** The store key of a stay's n-th nudge: the same on every replica. */
export function nudgeKey(stay: NudgeStay, sequence: number): string {
  return [stay.channelId, stay.vendor, stay.caseId, stay.situation, stay.stayStart, sequence].join('|');
}

/** When the stay's next nudge is due, or undefined when none is left (limit reached, done). */
export function nextNudgeDue(
  stay: NudgeStay,
  periodMs: number,
  sent: readonly Pick<NudgeRecord, 'sequence' | 'postedAt' | 'createdAt'>[],
  hold?: NudgeHold,
): { sequence: number; due: Date } | undefined {
  if (hold?.done) return undefined;
  const sequence = sent.reduce((most, record) => Math.max(most, record.sequence), 0) + 1;
  if (sequence > NUDGE_REPEAT_LIMIT) return undefined;
  let due = Date.parse(stay.stayStart) + sequence * periodMs;
  // One nudge posted late (quiet hours, a slow poll) pushes the next one a whole period on, not a burst.
  const last = sent.at(-1);
  if (last) due = Math.max(due, Date.parse(last.postedAt ?? last.createdAt) + periodMs);
  if (hold?.snoozedUntil) due = Math.max(due, Date.parse(hold.snoozedUntil));
  return { sequence, due: new Date(due) };
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(text: string): boolean {
  return CLOCK_TIME.test(text);
}

/** True when `now` falls in [from, to) local time in `timezone`; a window may span midnight (20:00-08:00). */
export function inQuietHours(now: Date, quiet: { from: string; to: string } | undefined, timezone: string) {
  if (!quiet) return false;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return false;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  const local = hour * 60 + minute;
  return from < to ? local >= from && local < to : local >= from || local < to;
}

function minutesOf(clockTime: string): number {
  const match = CLOCK_TIME.exec(clockTime);
  if (!match) throw new RangeError(`not a HH:MM time: ${clockTime}`);
  return Number(match[1]) * 60 + Number(match[2]);
}
