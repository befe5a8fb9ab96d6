/**
 * Digest assembly, without Slack: which schedule a channel follows, and a channel's recorded case events
 * folded into one entry per case, grouped by whose move it is.
 */

import type { CaseState, CaseStatusEntry, VendorId } from './case.js';
import type { CaseEventNote, DigestSettings, StatusChangeEvent } from './ports/store.js';
import type { ResponseClock } from './response-clock.js';

/**
 * Stored as a channel's `schedule` when it follows the deployment's DIGEST_CRON / DIGEST_TZ, so changing
 * those later moves every channel that never chose its own schedule.
 */
export const FOLLOWS_DEFAULT_SCHEDULE = 'default';

export interface DigestDefaults {
  /** DIGEST_CRON. */
  cron: string;
  /** DIGEST_TZ. */
  timezone: string;
}

export interface EffectiveDigestSchedule {
  channelId: string;
  enabled: boolean;
  cron: string;
  timezone: string;
  /** What to show: `daily 09:00`, a cron expression, `off`, or the default's cron. */
  display: string;
  followsDefault: boolean;
  postWhenEmpty: boolean;
  cursor: number;
  lastPostedAt?: string;
}

/** The schedule a channel actually runs on: its own settings, or the deployment default where it has none. */
export function effectiveDigestSchedule(
  channelId: string,
  settings: DigestSettings | undefined,
  defaults: DigestDefaults,
): EffectiveDigestSchedule {
  if (!settings || settings.schedule === FOLLOWS_DEFAULT_SCHEDULE) {
    return {
      channelId,
      enabled: settings?.enabled ?? true,
      cron: defaults.cron,
      timezone: defaults.timezone,
      display: defaults.cron,
      followsDefault: true,
      postWhenEmpty: settings?.postWhenEmpty ?? false,
      cursor: settings?.cursor ?? 0,
      lastPostedAt: settings?.lastPostedAt,
    };
  }
  return {
    channelId,
    enabled: settings.enabled,
    cron: settings.cron,
    timezone: settings.timezone,
    display: settings.schedule,
    followsDefault: false,
    postWhenEmpty: settings.postWhenEmpty,
    cursor: settings.cursor,
    lastPostedAt: settings.lastPostedAt,
  };
}

/** The key node-cron tasks are grouped by: channels sharing a schedule and zone fire together. */
export function scheduleKey(schedule: { cron: string; timezone: string }): string {
  return `${schedule.timezone} ${schedule.cron}`;
}

/** What a digest message needs to know about its channel besides the changes. */
export interface DigestRenderContext {
  /** The channel's digest zone, for dates shown as text. */
  timezone: string;
  /** When the previous digest was posted; for a first digest, when the channel started watching. */
  since?: string;
  /** ISO-8601: when the digest is rendered, for ages ("3 h ago"); the newest event's time when absent. */
  now?: string;
  /** The permalink of each case's card in the channel, keyed by `caseKey(vendor, id)`: its "thread" link. */
  threadLinks?: ReadonlyMap<string, string>;
  /** Each case's recorded response clock as the digest is built, keyed by `caseKey(vendor, id)`. */
  clocks?: ReadonlyMap<string, ResponseClock | undefined>;
}

/** Who has to act next on a case; digests list waiting on us first. */
export type DigestGroup = 'waiting-on-us' | 'waiting-on-vendor' | 'done';
export const DIGEST_GROUPS: readonly DigestGroup[] = ['waiting-on-us', 'waiting-on-vendor', 'done'];

export function digestGroupOf(state: CaseState): DigestGroup {
  if (state === 'waiting-on-customer') return 'waiting-on-us';
  if (state === 'open' || state === 'waiting-on-vendor') return 'waiting-on-vendor';
  return 'done';
}

/** What happened to one case in a digest's window. */
export interface DigestEntry {
  vendor: VendorId;
  caseId: string;
  /** As of the newest event. */
  title: string;
  url?: string;
  /** Normalised states, oldest first, from the state before the first change (repeats folded). */
  states: CaseState[];
  /** The vendor's own words for the same path. */
  statuses: string[];
  notes: CaseEventNote[];
  /** New entries of the vendor's own status record in the window, in the order recorded. */
  history: CaseStatusEntry[];
  /** First "before" and last "after" in the window, where the owner or severity changed. */
  owner?: { from: string; to: string };
  severity?: { from: string; to: string };
  /** ISO-8601: the newest event. */
  latestAt: string;
  group: DigestGroup;
  /** Ascending. */
  eventIds: number[];
}

/**
 * Folds events (any order) into one entry per case, grouped waiting on us, then waiting on the vendor, then
 * resolved and closed, each group with the most recently changed case first.
 */
export function digestEntries(events: readonly StatusChangeEvent[]): DigestEntry[] {
  const byCase = new Map<string, StatusChangeEvent[]>();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const key = `${event.vendor}\u0000${event.caseId}`;
    const list = byCase.get(key) ?? [];
    list.push(event);
    byCase.set(key, list);
  }
  const entries = [...byCase.values()].map(entryOf);
  const rank = (entry: DigestEntry) => DIGEST_GROUPS.indexOf(entry.group);
  return entries.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.latestAt === b.latestAt ? 0 : a.latestAt < b.latestAt ? 1 : -1) ||
      b.eventIds[b.eventIds.length - 1]! - a.eventIds[a.eventIds.length - 1]!,
  );
}

function entryOf(events: readonly StatusChangeEvent[]): DigestEntry {
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const states: CaseState[] = [];
  const statuses: string[] = [];
  const step = (state: CaseState, status: string) => {
    if (states[states.length - 1] !== state) states.push(state);
    if (statuses[statuses.length - 1] !== status) statuses.push(status);
  };
  const entry: DigestEntry = {
    vendor: first.vendor,
    caseId: first.caseId,
    title: last.title,
    ...(last.url ? { url: last.url } : {}),
    states,
    statuses,
    notes: [],
    history: [],
    latestAt: last.observedAt,
    group: digestGroupOf(last.toState),
    eventIds: events.map((event) => event.id),
  };
  step(first.fromState, first.fromStatus);
  for (const event of events) {
    if (event.kind === 'status') step(event.toState, event.toStatus);
    if (event.kind === 'note' && event.note) entry.notes.push(event.note);
    if (event.kind === 'history' && event.entry) entry.history.push(event.entry);
    if (event.kind === 'owner' || event.kind === 'severity') {
      const before = entry[event.kind]?.from ?? event.from ?? '';
      entry[event.kind] = { from: before, to: event.to ?? '' };
    }
    if (event.observedAt > entry.latestAt) entry.latestAt = event.observedAt;
  }
  return entry;
}
