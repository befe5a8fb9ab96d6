/**
 * The ChannelMembership port on Slack's Web API: a person's channels from users.conversations (cached for a
 * minute and shared among concurrent asks, so App Home and every case read cost one call a minute per person),
 * and whether a channel is private from conversations.info (cached longer: privacy seldom changes).
 */
import type { ChannelKind, ChannelMembership } from '../domain/ports/channels.js';
import { isChannel } from './conversation.js';
import type { SlackGateway } from './gateway.js';

export interface SlackChannelMembershipOptions {
  /** How long a person's channel list is trusted (default 60 s). */
  membersTtlMs?: number;
  /** How long a channel's privacy is trusted (default 10 minutes). */
  kindTtlMs?: number;
  now?: () => number;
}

interface Cached<T> {
  value: T;
  until: number;
}

export class SlackChannelMembership implements ChannelMembership {
  private readonly channels = new Map<string, Cached<ReadonlySet<string>>>();
  private readonly pending = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly kinds = new Map<string, Cached<ChannelKind>>();
  private readonly membersTtlMs: number;
  private readonly kindTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly slack: Pick<SlackGateway, 'channelsOf' | 'channelIsPrivate'>,
    options: SlackChannelMembershipOptions = {},
  ) {
    this.membersTtlMs = options.membersTtlMs ?? 60_000;
    this.kindTtlMs = options.kindTtlMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async channelsOf(userId: string): Promise<ReadonlySet<string>> {
    const cached = this.channels.get(userId);
    if (cached && cached.until > this.now()) return cached.value;
    const inFlight = this.pending.get(userId);
    if (inFlight) return inFlight;
    const fetching = this.slack
      .channelsOf(userId)
      .then((found) => {
        this.channels.set(userId, { value: found, until: this.now() + this.membersTtlMs });
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
    if (cached && cached.until > this.now()) return cached.value;
    // A channel Slack will not show caseops is a private one it was not invited to.
    const kind: ChannelKind = (await this.slack.channelIsPrivate(channelId)) === false ? 'public' : 'private';
    this.kinds.set(channelId, { value: kind, until: this.now() + this.kindTtlMs });
    return kind;
  }
}
