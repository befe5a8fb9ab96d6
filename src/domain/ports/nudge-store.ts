/** The store's part for nudges: per-channel rules, each nudge posted, and holds (snooze, done). */
import type { VendorId } from '../case.js';

/** The situations a channel can be nudged about (see src/domain/response-clock.ts). */
export type NudgeSituation = 'waiting-on-us' | 'vendor-silent';

/** A channel's nudge rules and quiet hours. */
export interface NudgeSettings {
  channelId: string;
  /** How long a watched case may stay in each situation before a nudge (and between nudges), in ms. */
  rules: Partial<Record<NudgeSituation, number>>;
  /** Local `HH:MM` in the channel's digest time zone; no nudge is posted from `from` until `to`. */
  quiet?: { from: string; to: string };
  updatedBy: string;
  updatedAt: string;
}

/** One stay of one case in one situation, as seen from one channel: what nudges are counted against. */
export interface NudgeStay {
  channelId: string;
  vendor: VendorId;
  caseId: string;
  situation: NudgeSituation;
  /** ISO-8601: when the stay began. */
  stayStart: string;
}

/** One nudge caseops set out to post, recorded before the post (the outbox row). */
export interface NudgeRecord extends NudgeStay {
  /** Unique across replicas: the stay and the sequence number. */
  key: string;
  /** 1-based, at most the rule's repeat limit. */
  sequence: number;
  state: 'pending' | 'posted';
  /** The card's thread the nudge goes to; absent: the channel itself. */
  threadTs?: string;
  ts?: string;
  createdAt: string;
  postedAt?: string;
}

/** What people said about a stay's nudges: snoozed until, or done for this stay. */
export interface NudgeHold {
  snoozedUntil?: string;
  done: boolean;
}

export interface NudgeStore {
  getNudgeSettings(channelId: string): Promise<NudgeSettings | undefined>;
  saveNudgeSettings(settings: NudgeSettings): Promise<NudgeSettings>;
  /** Channels with at least one rule. */
  nudgeChannels(): Promise<NudgeSettings[]>;
  /** Inserts a pending record; false when the key exists already (another run has it). Atomic. */
  beginNudge(record: Omit<NudgeRecord, 'state' | 'ts' | 'postedAt' | 'createdAt'>): Promise<boolean>;
  settleNudge(key: string, ts: string, postedAt: string): Promise<void>;
  /** Slack does not have it: the record goes, so the nudge can be tried again. */
  forgetNudge(key: string): Promise<void>;
  /** Oldest first. */
  pendingNudges(): Promise<NudgeRecord[]>;
  /** Sequence order. */
  nudgesOfStay(stay: NudgeStay): Promise<NudgeRecord[]>;
  holdNudges(stay: NudgeStay, hold: NudgeHold, by: string): Promise<void>;
  nudgeHold(stay: NudgeStay): Promise<NudgeHold | undefined>;
}
