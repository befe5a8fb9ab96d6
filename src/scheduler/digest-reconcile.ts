/**
 * Digest reconciliation: before a run posts anything to a channel, the channel's pending outbox rows (digest
 * messages whose fate caseops never heard: a crash, a lost answer) are looked for in the channel's history by
 * the metadata tag every digest message carries. One Slack has is recorded as posted and the cursor moves past
 * its events, so it is not posted again; one Slack does not have is recorded as absent, and the run posts its
 * events as usual.
 */
import type { LeaseGrant, Store } from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';

/** Thrown by a publisher when Slack answered that it did not post the message (so there is nothing to look for). */
export class DigestNotPostedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DigestNotPostedError';
  }
}

/** What a digest message says about itself (Slack message metadata): the events it shows and its place. */
export interface DigestTag {
  /** First and last event id shown; both the cursor at the time for a "no changes" digest. */
  fromEventId: number;
  toEventId: number;
  /** 1-based place in the run that posted it; EMPTY_DIGEST_PART for a "no changes" digest. */
  part: number;
}

export const EMPTY_DIGEST_PART = 0;

export interface PostedDigestTag extends DigestTag {
  ts: string;
}

/**
 * How much earlier than an attempt's start the channel's history is read: the attempt is stamped by this
 * process's clock, the message by Slack's, and they may disagree. Extra messages cost nothing (they are
 * filtered by their tag).
 */
export const HISTORY_LOOKBACK_MARGIN_MS = 10 * 60_000;
/** Events read to check an attempt is next in line and count its changes (a message shows far fewer). */
const RECONCILE_EVENTS_LIMIT = 1_000;

export interface Reconciled {
  cursor: number;
  /** Messages with events found in the channel and recorded as posted, and the changes they showed. */
  messages: number;
  changes: number;
  /** A "no changes" digest for the current cursor was found. */
  emptyPosted: boolean;
}

export type ReconcileStore = Pick<
  Store,
  'pendingDigestAttempts' | 'settleDigestAttempt' | 'eventsForChannel' | 'advanceDigestCursor'
>;

export interface ReconcileRequest {
  store: ReconcileStore;
  /** The publisher's look back at the channel (DigestPublisher.findPosted). */
  publisher: {
    findPosted(channelId: string, since: string, signal?: AbortSignal): Promise<PostedDigestTag[]>;
  };
  logger: Logger;
  nowIso: () => string;
  channelId: string;
  /** The channel's cursor as the run read it. */
  cursor: number;
  /** The run's channel lease: every cursor move is fenced by it. */
  fence: LeaseGrant;
  signal: AbortSignal;
  /** Called before the first cursor move (channels following the default get their settings row then). */
  ensureSettingsRow: () => Promise<void>;
}

/** Settles every pending attempt of the channel. Throws when the history cannot be read: posting then could repeat. */
export async function reconcilePendingDigests(request: ReconcileRequest): Promise<Reconciled> {
  const { store, channelId } = request;
  const result: Reconciled = { cursor: request.cursor, messages: 0, changes: 0, emptyPosted: false };
  const pending = await store.pendingDigestAttempts(channelId);
  if (pending.length === 0) return result;
  const since = new Date(Date.parse(pending[0]!.startedAt) - HISTORY_LOOKBACK_MARGIN_MS).toISOString();
  const posted = await request.publisher.findPosted(channelId, since, request.signal);
  for (const attempt of pending) {
    const isEmptyAttempt = attempt.part === EMPTY_DIGEST_PART;
    const found = posted.find(
      (tag) =>
        tag.fromEventId === attempt.fromEventId &&
        tag.toEventId === attempt.toEventId &&
        (tag.part === EMPTY_DIGEST_PART) === isEmptyAttempt,
    );
    if (!found) {
      await store.settleDigestAttempt(attempt.id, 'absent');
      continue;
    }
    const isEmpty = isEmptyAttempt && attempt.toEventId === result.cursor;
    const following = isEmptyAttempt
      ? []
      : await store.eventsForChannel(channelId, result.cursor, RECONCILE_EVENTS_LIMIT);
    const isNext = attempt.toEventId > result.cursor && following[0]?.id === attempt.fromEventId;
    if (!isEmpty && !isNext) {
      // Already covered by the cursor (or not next in line): nothing to move.
      await store.settleDigestAttempt(attempt.id, 'posted', found.ts);
      continue;
    }
    await request.ensureSettingsRow();
    const moved = await store.advanceDigestCursor(
      channelId,
      result.cursor,
      attempt.toEventId,
      request.nowIso(),
      {
        fence: request.fence,
        postedAttempt: { id: attempt.id, ts: found.ts },
      },
    );
    if (!moved) throw new Error('the cursor was moved by another run while its messages were being checked');
    request.logger.info(
      { channel: channelId, ts: found.ts, fromEventId: attempt.fromEventId, toEventId: attempt.toEventId },
      'digest message found in the channel: recorded as posted instead of posting it again',
    );
    result.cursor = attempt.toEventId;
    if (isEmpty) result.emptyPosted = true;
    else {
      result.messages++;
      result.changes += following.filter((event) => event.id <= attempt.toEventId).length;
    }
  }
  return result;
}
