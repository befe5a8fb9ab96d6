/**
 * Replies in the threads of posted cards: each card's thread cursor (the newest event its thread was told
 * about, and how many replies it holds) and the outbox of replies, each written before it is posted.
 */
import type { VendorId } from '../case.js';

/**
 * The lease a write is fenced by (the store's LeaseGrant, which satisfies it; named here by its shape because
 * the store's port file extends this one).
 */
export interface ThreadFence {
  name: string;
  holder: string;
  generation: number;
}

/** A posted card as its thread sees it. */
export interface ThreadCursor {
  channelId: string;
  /** The card's message ts: the thread's root. */
  cardTs: string;
  vendor: VendorId;
  caseId: string;
  /** The newest event a reply in this thread covered (at first: the case's newest when the card was posted). */
  lastEventId: number;
  /** Replies caseops posted in the thread. */
  replies: number;
}

/** One thread reply caseops set out to post (the outbox row). */
export interface ThreadReplyRecord {
  /** Unique per card and event range. */
  key: string;
  channelId: string;
  cardTs: string;
  vendor: VendorId;
  caseId: string;
  /** The card's cursor when the reply was prepared: it covers the events after this one… */
  afterEventId: number;
  /** …up to and including this one. */
  toEventId: number;
  state: 'pending' | 'posted';
  ts?: string;
  /** ISO-8601, by the store's clock. */
  createdAt: string;
  postedAt?: string;
}

export interface ThreadUpdateStore {
  /** The channels holding a card whose case has events after the card's cursor. */
  channelsWithThreadNews(): Promise<string[]>;
  /** The cards in `channelId` whose case has events after the card's cursor, at most `limit`. */
  threadsWithNews(channelId: string, limit: number): Promise<ThreadCursor[]>;
  /**
   * Inserts a pending reply; false when its key exists already. With a fence (the poller's lease), nothing is
   * written and StaleLeaseError is thrown once that lease has changed hands.
   */
  beginThreadReply(
    record: Omit<ThreadReplyRecord, 'state' | 'ts' | 'createdAt' | 'postedAt'>,
    fence?: ThreadFence,
  ): Promise<boolean>;
  /**
   * In one transaction: the reply is marked posted as `ts`, and its card's cursor moves from the reply's
   * `afterEventId` to its `toEventId` with one more reply counted. False (and nothing written) when the reply
   * is not pending. Fenced as `beginThreadReply`.
   */
  settleThreadReply(key: string, ts: string, postedAt: string, fence?: ThreadFence): Promise<boolean>;
  /** Slack does not have it: the row goes, so the events are replied about again. */
  forgetThreadReply(key: string, fence?: ThreadFence): Promise<void>;
  /** Oldest first. */
  pendingThreadReplies(): Promise<ThreadReplyRecord[]>;
  /** How many replies the thread of the case's card in `channelId` holds (0 without a card). */
  threadReplyCount(channelId: string, vendor: VendorId, caseId: string): Promise<number>;
}
