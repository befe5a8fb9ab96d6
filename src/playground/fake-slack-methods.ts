/**
 * The fake Slack Web API's methods on the workspace's state: auth.test, chat.postMessage/postEphemeral
 * (both in threads too)/update/getPermalink/unfurl, reactions.add, views.open/update/push/publish, users.info,
 * users.conversations, conversations.info/open/history/replies, usergroups.users.list, apps.connections.open; and posts to a
 * response_url. Each refusal is the error Slack answers (SlackApiError), checked as Slack checks
 * (fake-slack-checks.ts).
 */
import {
  asRecord,
  type Json,
  LIMITS,
  SlackApiError,
  validateBlocks,
  validateMessage,
  validateModal,
} from './fake-slack-checks.js';
import { type FakeMessage, FakeSlackStore, type FakeView } from './fake-slack-store.js';

export abstract class FakeSlackMethods extends FakeSlackStore {
  /** One Web API method call with its parsed arguments: the answer's fields besides `ok: true`. */
  protected dispatch(method: string, args: Json): Json {
    switch (method) {
      case 'apps.connections.open':
        return { url: this.socketMode.connectionUrl() };
      case 'auth.test':
        return {
          url: 'https://caseops-fake.slack.com/',
          team: 'caseops',
          user: 'caseops',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.getPermalink':
        return this.permalink(args);
      case 'chat.unfurl':
        return this.unfurl(args);
      case 'reactions.add':
        return this.addReaction(args);
      case 'views.open':
        return this.viewsOpen(args, false);
      case 'views.push':
        return this.viewsOpen(args, true);
      case 'views.update':
        return this.viewsUpdate(args);
      case 'views.publish':
        return this.viewsPublish(args);
      case 'users.info':
        return this.usersInfo(args);
      case 'users.conversations':
        return this.usersConversations(args);
      case 'conversations.info':
        return this.conversationsInfo(args);
      case 'conversations.open':
        return this.conversationsOpen(args);
      case 'conversations.history':
        return this.conversationsHistory(args);
      case 'conversations.replies':
        return this.conversationsReplies(args);
      case 'usergroups.users.list':
        return this.userGroupMembers(args);
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private requireChannelForPosting(channel: unknown): string {
    if (typeof channel !== 'string' || channel === '') throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(channel)) {
      if (!this.users.has(channel)) throw new SlackApiError('channel_not_found');
      return `D${channel.slice(1)}`;
    }
    const known = this.channels.get(channel);
    if (known && known.botIsMember === false) {
      throw new SlackApiError(known.isPrivate ? 'channel_not_found' : 'not_in_channel');
    }
    return channel;
  }

  private postMessage(args: Json): Json {
    const channel = this.requireChannelForPosting(args.channel);
    validateMessage(args);
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      text: args.text as string | undefined,
      blocks: args.blocks as unknown[] | undefined,
      edits: 0,
      ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
      ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    };
    this.messages.push(message);
    return {
      channel,
      ts: message.ts,
      message: { text: message.text, blocks: message.blocks, ts: message.ts },
    };
  }

  private postEphemeral(args: Json): Json {
    const channel = this.requireChannelForPosting(args.channel);
    if (typeof args.user !== 'string' || !this.users.has(args.user))
      throw new SlackApiError('user_not_found');
    const known = this.channels.get(channel);
    if (known && !known.members.includes(args.user)) throw new SlackApiError('user_not_in_channel');
    validateMessage(args);
    const ts = this.nextTs();
    this.messages.push({
      channel,
      ts,
      text: args.text as string,
      blocks: args.blocks as unknown[],
      visibleTo: args.user,
      edits: 0,
      ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    });
    return { message_ts: ts };
  }

  private update(args: Json): Json {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts && !m.visibleTo);
    if (!message) throw new SlackApiError('message_not_found');
    validateMessage(args);
    message.text = args.text as string | undefined;
    message.blocks = args.blocks as unknown[] | undefined;
    message.edits += 1;
    return { channel: message.channel, ts: message.ts, text: message.text };
  }

  private permalink(args: Json): Json {
    if (typeof args.channel !== 'string' || typeof args.message_ts !== 'string')
      throw new SlackApiError('invalid_arguments');
    return {
      channel: args.channel,
      permalink: `https://caseops-fake.slack.com/archives/${args.channel}/p${args.message_ts.replace('.', '')}`,
    };
  }

