/** The store's part for the messages caseops posts on its own after a write. */

/** A message caseops posts on its own after a write (a card, a confirmation), recorded before the post. */
export interface WritePost {
  /** Unique per message: what it is and the write's idempotency key. */
  key: string;
  /** The Slack message metadata `event_type` it is tagged with. */
  eventType: string;
  channelId: string;
  /** Posted as a reply under this message. */
  threadTs?: string;
  state: 'pending' | 'posted';
  ts?: string;
  createdAt: string;
  postedAt?: string;
}

/** What claiming a message's outbox row found. */
export type WritePostClaim =
  /** No row yet: one was inserted, claimed by the caller. */
  | { kind: 'fresh'; post: WritePost }
  /** A pending row nobody else holds (an earlier attempt failed or died): now claimed by the caller. */
  | { kind: 'resumed'; post: WritePost }
  /** Posted already. */
  | { kind: 'posted'; post: WritePost }
  /** Another attempt holds the row right now. */
  | { kind: 'busy'; post: WritePost };

export interface WritePostOutbox {
  /**
   * Inserts a pending row claimed by `holder` for `ttlMs`, or takes a pending row whose claim lapsed (or is
   * the holder's own); atomic, so of two attempts at one message only one is told `fresh` or `resumed`. The
   * claim's expiry is judged by the database's clock on PostgreSQL.
   */
  claimWritePost(
    post: Pick<WritePost, 'key' | 'eventType' | 'channelId' | 'threadTs'>,
    holder: string,
    ttlMs: number,
  ): Promise<WritePostClaim>;
  getWritePost(key: string): Promise<WritePost | undefined>;
  /** Posted as `ts`; the claim ends. */
  settleWritePost(key: string, ts: string, postedAt: string): Promise<void>;
  /** The holder gives up its claim on a row still pending (the outcome is unknown), so another attempt may try. */
  releaseWritePost(key: string, holder: string): Promise<void>;
  /** Slack does not have it: the row goes, so the message can be posted again. */
  forgetWritePost(key: string): Promise<void>;
}
