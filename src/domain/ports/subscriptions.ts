/**
 * Personal subscriptions ("Notify me"): who wants a direct message about which case, their night hours and
 * time zone, and the outbox of those direct messages (one row per message, written before it is posted, so
 * each is posted once across replicas and restarts). The store port over them, `SubscriptionStore`, is in
 * ./store.ts beside the other ports (it speaks of their events and leases).
 */
import type { VendorId } from '../case.js';

export interface Subscription {
  userId: string;
  vendor: VendorId;
  caseId: string;
  /** Id of the newest event the person was told about (or that happened before they subscribed). */
  cursor: number;
  createdAt: string;
}

/** A person's night (no direct message then) and the Slack time zone it is read in. */
export interface SubscriberSettings {
  userId: string;
  /** Local `HH:MM`; absent: the default night. */
  night?: { from: string; to: string };
  /** IANA zone from Slack's users.info, kept so it is not asked for every poll. */
  timezone?: string;
  timezoneCheckedAt?: string;
}

/** One direct message caseops set out to post about one case, covering a range of its events. */
export interface SubscriptionDm {
  /** Unique: person, case and event-id range. */
  key: string;
  userId: string;
  vendor: VendorId;
  caseId: string;
  fromEventId: number;
  toEventId: number;
  /** The direct-message channel (conversations.open), read back when the outcome was lost. */
  dmChannelId: string;
  state: 'pending' | 'posted';
  ts?: string;
  createdAt: string;
  postedAt?: string;
}
