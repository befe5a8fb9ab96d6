/**
 * The one door to Slack's Web API for everything caseops sends. It fits every message and view to Slack's
 * limits (blocks/limits.ts) and handles rate limiting the safe way: the client is built to reject a 429 at
 * once instead of retrying silently (a retried 5xx or timeout could post twice), and a 429 (which Slack never
 * acted on) is waited out here within the interactive budget (web-api-errors.ts). What Slack refuses is
 * counted by method and code.
 */
import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logging/logger.js';
import { fitHome, fitMessage, fitModal, type SlackMessage } from './blocks/limits.js';
import { ExpiringCache } from './expiring-cache.js';
import type { SlackMetrics } from './metrics.js';
import {
  failureCode,
  INTERACTIVE_BUDGET,
  type RateLimitBudget,
  rateLimitWaitMs,
  readSlackApiFailure,
} from './web-api-errors.js';

/** Slack message metadata on a message caseops posts: its own tag, read back to find it again. */
export interface OutgoingMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

export interface SlackUser {
  id: string;
  name: string;
  realName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  tz?: string;
}

export class SlackGateway {
  /** People looked up in the last ten minutes, at most 5,000 of them. */
  private readonly userCache: ExpiringCache<string, SlackUser>;

  constructor(
    readonly client: WebClient,
    private readonly logger: Logger,
    private readonly options: { maxRateLimitWaitMs?: number; userCacheMs?: number } = {},
    private readonly metrics?: Pick<SlackMetrics, 'slackApiError'>,
  ) {
    this.userCache = new ExpiringCache({ ttlMs: options.userCacheMs ?? 10 * 60 * 1000, maxEntries: 5_000 });
  }

