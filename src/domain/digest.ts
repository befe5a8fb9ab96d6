/**
 * Digest assembly, without Slack: which schedule a channel follows, and a channel's recorded status changes
 * grouped by vendor, newest first.
 */

import type { VendorId } from './case.js';
import type { DigestSettings, StatusChangeEvent } from './ports/store.js';

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
  /** When the previous digest was posted, if ever. */
  since?: string;
}

export interface DigestVendorGroup {
  vendor: VendorId;
  vendorName: string;
  /** Newest first. */
  changes: StatusChangeEvent[];
}

/** Newest first by when the change was seen; for the same instant, the later-recorded event first. */
export function newestFirst(a: StatusChangeEvent, b: StatusChangeEvent): number {
  if (a.observedAt !== b.observedAt) return a.observedAt < b.observedAt ? 1 : -1;
  return b.id - a.id;
}

/** The vendors a digest may name, in the order they are listed, with their display names. */
export type DigestVendorOrder = ReadonlyArray<{ id: VendorId; name: string }>;

/**
 * Groups changes by vendor (vendors in the given order; a vendor not in it comes last, under its id), each
 * group newest first. Every change is kept: a case that went A→B→C shows both steps.
 */
export function groupChangesByVendor(
  events: readonly StatusChangeEvent[],
  vendors: DigestVendorOrder,
): DigestVendorGroup[] {
  const byVendor = new Map<VendorId, StatusChangeEvent[]>();
  for (const event of events) {
    const list = byVendor.get(event.vendor) ?? [];
    list.push(event);
    byVendor.set(event.vendor, list);
  }
  const known = new Set(vendors.map((v) => v.id));
  const order = [
    ...vendors,
    ...[...byVendor.keys()].filter((id) => !known.has(id)).map((id) => ({ id, name: id })),
  ];
  return order.flatMap(({ id, name }) => {
    const changes = byVendor.get(id);
    if (!changes) return [];
    return [{ vendor: id, vendorName: name, changes: [...changes].sort(newestFirst) }];
  });
}
