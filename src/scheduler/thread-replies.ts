/**
 * Replies in the threads of posted cards: run by the scheduler after each poll, under the poller's lease (one
 * replica at a time, and every write fenced by that lease). Each card whose case has events after the card's
 * thread cursor gets one reply covering all of them, in a channel that wants thread replies.
 *
 * Exactly once: the reply is recorded (pending, keyed by its card and event range) before it is posted and
 * carries the same as Slack message metadata; once Slack accepts it, the record is settled and the cursor moved
 * in one transaction. A record left pending (a crash, a lost answer) blocks its card until it is settled by
 * reading the card's thread: found, it is recorded as posted; absent, it is dropped and the events are replied
 * about afresh. A channel set to `digest` keeps its cursors where they are, so when it asks for thread replies
 * again its next reply covers everything since its last one.
 */
import type { Case, VendorId } from '../domain/case.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type { CaseEvent, LeaseGrant, Store } from '../domain/ports/store.js';
import type { ThreadCursor, ThreadReplyRecord } from '../domain/ports/thread-updates.js';
import { type ResponseClock, recordedClockOf } from '../domain/response-clock.js';
import type { Logger } from '../logging/logger.js';
import { RECONCILE_MIN_AGE_MS } from './nudge-runner.js';

/** Cards replied to per channel and run at most; the rest wait for the next poll (their cursors say where). */
export const THREADS_PER_CHANNEL_RUN = 200;
/** Events one reply covers at most; a longer backlog is covered by the next polls' replies. */
export const EVENTS_PER_REPLY = 200;

/** Thrown by a publisher when Slack answered that it did not post the reply. */
export class ThreadReplyNotPostedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ThreadReplyNotPostedError';
  }
}

/** What a reply covers and says, for the publisher to render. */
export interface ThreadReply {
  key: string;
  channelId: string;
  cardTs: string;
  vendor: VendorId;
  caseId: string;
  afterEventId: number;
  toEventId: number;
  /** Oldest first. */
  events: readonly CaseEvent[];
  /** Whose move it is now and since when ("Waiting on us for 5 h"), from the recorded events. */
  clock?: ResponseClock;
  /** When the reply was made (ISO), for the clock's words. */
  at: string;
}

/** A reply caseops found in a card's thread by its metadata. */
export interface PostedThreadReply {
  key: string;
  ts: string;
}

export interface ThreadReplyPublisher {
  /** Posts in the card's thread (never broadcast to the channel) and returns Slack's ts. */
  post(reply: ThreadReply, signal?: AbortSignal): Promise<string>;
  /** caseops' thread replies found in the thread of `cardTs`. */
  findPosted(channelId: string, cardTs: string, signal?: AbortSignal): Promise<PostedThreadReply[]>;
}

export type ThreadReplyStore = Pick<
  Store,
  | 'channelsWithThreadNews'
  | 'threadsWithNews'
  | 'caseEventsAfter'
  | 'beginThreadReply'
  | 'settleThreadReply'
  | 'forgetThreadReply'
  | 'pendingThreadReplies'
  | 'getSnapshot'
  | 'clockReadings'
>;

export interface ThreadReplyRunnerOptions {
  store: ThreadReplyStore;
  publisher: ThreadReplyPublisher;
  /** `/case updates`: false for a channel set to `digest`. */
  wantsThreadReplies: (channelId: string) => Promise<boolean>;
  /** The card of the case in `channelId` re-rendered (it shows how many replies its thread holds). */
  refreshCard?: (current: Case, channelId: string) => Promise<void>;
  logger: Logger;
  clock?: Clock;
}

export interface ThreadReplyReport {
  posted: number;
  /** Pending replies found in their thread and recorded as posted instead of posting again. */
  reconciled: number;
  /** Channels with news for their cards' threads that chose the digest only. */
  skipped: number;
}

export function threadReplyKey(cardTs: string, channelId: string, afterId: number, toId: number): string {
  return `${channelId}:${cardTs}:${afterId}-${toId}`;
}