  /** Counts what Slack refused, by method and code, and passes the error on. */
  private async reported<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.metrics?.slackApiError(method, failureCode(readSlackApiFailure(error)));
      throw error;
    }
  }

  /** Runs a call again after a 429 while the interactive budget allows: Slack did not act on it. */
  private async patiently<T>(method: string, call: () => Promise<T>): Promise<T> {
    const budget: RateLimitBudget = {
      ...INTERACTIVE_BUDGET,
      ...(this.options.maxRateLimitWaitMs !== undefined
        ? { maxWaitMs: this.options.maxRateLimitWaitMs, maxTotalWaitMs: this.options.maxRateLimitWaitMs }
        : {}),
    };
    let waitedMs = 0;
    for (let retries = 0; ; retries++) {
      try {
        return await this.reported(method, call);
      } catch (error) {
        const waitMs = rateLimitWaitMs(readSlackApiFailure(error), budget, retries, waitedMs);
        if (waitMs === undefined) throw error;
        this.logger.info({ waitMs, method }, 'Slack rate limited a call; waiting before trying again');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        waitedMs += waitMs;
      }
    }
  }

  /** With `metadata`, the message is tagged for reading back (see readBack). */
  async postMessage(
    channel: string,
    message: SlackMessage,
    metadata?: OutgoingMetadata,
  ): Promise<{ channel: string; ts: string }> {
    const fitted = fitMessage(message);
    const result = await this.patiently('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        text: fitted.text,
        blocks: fitted.blocks,
        unfurl_links: false,
        ...(metadata ? { metadata } : {}),
      }),
    );
    return { channel: result.channel ?? channel, ts: result.ts ?? '' };
  }

  /** A reply in the thread under message `threadTs`. */
  async postInThread(
    channel: string,
    threadTs: string,
    message: SlackMessage,
    metadata?: OutgoingMetadata,
  ): Promise<{ ts: string }> {
    const fitted = fitMessage(message);
    const result = await this.patiently('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: fitted.text,
        blocks: fitted.blocks,
        unfurl_links: false,
        ...(metadata ? { metadata } : {}),
      }),
    );
    return { ts: result.ts ?? '' };
  }

  /**
   * The messages of a channel since `oldest` (a Slack ts), or with `threadTs` of that thread, with their
   * metadata (conversations.history / conversations.replies, include_all_metadata), at most `maxPages` of 200.
   */
  async readBack(
    channel: string,
    options: { oldest: string; threadTs?: string; maxPages?: number },
  ): Promise<Array<{ ts: string; metadata?: { event_type?: string; event_payload?: unknown } }>> {
    const found: Array<{ ts: string; metadata?: { event_type?: string; event_payload?: unknown } }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < (options.maxPages ?? 10); page++) {
      const args = {
        channel,
        oldest: options.oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      };
      const threadTs = options.threadTs;
      const answer = threadTs
        ? await this.patiently('conversations.replies', () =>
            this.client.conversations.replies({ ...args, ts: threadTs }),
          )
        : await this.patiently('conversations.history', () => this.client.conversations.history(args));
      for (const m of answer.messages ?? []) {
        if (m.ts) found.push({ ts: m.ts, metadata: m.metadata as { event_type?: string } | undefined });
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!answer.has_more || !cursor) return found;
    }
    throw new Error(`more messages in ${channel} than caseops reads back`);
  }

  /** reactions.add; a reaction the message already has is not an error. */
  async addReaction(channel: string, ts: string, name: string): Promise<void> {
    try {
      await this.patiently('reactions.add', () =>
        this.client.reactions.add({ channel, timestamp: ts, name }),
      );
    } catch (error) {
      const failure = readSlackApiFailure(error);
      if (failure?.kind === 'platform' && failure.code === 'already_reacted') return;
      throw error;
    }
  }

  /** chat.unfurl: attachments (blocks inside) for links in message `ts`, keyed by the link as posted. */
  async unfurl(
    channel: string,
    ts: string,
    unfurls: Record<string, { blocks: types.AnyBlock[] }>,
  ): Promise<void> {
    await this.patiently('chat.unfurl', () => this.client.chat.unfurl({ channel, ts, unfurls }));
  }

  async updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void> {
    const fitted = fitMessage(message);
    await this.patiently('chat.update', () =>
      this.client.chat.update({ channel, ts, text: fitted.text, blocks: fitted.blocks }),
    );
  }

  async postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    const fitted = fitMessage(message);
    await this.patiently('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel, user, text: fitted.text, blocks: fitted.blocks }),
    );
  }

  /** No retry: a trigger id is good once, for 3 seconds. */
  async openView(triggerId: string, view: types.ModalView): Promise<{ viewId: string }> {
    const result = await this.reported('views.open', () =>
      this.client.views.open({ trigger_id: triggerId, view: fitModal(view) }),
    );
    return { viewId: result.view?.id ?? '' };
  }

  async pushView(triggerId: string, view: types.ModalView): Promise<{ viewId: string }> {
    const result = await this.reported('views.push', () =>
      this.client.views.push({ trigger_id: triggerId, view: fitModal(view) }),
    );
    return { viewId: result.view?.id ?? '' };
  }

  async updateView(viewId: string, view: types.ModalView): Promise<void> {
    await this.patiently('views.update', () =>
      this.client.views.update({ view_id: viewId, view: fitModal(view) }),
    );
  }

  async publishHome(userId: string, view: types.HomeView): Promise<void> {
    await this.patiently('views.publish', () =>
      this.client.views.publish({ user_id: userId, view: fitHome(view) }),
    );
  }

  async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      const result = await this.patiently('chat.getPermalink', () =>
        this.client.chat.getPermalink({ channel, message_ts: ts }),
      );
      return result.permalink;
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'could not get a permalink');
      return undefined;
    }
  }

  /** users.info, cached for a while: names, e-mail and time zone for form defaults and contacts. */
  async user(userId: string): Promise<SlackUser> {
    const cached = this.userCache.get(userId);
    if (cached) return cached;
    const result = await this.patiently('users.info', () => this.client.users.info({ user: userId }));
    const u = result.user;
    const user: SlackUser = {
      id: userId,
      name: u?.name ?? userId,
      realName: u?.profile?.real_name || u?.real_name || undefined,
      firstName: u?.profile?.first_name || undefined,
      lastName: u?.profile?.last_name || undefined,
      email: u?.profile?.email || undefined,
      tz: u?.tz || undefined,
    };
    this.userCache.set(userId, user);
    return user;
  }

  /** users.info that never throws: form defaults are a convenience, not a reason to fail. */
  async userOrUndefined(userId: string): Promise<SlackUser | undefined> {
    try {
      return await this.user(userId);
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'users.info failed; continuing without the user profile');
      return undefined;
    }
  }

  /** The user ids in a Slack user group (usergroups.users.list), for policy rules that name groups. */
  async userGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.patiently('usergroups.users.list', () =>
      this.client.usergroups.users.list({ usergroup: groupId }),
    );
    return result.users ?? [];
  }

  /** Whether a channel is private (conversations.info); undefined when Slack says there is no such channel. */
  async channelIsPrivate(channelId: string): Promise<boolean | undefined> {
    try {
      const result = await this.patiently('conversations.info', () =>
        this.client.conversations.info({ channel: channelId }),
      );
      return Boolean(result.channel?.is_private);
    } catch (error) {
      const failure = readSlackApiFailure(error);
      if (failure?.kind === 'platform' && failure.code === 'channel_not_found') return undefined;
      throw error;
    }
  }

  /** The public and private channels `userId` is in (as far as caseops can see), up to `limit`. */
  async channelsOf(userId: string, limit = 1000): Promise<Set<string>> {
    const channels = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.patiently('users.conversations', () =>
        this.client.users.conversations({
          user: userId,
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const c of page.channels ?? []) if (c.id) channels.add(c.id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && channels.size < limit);
    return channels;
  }
}
