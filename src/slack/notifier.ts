/**
 * Messages caseops sends on its own (digests, card refreshes), as opposed to answers to a person.
 *
 * - Paced: at most one call per channel per `minIntervalMs` (Slack allows about one message per second per
 *   channel), calls to one channel queued in order.
 * - 429 honoured: a rate-limited call waits the Retry-After Slack gave (every channel waits, since the limit
 *   may be workspace-wide) and is sent again. A 429 means Slack did not post, so sending again cannot post
 *   twice. Any other failure is thrown to the caller, who decides (the digest keeps its cursor).
 * - The Web API client must not retry on its own where a retry could post twice: `createNotifierWebClient`
 *   builds one with retries off and rate-limited calls rejected to us.
 */

import type { types } from '@slack/bolt';
import { webApi } from '@slack/bolt';
import type { Case } from '../domain/case.js';
import type { DigestRenderContext } from '../domain/digest.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type { StatusChangeEvent } from '../domain/ports/store.js';
import type { CaseCardUpdater } from '../domain/status-tracking.js';
import type { CardContext, CaseCards } from '../domain/use-cases/case-cards.js';
import type { Logger } from '../logging/logger.js';
import {
  DigestNotPostedError,
  type DigestPublisher,
  type DigestTag,
  type PostedDigestTag,
} from '../scheduler/digest-runner.js';
import {
  buildDigestMessages,
  buildEmptyDigestMessage,
  type DigestLimits,
  type DigestMessage,
} from './blocks/digest.js';
import {
  BACKGROUND_BUDGET,
  type RateLimitBudget,
  rateLimitWaitMs,
  readSlackApiFailure,
  type SlackApiFailure,
} from './web-api-errors.js';
import { webClientOptions } from './web-client.js';

type Block = types.KnownBlock;

/** The part of the Web API client this module uses; `WebClient` satisfies it, tests may pass a fake. */
export interface SlackChatClient {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks?: Block[];
      unfurl_links?: boolean;
      unfurl_media?: boolean;
      metadata?: MessageMetadata;
      thread_ts?: string;
    }): Promise<{ ok?: boolean; ts?: string; error?: string }>;
    update(args: { channel: string; ts: string; text: string; blocks?: Block[] }): Promise<{
      ok?: boolean;
      error?: string;
    }>;
    /** A card's permalink, for the digest's links to card threads (./permalinks.ts); without it, no links. */
    getPermalink?(args: { channel: string; message_ts: string }): Promise<{
      ok?: boolean;
      permalink?: string;
      error?: string;
    }>;
  };
  /**
   * Reading a channel back (scopes channels:history, groups:history), to find digest messages Slack accepted
   * when caseops never heard so. Without it such a message cannot be checked and its digest waits.
   */
  conversations?: {
    history(args: HistoryArgs): Promise<HistoryPage>;
    /** A thread's messages (nudges posted under a card), same shape as history. */
    replies?(args: HistoryArgs & { ts: string }): Promise<HistoryPage>;
  };
}

/** One page of conversations.history or conversations.replies, as far as reconciliation reads it. */
export interface HistoryArgs {
  channel: string;
  oldest?: string;
  limit?: number;
  cursor?: string;
  include_all_metadata?: boolean;
}

export interface HistoryPage {
  ok?: boolean;
  error?: string;
  messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/** Slack message metadata: an app's own tag on a message, returned by conversations.history. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

/** A message as conversations.history returned it, with its metadata. */
export interface HistoryMessage {
  ts: string;
  metadata?: { event_type?: string; event_payload?: unknown };
}

/** Pages of conversations.history read at most in one look back (200 messages a page). */
const MAX_HISTORY_PAGES = 25;

export interface OutgoingMessage {
  text: string;
  blocks: Block[];
  metadata?: MessageMetadata;
  /** Post as a reply in this message's thread. */
  threadTs?: string;
}

/** Slack refused or never answered; `slackError` is Slack's error code where it gave one. */
export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    readonly slackError?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlackDeliveryError';
  }
}

