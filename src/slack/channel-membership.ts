/**
 * The ChannelMembership port on Slack's Web API: a person's channels from users.conversations (cached for a
 * minute and shared among concurrent asks, so App Home and every case read cost one call a minute per person),
 * and whether a channel is private from conversations.info (cached longer: privacy seldom changes).
 */
import type { ChannelKind, ChannelMembership } from '../domain/ports/channels.js';
import { isChannel } from './conversation.js';
import { ExpiringCache } from './expiring-cache.js';
import type { SlackGateway } from './gateway.js';

export interface SlackChannelMembershipOptions {
  /** How long a person's channel list is trusted (default 60 s). */
  membersTtlMs?: number;
  /** How long a channel's privacy is trusted (default 10 minutes). */
  kindTtlMs?: number;
  /** The most people and the most channels remembered at once (default 5,000 each). */
  maxEntries?: number;
  now?: () => number;
}

export class SlackChannelMembership implements ChannelMembership {
  private readonly channels: ExpiringCache<string, ReadonlySet<string>>;
  private readonly pending = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly kinds: ExpiringCache<string, ChannelKind>;

  constructor(
    private readonly slack: Pick<SlackGateway, 'channelsOf' | 'channelIsPrivate'>,
    options: SlackChannelMembershipOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? 5_000;
    const now = options.now ?? Date.now;
    this.channels = new ExpiringCache({ ttlMs: options.membersTtlMs ?? 60_000, maxEntries, now });
    this.kinds = new ExpiringCache({ ttlMs: options.kindTtlMs ?? 10 * 60_000, maxEntries, now });
  }

  async channelsOf(userId: string): Promise<ReadonlySet<string>> {
    const cached = this.channels.get(userId);
    if (cached) return cached;
    const inFlight = this.pending.get(userId);
    if (inFlight) return inFlight;
    const fetching = this.slack
      .channelsOf(userId)
      .then((found) => {
        this.channels.set(userId, found);
        return found as ReadonlySet<string>;
      })
      .finally(() => this.pending.delete(userId));
    this.pending.set(userId, fetching);
    return fetching;
  }

  async isMember(userId: string, channelId: string): Promise<boolean> {
    return (await this.channelsOf(userId)).has(channelId);
  }

  async kindOf(channelId: string): Promise<ChannelKind> {
    if (!isChannel(channelId)) return 'not-a-channel';
    const cached = this.kinds.get(channelId);
    if (cached) return cached;
    // A channel Slack will not show caseops is a private one it was not invited to.
    const kind: ChannelKind = (await this.slack.channelIsPrivate(channelId)) === false ? 'public' : 'private';
    this.kinds.set(channelId, kind);
    return kind;
  }
}
