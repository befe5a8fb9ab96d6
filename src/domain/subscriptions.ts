/**
 * Personal subscriptions, decided: which recorded events a subscriber hears about (status, vendor notes,
 * owner), what one direct message covers, and whether it is the person's night. Pure.
 */
import { inQuietHours, isClockTime } from './nudges.js';
import type { CaseEvent } from './ports/store.js';

/** No direct message between these local times unless the person chose other hours. */
export const DEFAULT_NIGHT = { from: '22:00', to: '07:00' } as const;

/** A zone Slack did not give (a bot, an old account): nights are then read in UTC. */
export const FALLBACK_TIMEZONE = 'UTC';

/** How long a person's Slack time zone is trusted before users.info is asked again. */
export const TIMEZONE_RECHECK_MS = 24 * 60 * 60_000;

/** The changes a subscriber is told about: the state, a note from the vendor, the owner. */
export function isNotifiable(event: CaseEvent): boolean {
  if (event.kind === 'status' || event.kind === 'owner') return true;
  return event.kind === 'note' && event.note?.source !== 'slack';
}

/** The store key of the direct message covering events `fromEventId`..`toEventId`: the same on every replica. */
export function subscriptionDmKey(dm: {
  userId: string;
  vendor: string;
  caseId: string;
  fromEventId: number;
  toEventId: number;
}): string {
  return [dm.userId, dm.vendor, dm.caseId, dm.fromEventId, dm.toEventId].join('|');
}

export function nightOf(settings: { night?: { from: string; to: string } } | undefined): {
  from: string;
  to: string;
} {
  return settings?.night ?? DEFAULT_NIGHT;
}

/** True during the person's night, local time in `timezone` (a window may span midnight). */
export function isNight(now: Date, night: { from: string; to: string }, timezone: string): boolean {
  return inQuietHours(now, night, timezone);
}

/** Night hours as a person may set them: two `HH:MM` times that differ. */
export function validNight(from: string, to: string): boolean {
  return isClockTime(from) && isClockTime(to) && from !== to;
}