export interface SlackNotifierOptions {
  client: SlackChatClient;
  logger: Logger;
  clock?: Clock;
  /** Least time between two calls to one channel. */
  minIntervalMs?: number;
  /** How many 429s one call may meet before it gives up. */
  maxRateLimitRetries?: number;
  /**
   * The most one call waits for 429s in total before it gives up (the caller retries at its next run).
   * Keeps a digest well inside its channel lease, so no other run can start on the same changes.
   */
  maxRateLimitWaitMs?: number;
}

export class SlackNotifier {
  private readonly client: SlackChatClient;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly minIntervalMs: number;
  private readonly rateLimitBudget: RateLimitBudget;
  /** The tail of each channel's queue of calls. */
  private readonly lanes = new Map<string, Promise<unknown>>();
  /** Earliest time the next call to a channel may start. */
  private readonly nextCallAt = new Map<string, number>();
  /** Set by a 429: no call starts before it. */
  private pausedUntil = 0;

  constructor(options: SlackNotifierOptions) {
    this.client = options.client;
    this.logger = options.logger.child({ component: 'slack-notifier' });
    this.clock = options.clock ?? systemClock;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    const maxTotalWaitMs = options.maxRateLimitWaitMs ?? BACKGROUND_BUDGET.maxTotalWaitMs;
    this.rateLimitBudget = {
      maxRetries: options.maxRateLimitRetries ?? BACKGROUND_BUDGET.maxRetries,
      maxWaitMs: maxTotalWaitMs,
      maxTotalWaitMs,
    };
  }

  /** Posts and returns the message's `ts` once Slack has accepted it. */
  async post(channel: string, message: OutgoingMessage, signal?: AbortSignal): Promise<string> {
    const response = await this.paced(
      channel,
      () =>
        this.client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(message.metadata ? { metadata: message.metadata } : {}),
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        }),
      signal,
    );
    if (!response.ts) throw new SlackDeliveryError('Slack accepted the message but returned no ts');
    return response.ts;
  }

  /**
   * The channel's messages since `oldest` (a Slack ts), newest first, with their metadata; with `threadTs`,
   * the messages of that thread instead (conversations.replies).
   */
  async history(
    channel: string,
    oldest: string,
    signal?: AbortSignal,
    threadTs?: string,
  ): Promise<HistoryMessage[]> {
    const conversations = this.client.conversations;
    if (!conversations) {
      throw new SlackDeliveryError('this Slack client cannot read channel history (conversations.history)');
    }
    const replies = conversations.replies?.bind(conversations);
    if (threadTs && !replies) {
      throw new SlackDeliveryError('this Slack client cannot read threads (conversations.replies)');
    }
    const read = (args: {
      channel: string;
      oldest: string;
      limit: number;
      include_all_metadata: boolean;
      cursor?: string;
    }) => (threadTs && replies ? replies({ ...args, ts: threadTs }) : conversations.history(args));
    const messages: HistoryMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const response = await this.paced(
        channel,
        () =>
          read({
            channel,
            oldest,
            limit: 200,
            include_all_metadata: true,
            ...(cursor ? { cursor } : {}),
          }),
        signal,
      );
      for (const message of response.messages ?? []) {
        if (message.ts) messages.push({ ts: message.ts, metadata: message.metadata });
      }
      cursor = response.response_metadata?.next_cursor || undefined;
      if (!response.has_more || !cursor) return messages;
    }
    throw new SlackDeliveryError(
      `more than ${MAX_HISTORY_PAGES * 200} messages in the channel since the digest attempt`,
    );
  }

  async update(channel: string, ts: string, message: OutgoingMessage, signal?: AbortSignal): Promise<void> {
    await this.paced(
      channel,
      () => this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
      signal,
    );
  }

  private paced<T extends { ok?: boolean; error?: string }>(
    channel: string,
    call: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const previous = this.lanes.get(channel) ?? Promise.resolve();
    const result = previous.then(() => this.callWithinLimits(channel, call, signal));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(channel, tail);
    void tail.then(() => {
      if (this.lanes.get(channel) === tail) this.lanes.delete(channel);
    });
    return result;
  }

  private async callWithinLimits<T extends { ok?: boolean; error?: string }>(
    channel: string,
    call: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    let waitedForRateLimits = 0;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const startAt = Math.max(this.nextCallAt.get(channel) ?? 0, this.pausedUntil);
      const wait = startAt - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, signal);
      this.nextCallAt.set(channel, this.clock.now() + this.minIntervalMs);
      try {
        const response = await call().finally(() => {
          // Counted again from Slack's answer: this message reached Slack by then, so the next one cannot
          // arrive within the interval however the client queued them (timed from hand-off alone, bench saw
          // gaps of 780–880 ms at Slack).
          this.nextCallAt.set(channel, this.clock.now() + this.minIntervalMs);
        });
        if (response.ok === false) {
          throw new SlackDeliveryError(
            `Slack refused the call: ${response.error ?? 'unknown error'}`,
            response.error,
          );
        }
        return response;
      } catch (error) {
        const failure = readSlackApiFailure(error);
        if (failure?.kind !== 'rate-limited') throw asDeliveryError(error, failure);
        const retryAfterMs = rateLimitWaitMs(failure, this.rateLimitBudget, attempt, waitedForRateLimits);
        if (retryAfterMs === undefined) {
          throw new SlackDeliveryError(
            `Slack kept rate limiting after ${attempt + 1} attempts`,
            'ratelimited',
            { cause: error },
          );
        }
        waitedForRateLimits += retryAfterMs;
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + retryAfterMs);
        this.logger.warn(
          { channel, retryAfterMs, attempt: attempt + 1 },
          'Slack rate limited us; waiting as asked',
        );
      }
    }
  }
}

