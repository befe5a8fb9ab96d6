/**
 * The on-call queue: a person's cases ordered by whose move it is. Waiting on us comes first (the longest
 * waiting first), then the vendor silent the longest (waiting on the vendor with no recorded activity for a
 * day or more), then the rest of what waits on the vendor (and cases merely open), then what was resolved or
 * closed in the last day (the newest first). Anything that finished longer ago has left the queue. Pure.
 */
import { type ClockFacts, type ResponseClock, responseClock } from './response-clock.js';

export const QUEUE_GROUPS = [
  'waiting-on-us',
  'vendor-silent',
  'waiting-on-vendor',
  'closed-recently',
] as const;
export type QueueGroup = (typeof QUEUE_GROUPS)[number];

/** How long a vendor may be silent before its case moves up into "vendor silent". */
export const VENDOR_SILENT_AFTER_MS = 24 * 3_600_000;
/** How long a resolved or closed case stays at the bottom of the queue. */
export const CLOSED_KEPT_MS = 24 * 3_600_000;

export interface QueueEntry<T> {
  item: T;
  group: QueueGroup;
  /** Whose move it is and since when; for a finished case, `since` is when it finished. */
  clock?: ResponseClock;
  /** ISO-8601: what the row is ordered by (the clock's start, or when the case finished). */
  since: string;
}

/** `items` in queue order; those that left the queue (finished more than a day ago) are not returned. */
export function onCallQueue<T>(
  items: readonly T[],
  factsOf: (item: T) => ClockFacts,
  now: Date,
): QueueEntry<T>[] {
  const entries: QueueEntry<T>[] = [];
  for (const item of items) {
    const entry = queueEntry(item, factsOf(item), now);
    if (entry) entries.push(entry);
  }
  const rank = (group: QueueGroup) => QUEUE_GROUPS.indexOf(group);
  return entries.sort((a, b) => {
    if (a.group !== b.group) return rank(a.group) - rank(b.group);
    const older = Date.parse(a.since) - Date.parse(b.since);
    // Finished cases: the newest first; everything else: the longest waiting first.
    return a.group === 'closed-recently' ? -older : older;
  });
}

function queueEntry<T>(item: T, facts: ClockFacts, now: Date): QueueEntry<T> | undefined {
  const clock = responseClock(facts);
  if (!clock) {
    // Resolved, closed or cancelled: on nobody's move any more.
    const since = new Date(Date.parse(facts.stateSince)).toISOString();
    if (now.getTime() - Date.parse(since) > CLOSED_KEPT_MS) return undefined;
    return { item, group: 'closed-recently', since };
  }
  const group: QueueGroup =
    clock.situation === 'waiting-on-us'
      ? 'waiting-on-us'
      : clock.situation === 'vendor-silent' &&
          now.getTime() - Date.parse(clock.since) >= VENDOR_SILENT_AFTER_MS
        ? 'vendor-silent'
        : 'waiting-on-vendor';
  return { item, group, clock, since: clock.since };
}
