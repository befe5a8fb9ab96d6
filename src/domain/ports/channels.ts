/**
 * What the chat service knows about channels and who is in them, for deciding who may see a case that lives
 * in a private channel. Implementations cache briefly (a minute): membership changes rarely, and every read
 * of a case asks.
 */
export type ChannelKind = 'public' | 'private' | 'not-a-channel';

export interface ChannelMembership {
  /** The public and private channels `userId` is in, as far as caseops can see. */
  channelsOf(userId: string): Promise<ReadonlySet<string>>;
  /** Whether `userId` is in `channelId`. */
  isMember(userId: string, channelId: string): Promise<boolean>;
  /** A channel is public or private; a direct message (or group DM) is no channel and homes no case. */
  kindOf(channelId: string): Promise<ChannelKind>;
}