function asDeliveryError(error: unknown, failure: SlackApiFailure | undefined): SlackDeliveryError {
  if (error instanceof SlackDeliveryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const slackError = failure?.kind === 'platform' ? failure.code : undefined;
  return new SlackDeliveryError(`Slack call failed: ${message}`, slackError, { cause: error });
}

/**
 * A Web API client for the notifier: no automatic retries (a retried post after a lost answer would post
 * twice), 429s handed to the notifier (which waits and resends), and a request timeout.
 */
export function createNotifierWebClient(options: {
  token: string;
  slackApiUrl?: string;
  timeoutMs?: number;
}): webApi.WebClient {
  return new webApi.WebClient(
    options.token,
    webClientOptions({ SLACK_API_URL: options.slackApiUrl }, options.timeoutMs),
  );
}

// Digests ---------------------------------------------------------------------------------------------------

export interface SlackDigestPublisherOptions {
  notifier: SlackNotifier;
  limits?: DigestLimits;
}

/** `event_type` of the metadata on every digest message caseops posts. */
export const DIGEST_EVENT_TYPE = 'caseops_digest';

/**
 * Digests as Slack messages: split to Slack's limits by ./blocks/digest.ts, posted through the notifier, each
 * tagged with message metadata (channel, first and last event id, part) so a later run can find in the
 * channel's history what Slack accepted when caseops never heard back.
 */
export class SlackDigestPublisher implements DigestPublisher<DigestMessage | EmptyDigestMessage> {
  private readonly notifier: SlackNotifier;
  private readonly limits: DigestLimits | undefined;

  constructor(options: SlackDigestPublisherOptions) {
    this.notifier = options.notifier;
    this.limits = options.limits;
  }

  prepare(events: readonly StatusChangeEvent[], context: DigestRenderContext): DigestMessage[] {
    return buildDigestMessages(events, context, this.limits);
  }

  prepareEmpty(context: DigestRenderContext): EmptyDigestMessage {
    return { ...buildEmptyDigestMessage(context), eventIds: [] };
  }

  async post(
    channelId: string,
    message: DigestMessage | EmptyDigestMessage,
    tag: DigestTag,
    signal?: AbortSignal,
  ): Promise<{ ts: string }> {
    const metadata: MessageMetadata = {
      event_type: DIGEST_EVENT_TYPE,
      event_payload: {
        channel: channelId,
        from_event_id: tag.fromEventId,
        to_event_id: tag.toEventId,
        part: tag.part,
      },
    };
    try {
      const ts = await this.notifier.post(
        channelId,
        { text: message.text, blocks: message.blocks, metadata },
        signal,
      );
      return { ts };
    } catch (error) {
      // An error code is Slack's own answer (refused, or rate limited to the end): the message is not there.
      if (error instanceof SlackDeliveryError && error.slackError !== undefined) {
        throw new DigestNotPostedError(error.message, { cause: error });
      }
      throw error;
    }
  }

  async findPosted(channelId: string, since: string, signal?: AbortSignal): Promise<PostedDigestTag[]> {
    const oldest = (Date.parse(since) / 1000).toFixed(6);
    const found: PostedDigestTag[] = [];
    for (const message of await this.notifier.history(channelId, oldest, signal)) {
      const tag = digestTagOf(message, channelId);
      if (tag) found.push({ ...tag, ts: message.ts });
    }
    return found;
  }
}

/** The digest tag caseops put on `message`, if it is one of its digests for `channelId`. */
function digestTagOf(message: HistoryMessage, channelId: string): DigestTag | undefined {
  if (message.metadata?.event_type !== DIGEST_EVENT_TYPE) return undefined;
  const payload = message.metadata.event_payload as Record<string, unknown> | undefined;
  if (!payload || payload.channel !== channelId) return undefined;
  const [from, to, part] = [payload.from_event_id, payload.to_event_id, payload.part].map(Number);
  if (![from, to, part].every((n) => Number.isInteger(n))) return undefined;
  return { fromEventId: from!, toEventId: to!, part: part! };
}

export interface EmptyDigestMessage {
  text: string;
  blocks: Block[];
  eventIds: [];
  lastEventId?: undefined;
}

// Cards -----------------------------------------------------------------------------------------------------

export interface SlackCardUpdaterOptions {
  /** The case-cards use case: which cards a case has, and each one's context. */
  cards: Pick<CaseCards, 'refresh' | 'refreshIn'>;
  notifier: SlackNotifier;
  /** The card as posted, for the case as it now stands (the Slack surface's card builder). */
  renderCard: (current: Case, context: CardContext) => OutgoingMessage | Promise<OutgoingMessage>;
}

/**
 * Keeps posted cards current: when a watched case changes status, each of its cards is updated in place,
 * through the notifier (paced, 429s waited out). A card that fails is logged by the use case and does not
 * stop the others.
 */
export class SlackCardUpdater implements CaseCardUpdater {
  constructor(private readonly options: SlackCardUpdaterOptions) {}

  /** Every posted card of the case, re-rendered from the stored case (which keeps what summaries lack). */
  async caseChanged(current: Case, _events: readonly StatusChangeEvent[]): Promise<void> {
    const { cards, notifier, renderCard } = this.options;
    await cards.refresh(current, async (card, context) => {
      await notifier.update(card.channelId, card.ts, await renderCard(current, context));
    });
  }

  /** The case's card in one channel, re-rendered (a reply was posted in its thread). */
  async cardInChannelChanged(current: Case, channelId: string): Promise<void> {
    const { cards, notifier, renderCard } = this.options;
    await cards.refreshIn(current, channelId, async (card, context) => {
      await notifier.update(card.channelId, card.ts, await renderCard(current, context));
    });
  }
}