  private messageAt(channel: unknown, ts: unknown): FakeMessage {
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts && !m.visibleTo);
    if (!message) throw new SlackApiError('message_not_found');
    return message;
  }

  /** Slack allows one reaction of a name per person on a message. */
  private addReaction(args: Json): Json {
    if (typeof args.name !== 'string' || !/^[a-z0-9_+-]+$/.test(args.name))
      throw new SlackApiError('invalid_name');
    const message = this.messageAt(args.channel, args.timestamp);
    if (message.reactions?.includes(args.name)) throw new SlackApiError('already_reacted');
    message.reactions = [...(message.reactions ?? []), args.name];
    return {};
  }

  /** Each unfurl's blocks are checked as a message's are. */
  private unfurl(args: Json): Json {
    const message = this.messageAt(args.channel, args.ts);
    const unfurls = asRecord(args.unfurls);
    if (Object.keys(unfurls).length === 0) throw new SlackApiError('invalid_arguments');
    for (const attachment of Object.values(unfurls)) validateBlocks(asRecord(attachment).blocks, 'message');
    message.unfurls = { ...message.unfurls, ...unfurls };
    return {};
  }

  private viewsOpen(args: Json, push: boolean): Json {
    const view = asRecord(args.view);
    validateModal(view);
    const { userId } = this.useTrigger(args.trigger_id);
    const id = `V${String(++this.counter).padStart(8, '0')}`;
    let rootId = id;
    if (push) {
      const open = [...this.views.values()].filter((v) => !v.closed && v.userId === userId);
      const root = open.at(-1);
      if (!root) throw new SlackApiError('not_found');
      rootId = root.rootId;
      if (open.filter((v) => v.rootId === rootId).length >= LIMITS.viewStack)
        throw new SlackApiError('push_limit_reached');
    }
    const stored: FakeView = {
      id,
      userId,
      triggerId: args.trigger_id as string,
      rootId,
      hash: `h${++this.counter}`,
      view,
      closed: false,
    };
    this.views.set(id, stored);
    return { view: this.viewPayload(stored) };
  }

  private viewsUpdate(args: Json): Json {
    const stored = typeof args.view_id === 'string' ? this.views.get(args.view_id) : undefined;
    if (!stored || stored.closed) throw new SlackApiError('not_found');
    if (typeof args.hash === 'string' && args.hash !== stored.hash) throw new SlackApiError('hash_conflict');
    const view = asRecord(args.view);
    validateModal(view);
    stored.view = view;
    stored.hash = `h${++this.counter}`;
    return { view: this.viewPayload(stored) };
  }

  private viewsPublish(args: Json): Json {
    if (typeof args.user_id !== 'string' || !this.users.has(args.user_id))
      throw new SlackApiError('user_not_found');
    const view = asRecord(args.view);
    if (view.type !== 'home') throw new SlackApiError('invalid_arguments', ['view.type must be home']);
    validateBlocks(view.blocks, 'home');
    this.homes.set(args.user_id, view);
    return { view: { ...view, id: `VHOME${args.user_id}` } };
  }

  private usersInfo(args: Json): Json {
    const user = typeof args.user === 'string' ? this.users.get(args.user) : undefined;
    if (!user) throw new SlackApiError('user_not_found');
    return {
      user: {
        id: user.id,
        team_id: this.teamId,
        name: user.name,
        real_name: user.realName ?? user.name,
        tz: user.tz ?? 'Europe/Amsterdam',
        tz_offset: 3600,
        profile: {
          real_name: user.realName ?? user.name,
          display_name: user.name,
          first_name: user.firstName ?? '',
          last_name: user.lastName ?? '',
          ...(user.email ? { email: user.email } : {}),
        },
      },
    };
  }

  private usersConversations(args: Json): Json {
    const user = typeof args.user === 'string' ? args.user : this.botUserId;
    const channels = [...this.channels.values()]
      .filter(
        (c) =>
          c.members.includes(user) && (user === this.botUserId || c.botIsMember !== false || !c.isPrivate),
      )
      .map((c) => ({ id: c.id, name: c.name, is_private: Boolean(c.isPrivate) }));
    return { channels, response_metadata: { next_cursor: '' } };
  }

  /** The bot's direct-message channel with one person: the same id a post to their user id lands in. */
  private conversationsOpen(args: Json): Json {
    const user = typeof args.users === 'string' ? args.users : '';
    if (user.includes(',')) throw new SlackApiError('not_implemented');
    if (!this.users.has(user)) throw new SlackApiError('user_not_found');
    return { channel: { id: this.requireChannelForPosting(user) } };
  }

  /** A direct-message channel the bot has with a person of the workspace. */
  private isDirectMessage(channel: string): boolean {
    return /^D/.test(channel) && this.users.has(`U${channel.slice(1)}`);
  }

  /** Newest first, after `oldest` (exclusive); metadata only with `include_all_metadata`. */
  private conversationsHistory(args: Json): Json {
    const channel = args.channel;
    if (typeof channel !== 'string' || !(this.channels.has(channel) || this.isDirectMessage(channel)))
      throw new SlackApiError('channel_not_found');
    const oldest = Number(args.oldest ?? 0);
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const offset = Number(args.cursor ?? 0) || 0;
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    // As Slack does: replies in a thread are not in the channel's history.
    const all = this.messages
      .filter((m) => m.channel === channel && !m.visibleTo && !m.threadTs && Number(m.ts) > oldest)
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const page = all.slice(offset, offset + limit);
    const hasMore = offset + limit < all.length;
    return {
      messages: page.map((m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        ...(m.user ? { user: m.user } : { bot_id: 'B0FAKEBOT' }),
        ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      })),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? String(offset + limit) : '' },
    };
  }

  /** A thread: its parent and replies after `oldest`, oldest first; metadata only with `include_all_metadata`. */
  private conversationsReplies(args: Json): Json {
    const channel = args.channel;
    if (typeof channel !== 'string' || !this.channels.has(channel))
      throw new SlackApiError('channel_not_found');
    const parent = this.messages.find((m) => m.channel === channel && m.ts === args.ts && !m.visibleTo);
    if (!parent) throw new SlackApiError('thread_not_found');
    const oldest = Number(args.oldest ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const thread = [
      parent,
      ...this.messages.filter((m) => m.channel === channel && m.threadTs === parent.ts && !m.visibleTo),
    ].filter((m) => m === parent || Number(m.ts) > oldest);
    return {
      messages: thread.map((m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
        ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      })),
      has_more: false,
      response_metadata: { next_cursor: '' },
    };
  }

  private conversationsInfo(args: Json): Json {
    const channel = typeof args.channel === 'string' ? this.channels.get(args.channel) : undefined;
    if (!channel) throw new SlackApiError('channel_not_found');
    return { channel: { id: channel.id, name: channel.name, is_private: Boolean(channel.isPrivate) } };
  }

  private userGroupMembers(args: Json): Json {
    const group = typeof args.usergroup === 'string' ? this.userGroups.get(args.usergroup) : undefined;
    if (!group) throw new SlackApiError('no_such_subteam');
    return { users: [...group.users] };
  }

  /** A post to a response_url: what the HTTP answer is (Slack answers these in plain text). */
  protected respond(id: string, raw: string): { status: number; text: string } {
    let body: Json = {};
    try {
      body = asRecord(JSON.parse(raw));
    } catch {
      body = {};
    }
    const entry = this.responseUrls.get(id);
    const record = (outcome: string) => {
      this.responses.push({ id, body, at: Date.now(), outcome });
      this.events.emit('change');
    };
    if (!entry) {
      record('invalid_url');
      return { status: 404, text: 'invalid_url' };
    }
    if (entry.uses >= LIMITS.responseUrlUses || Date.now() - entry.issuedAt > LIMITS.responseUrlLifetimeMs) {
      record('used_url');
      return { status: 404, text: 'used_url' };
    }
    try {
      validateMessage(body);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      record(error.error);
      return { status: 400, text: error.error };
    }
    entry.uses += 1;
    if (body.replace_original === true && entry.channel && entry.messageTs) {
      const original = this.messages.find((m) => m.channel === entry.channel && m.ts === entry.messageTs);
      if (original) {
        original.text = body.text as string | undefined;
        original.blocks = body.blocks as unknown[] | undefined;
        original.edits += 1;
      }
    } else if (entry.channel) {
      const visibleTo = body.response_type === 'in_channel' ? undefined : entry.userId;
      this.messages.push({
        channel: entry.channel,
        ts: this.nextTs(),
        text: body.text as string | undefined,
        blocks: body.blocks as unknown[] | undefined,
        visibleTo,
        edits: 0,
      });
    }
    record('ok');
    return { status: 200, text: 'ok' };
  }
}
