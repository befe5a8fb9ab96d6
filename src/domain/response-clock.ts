/**
 * Whose move a case is: since when it has been waiting on us, waiting on the vendor (and how long the vendor
 * has been silent), or simply open. Pure. "The vendor last wrote" is a seam: today it is the vendor's own
 * `updatedAt` on the case, later it can come from recorded activity (notes, owner changes) without callers
 * changing.
 */
import type { Case, CaseState } from './case.js';

export const CLOCK_SITUATIONS = ['waiting-on-us', 'vendor-silent', 'open'] as const;
export type ClockSituation = (typeof CLOCK_SITUATIONS)[number];

export interface ResponseClock {
  situation: ClockSituation;
  /** ISO-8601: when the current stay in this situation began. */
  since: string;
}

/** What the clock is read from: the snapshot's state and when it last changed, and the case as last seen. */
export interface ClockInput {
  state: CaseState;
  /** ISO-8601: when the state last changed (or was first seen). */
  statusSince: string;
  case: Pick<Case, 'updatedAt'>;
}

/** Where "the vendor last wrote" comes from; the default reads the vendor's `updatedAt`. */
export type VendorLastWrote = (input: ClockInput) => string | undefined;

export const vendorUpdatedAt: VendorLastWrote = (input) => input.case.updatedAt;

/** The clock, or undefined for a case that no longer waits on anyone (resolved, closed, cancelled). */
export function responseClock(
  input: ClockInput,
  lastWrote: VendorLastWrote = vendorUpdatedAt,
): ResponseClock | undefined {
  switch (input.state) {
    case 'waiting-on-customer':
      return { situation: 'waiting-on-us', since: normalised(input.statusSince) };
    case 'waiting-on-vendor': {
      // The vendor can write without changing the status (a note, a new owner): that resets its silence.
      const wrote = lastWrote(input);
      const since = latest(input.statusSince, wrote);
      return { situation: 'vendor-silent', since };
    }
    case 'open':
      return { situation: 'open', since: normalised(input.statusSince) };
    default:
      return undefined;
  }
}

/** The clock of a case seen without a snapshot (a card for a case nobody watches): the vendor's times only. */
export function caseOnlyClock(c: Pick<Case, 'state' | 'updatedAt' | 'createdAt'>): ResponseClock | undefined {
  const since = c.updatedAt ?? c.createdAt;
  if (since === undefined || Number.isNaN(Date.parse(since))) return undefined;
  return responseClock({ state: c.state, statusSince: since, case: c });
}

/** How long the clock has run at `now`, never negative (clocks disagree by a little). */
export function clockElapsedMs(clock: ResponseClock, now: Date): number {
  return Math.max(0, now.getTime() - Date.parse(clock.since));
}

function latest(base: string, other: string | undefined): string {
  const baseMs = Date.parse(base);
  const otherMs = other === undefined ? Number.NaN : Date.parse(other);
  return new Date(Number.isNaN(otherMs) ? baseMs : Math.max(baseMs, otherMs)).toISOString();
}

function normalised(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}
