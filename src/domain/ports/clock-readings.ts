/** What the response clock reads from the event log (see src/domain/response-clock.ts). */
import type { CaseState, VendorId } from '../case.js';

/** One case's recorded times; each absent when the log holds no such event. */
export interface RecordedClockReading {
  vendor: VendorId;
  caseId: string;
  /** The case's snapshot as the readings saw it: its current state, and since when its status holds. */
  state: CaseState;
  statusSince: string;
  /** ISO-8601: the latest recorded status change into the snapshot's current state from another state. */
  enteredStateAt?: string;
  /** ISO-8601: the case's earliest recorded event of any kind. */
  firstEventAt?: string;
  /** ISO-8601: the latest recorded vendor activity (a vendor's note, a status, owner or severity change). */
  vendorWroteAt?: string;
}

export interface ClockReadings {
  /** One reading per key that has a snapshot and a recorded event; a few queries however many keys. */
  clockReadings(keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>): Promise<RecordedClockReading[]>;
}

/** The playground's "age a case": every recorded time of one case moved back, as if time had passed. */
export interface CaseAging {
  /** Moves the case's recorded times (snapshot, events, watches, nudges) `byMs` into the past; false: unknown. */
  ageCase(vendor: VendorId, caseId: string, byMs: number): Promise<boolean>;
}
