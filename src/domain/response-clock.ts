/**
 * Whose move a case is: since when it has been waiting on us, waiting on the vendor (and how long the vendor
 * has been silent), or simply open. Read from what caseops recorded, never from the vendor's own "updated"
 * time: the stay began when the change into the current state was recorded (or when the case was first
 * seen, when no such change was), and the vendor last wrote when its latest activity was recorded (a note of
 * its own, a status, owner or severity change). Pure; `recordedClocks` is the one place that reads it.
 */
import type { Case, CaseState, VendorId } from './case.js';
import { caseKey } from './case.js';
import type { ClockReadings, RecordedClockReading } from './ports/clock-readings.js';
import type { CaseSnapshot, EventLog } from './ports/store.js';

export const CLOCK_SITUATIONS = ['waiting-on-us', 'vendor-silent', 'open'] as const;
export type ClockSituation = (typeof CLOCK_SITUATIONS)[number];

export interface ResponseClock {
  situation: ClockSituation;
  /** ISO-8601: when the current stay in this situation began. */
  since: string;
}

/** What the clock is read from. */
export interface ClockFacts {
  state: CaseState;
  /** ISO-8601: when the change into `state` was recorded, or when the case was first seen in it. */
  stateSince: string;
  /** ISO-8601: when the vendor's latest activity was recorded; absent when none was. */
  vendorWroteAt?: string;
}

/** The clock, or undefined for a case that no longer waits on anyone (resolved, closed, cancelled). */
export function responseClock(facts: ClockFacts): ResponseClock | undefined {
  const since = normalised(facts.stateSince);
  switch (facts.state) {
    case 'waiting-on-customer':
      return { situation: 'waiting-on-us', since };
    case 'waiting-on-vendor':
      // The vendor can write without changing the state (a note, a new owner): that ends its silence.
      return { situation: 'vendor-silent', since: latest(since, facts.vendorWroteAt) };
    case 'open':
      return { situation: 'open', since };
    default:
      return undefined;
  }
}

/**
 * A snapshot's clock facts from the event log's readings. Without a recorded change into the current state
 * the stay began at the first sighting: the snapshot's status time, unless an event recorded earlier shows
 * the case was seen before that (a status change within the same state moves the snapshot's time on).
 */
export function clockFactsOf(
  snapshot: Pick<CaseSnapshot, 'state' | 'statusSince'>,
  reading?: Omit<RecordedClockReading, 'vendor' | 'caseId' | 'state' | 'statusSince'>,
): ClockFacts {
  const stateSince =
    reading?.enteredStateAt ?? earliest(snapshot.statusSince, reading?.firstEventAt) ?? snapshot.statusSince;
  return {
    state: snapshot.state,
    stateSince,
    ...(reading?.vendorWroteAt ? { vendorWroteAt: reading.vendorWroteAt } : {}),
  };
}

export type ClockStore = Pick<ClockReadings, 'clockReadings'>;

/** The recorded clock of each snapshot, by `caseKey`: one store query for all of them. */
export async function recordedClocks(
  store: ClockStore,
  snapshots: readonly CaseSnapshot[],
): Promise<Map<string, ResponseClock | undefined>> {
  const readings = await store.clockReadings(snapshots.map((s) => ({ vendor: s.vendor, caseId: s.caseId })));
  const byKey = new Map(readings.map((r) => [caseKey(r.vendor, r.caseId), r]));
  return new Map(
    snapshots.map((s) => {
      const key = caseKey(s.vendor, s.caseId);
      return [key, responseClock(clockFactsOf(s, byKey.get(key)))];
    }),
  );
}

/**
 * The recorded clock of each case that has a recorded event, by `caseKey`, from the readings alone (they carry
 * the snapshot's state and status time): one store query, no snapshot read. A case with no event yet has none.
 */
export async function recordedClocksOfCases(
  store: ClockStore,
  keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>,
): Promise<Map<string, ResponseClock | undefined>> {
  const readings = await store.clockReadings(keys);
  return new Map(readings.map((r) => [caseKey(r.vendor, r.caseId), responseClock(clockFactsOf(r, r))]));
}

/** One case's recorded clock (undefined when caseops never saw it, or it waits on nobody). */
export async function recordedClockOf(
  store: ClockStore & Pick<EventLog, 'getSnapshot'>,
  vendor: VendorId,
  caseId: string,
): Promise<{ state: CaseState; clock: ResponseClock | undefined } | undefined> {
  const snapshot = await store.getSnapshot(vendor, caseId);
  if (!snapshot) return undefined;
  const clock = (await recordedClocks(store, [snapshot])).get(caseKey(vendor, caseId));
  return { state: snapshot.state, clock };
}

/** The clock of a case seen without a snapshot (a card for a case nobody watches): the vendor's times only. */
export function caseOnlyClock(c: Pick<Case, 'state' | 'updatedAt' | 'createdAt'>): ResponseClock | undefined {
  const since = c.updatedAt ?? c.createdAt;
  if (since === undefined || Number.isNaN(Date.parse(since))) return undefined;
  return responseClock({ state: c.state, stateSince: since });
}

/**
 * The clock a card shows for `c`: the recorded one while the case is in the state caseops recorded; the
 * vendor's own times for a case caseops has not seen, or one whose change it has not recorded yet.
 */
export function clockOnCard(
  c: Pick<Case, 'state' | 'updatedAt' | 'createdAt'>,
  recorded: { state: CaseState; clock: ResponseClock | undefined } | undefined,
): ResponseClock | undefined {
  return recorded && recorded.state === c.state ? recorded.clock : caseOnlyClock(c);
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

function earliest(base: string, other: string | undefined): string | undefined {
  const otherMs = other === undefined ? Number.NaN : Date.parse(other);
  return Number.isNaN(otherMs) || otherMs >= Date.parse(base) ? undefined : new Date(otherMs).toISOString();
}

function normalised(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}
