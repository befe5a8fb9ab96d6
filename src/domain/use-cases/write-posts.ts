/**
 * Messages caseops posts on its own after a vendor write (the card of a case opened from a channel, the
 * confirmation under a message sent to the vendor as a note), exactly once per write however often the work
 * runs again: a redelivered view submission, a retried follow-up, a restart settling a pending write.
 *
 * The message is recorded in the outbox before it is posted and tagged (by the chat side) with the write's
 * idempotency key. A row already posted answers at once. A row still pending means an earlier attempt never
 * heard whether the chat service took it (a lost answer, a crash): the channel or thread is read back first,
 * and the message is posted only when it is not there. The service refusing outright removes the row, so a
 * later attempt may post. One attempt per message at a time: in this process a set of keys in flight, across
 * replicas a claim on the outbox row that lapses if its holder dies.
 */
import type { VendorId } from '../case.js';
import type { Logger } from '../ports/logger.js';
import type { WritePostOutbox } from '../ports/store.js';

/** What a posted message is about: the chat side writes it into the message's metadata. */
export interface WritePostTag {
  /** The metadata `event_type` (`caseops_card`, `caseops_note_sent`). */
  eventType: string;
  /** The idempotency key of the write the message follows. */
  writeKey: string;
  vendor: VendorId;
  caseId: string;
  channelId: string;
  /** A reply under this message; absent: in the channel itself. */
  threadTs?: string;
}

/** The chat side of one message. */
export interface WritePostChannel {
  /** Posts the message tagged with `tag`: its ts, or `refused` (the error) when the service answered no. */
  post(tag: WritePostTag): Promise<{ ts: string } | { refused: unknown }>;
  /** The ts of a message tagged with `tag` posted since `since` (ISO-8601); throws when it cannot look. */
  find(tag: WritePostTag, since: string): Promise<string | undefined>;
}

export type WritePostOutcome =
  /** `already`: posted by an earlier attempt (recorded, or found by reading back). */
  | { kind: 'posted' | 'already'; ts: string }
  /** Another attempt is posting this very message right now. */
  | { kind: 'busy' }
  | { kind: 'refused'; error: unknown };

/** How far before the outbox row's time the read-back looks (clocks of replicas and the chat service differ). */
export const WRITE_POST_LOOKBACK_MARGIN_MS = 5 * 60_000;
/** How long one attempt holds a message's outbox row; far longer than a post and a read-back take. */
export const WRITE_POST_CLAIM_MS = 60_000;

export interface WritePostsOptions {
  store: Pick<
    WritePostOutbox,
    'claimWritePost' | 'getWritePost' | 'settleWritePost' | 'releaseWritePost' | 'forgetWritePost'
  >;
  /** This process, as named in claims. */
  holder: string;
  logger: Logger;
  now?: () => Date;
}

export function writePostKey(tag: WritePostTag): string {
  return `${tag.eventType}:${tag.channelId}:${tag.writeKey}`;
}

export class WritePosts {
  private readonly inFlight = new Set<string>();
  private readonly now: () => Date;

  constructor(private readonly options: WritePostsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The ts of the message if an earlier attempt is known to have posted it. */
  async postedTs(tag: WritePostTag): Promise<string | undefined> {
    const row = await this.options.store.getWritePost(writePostKey(tag));
    return row?.state === 'posted' ? row.ts : undefined;
  }

  /**
   * Posts the message unless it was posted already. Throws when whether the chat service has it cannot be
   * known (the post's answer was lost, the read-back failed): the row stays pending for the next attempt.
   */
  async postOnce(tag: WritePostTag, chat: WritePostChannel): Promise<WritePostOutcome> {
    const key = writePostKey(tag);
    if (this.inFlight.has(key)) return { kind: 'busy' };
    this.inFlight.add(key);
    try {
      return await this.postClaimed(key, tag, chat);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async postClaimed(
    key: string,
    tag: WritePostTag,
    chat: WritePostChannel,
  ): Promise<WritePostOutcome> {
    const { store, logger, holder } = this.options;
    const claim = await store.claimWritePost(
      { key, eventType: tag.eventType, channelId: tag.channelId, threadTs: tag.threadTs },
      holder,
      WRITE_POST_CLAIM_MS,
    );
    if (claim.kind === 'busy') return { kind: 'busy' };
    if (claim.kind === 'posted' && claim.post.ts) return { kind: 'already', ts: claim.post.ts };
    try {
      if (claim.kind === 'resumed') {
        const since = new Date(
          Date.parse(claim.post.createdAt) - WRITE_POST_LOOKBACK_MARGIN_MS,
        ).toISOString();
        const found = await chat.find(tag, since);
        if (found) {
          logger.info({ key, ts: found }, 'found a message an earlier attempt posted; not posting it again');
          await store.settleWritePost(key, found, this.now().toISOString());
          return { kind: 'already', ts: found };
        }
      }
      const answer = await chat.post(tag);
      if ('refused' in answer) {
        await store.forgetWritePost(key);
        return { kind: 'refused', error: answer.refused };
      }
      await store.settleWritePost(key, answer.ts, this.now().toISOString());
      return { kind: 'posted', ts: answer.ts };
    } catch (error) {
      // Whether the chat service has it is unknown: the row stays pending, free for the next attempt.
      await store
        .releaseWritePost(key, holder)
        .catch((releaseError: unknown) =>
          logger.warn({ err: releaseError }, 'could not release a post claim'),
        );
      throw error;
    }
  }
}