export class ThreadReplyRunner {
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: ThreadReplyRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'thread-replies' });
  }

  async runOnce(signal?: AbortSignal, fence?: LeaseGrant): Promise<ThreadReplyReport> {
    const report: ThreadReplyReport = { posted: 0, reconciled: 0, skipped: 0 };
    const blocked = await this.reconcile(report, signal, fence);
    const { store } = this.options;
    for (const channelId of await store.channelsWithThreadNews()) {
      signal?.throwIfAborted();
      // Asked per channel, so a digest-only channel's cards never crowd out those of the others.
      if (!(await this.options.wantsThreadReplies(channelId))) {
        report.skipped++;
        continue;
      }
      for (const thread of await store.threadsWithNews(channelId, THREADS_PER_CHANNEL_RUN)) {
        signal?.throwIfAborted();
        if (blocked.has(threadOf(thread))) continue;
        if (await this.replyIn(thread, signal, fence)) report.posted++;
      }
    }
    return report;
  }

  /** One reply in the card's thread covering its case's events after the cursor; true once Slack has it. */
  private async replyIn(thread: ThreadCursor, signal?: AbortSignal, fence?: LeaseGrant): Promise<boolean> {
    const { vendor, caseId, channelId, cardTs, lastEventId } = thread;
    const events = await this.options.store.caseEventsAfter(vendor, caseId, lastEventId, EVENTS_PER_REPLY);
    const last = events.at(-1);
    if (!last) return false;
    // The clock only adds words: a reply is not held back when it cannot be read.
    const clock = await recordedClockOf(this.options.store, vendor, caseId).catch(() => undefined);
    const reply: ThreadReply = {
      key: threadReplyKey(cardTs, channelId, lastEventId, last.id),
      channelId,
      cardTs,
      vendor,
      caseId,
      afterEventId: lastEventId,
      toEventId: last.id,
      events,
      ...(clock?.clock ? { clock: clock.clock } : {}),
      at: new Date(this.clock.now()).toISOString(),
    };
    return this.postOnce(reply, signal, fence);
  }

  private async postOnce(reply: ThreadReply, signal?: AbortSignal, fence?: LeaseGrant): Promise<boolean> {
    const { store, publisher } = this.options;
    const { events: _events, clock: _clock, at: _at, ...record } = reply;
    if (!(await store.beginThreadReply(record, fence))) return false;
    let ts: string;
    try {
      ts = await publisher.post(reply, signal);
    } catch (error) {
      if (error instanceof ThreadReplyNotPostedError) {
        await store.forgetThreadReply(reply.key, fence);
        this.logger.warn({ key: reply.key, err: error }, 'Slack refused the thread reply; tried again later');
      } else {
        this.logger.warn(
          { key: reply.key, err: error },
          'thread reply outcome unknown; the next run looks for it in the thread before posting again',
        );
      }
      return false;
    }
    await this.settled(reply, ts, fence);
    this.logger.info({ key: reply.key, ts }, 'thread reply posted');
    return true;
  }

  /** Records the reply as posted (and its cursor moved), then shows the new count on the card. */
  private async settled(
    reply: Pick<ThreadReplyRecord, 'key' | 'channelId' | 'vendor' | 'caseId'>,
    ts: string,
    fence?: LeaseGrant,
  ): Promise<void> {
    const { store, refreshCard } = this.options;
    const at = new Date(this.clock.now()).toISOString();
    if (!(await store.settleThreadReply(reply.key, ts, at, fence)) || !refreshCard) return;
    try {
      const snapshot = await store.getSnapshot(reply.vendor, reply.caseId);
      if (snapshot) await refreshCard(snapshot.case, reply.channelId);
    } catch (error) {
      // The reply is there; the card shows the count at its next update.
      this.logger.warn({ key: reply.key, err: error }, 'could not update the card after its thread reply');
    }
  }

  /** Settles the pending replies; returns the threads still blocked by one (too young, or Slack unreadable). */
  private async reconcile(
    report: ThreadReplyReport,
    signal: AbortSignal | undefined,
    fence: LeaseGrant | undefined,
  ): Promise<Set<string>> {
    const { store, publisher } = this.options;
    const blocked = new Set<string>();
    const now = this.clock.now();
    const byThread = new Map<string, ThreadReplyRecord[]>();
    for (const record of await store.pendingThreadReplies()) {
      const thread = threadOf(record);
      // A young one may still be in flight on a replica that lost the lease mid-run: never taken for lost.
      if (now - Date.parse(record.createdAt) < RECONCILE_MIN_AGE_MS) blocked.add(thread);
      else byThread.set(thread, [...(byThread.get(thread) ?? []), record]);
    }
    for (const [thread, records] of byThread) {
      signal?.throwIfAborted();
      const first = records[0]!;
      let found: PostedThreadReply[];
      try {
        found = await publisher.findPosted(first.channelId, first.cardTs, signal);
      } catch (error) {
        blocked.add(thread);
        this.logger.warn(
          { channel: first.channelId, thread: first.cardTs, err: error },
          'could not read a card thread to settle its pending replies; they wait for the next run',
        );
        continue;
      }
      for (const record of records) {
        const posted = found.find((reply) => reply.key === record.key);
        if (posted) {
          await this.settled(record, posted.ts, fence);
          report.reconciled++;
          this.logger.info(
            { key: record.key, ts: posted.ts },
            'thread reply found in Slack: recorded as posted instead of posting it again',
          );
        } else {
          await store.forgetThreadReply(record.key, fence);
        }
      }
    }
    return blocked;
  }
}

function threadOf(place: { channelId: string; cardTs: string }): string {
  return `${place.channelId} ${place.cardTs}`;
}
