/**
 * The fake Slack workspace's state: its people, channels and user groups, the messages, modals and home
 * tabs the app made, the trigger ids and response_urls Slack hands out, and every call recorded. The Web
 * API methods (fake-slack-methods.ts) and the server (fake-slack-api.ts) build on it; tests and the
 * playground read it and make the changes that reach Slack without a Web API call (a person's own
 * message, the view change of a view_submission ack).
 */
import { EventEmitter } from 'node:events';
import { type Json, LIMITS, SlackApiError, validateModal } from './fake-slack-checks.js';
import { FakeSocketMode } from './fake-socket-mode.js';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  tz?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  members: string[];
  /** False: the bot is not a member, so posting fails with not_in_channel. */
  botIsMember?: boolean;
}

export interface FakeUserGroup {
  /** S… */
  id: string;
  handle?: string;
  /** Member user ids. */
  users: string[];
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
  /** 'ok', an `ok: false` error code, or `http_<status>`. */
  outcome: string;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
  at: number;
  outcome: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  /** Set for ephemeral messages: only this user sees it. */
  visibleTo?: string;
  /** Who wrote it when it was not the app's bot (a person's message, Slackbot); absent for the bot. */
  user?: string;
  /** How many times it was replaced (chat.update or replace_original). */
  edits: number;
  /** Message metadata the app posted it with (chat.postMessage `metadata`). */
  metadata?: unknown;
  /** The ts of the thread's root, for a reply in a thread. */
  threadTs?: string;
  /** Reaction names the app added (reactions.add), in order. */
  reactions?: string[];
  /** What chat.unfurl attached to the message's links, by link. */
  unfurls?: Record<string, unknown>;
}

export interface FakeView {
  id: string;
  userId?: string;
  /** The trigger id it was opened with. */
  triggerId?: string;
  rootId: string;
  hash: string;
  view: Record<string, unknown>;
  closed: boolean;
}

export type InjectedFailure =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  /** Slack does the call, but its answer is lost: the client sees HTTP `status` (500 by default). */
  | { kind: 'lost'; status?: number };

export interface FakeSlackOptions {
  botToken?: string;
  /** The app-level token (xapp-…) apps.connections.open accepts, for Socket Mode. */
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  users?: FakeUser[];
  channels?: FakeChannel[];
  /** Slack user groups (usergroups.users.list); more can be set on `userGroups` later. */
  userGroups?: FakeUserGroup[];
  /** How long a trigger id stays good (Slack: 3 s). */
  triggerLifetimeMs?: number;
}

export abstract class FakeSlackStore {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly messages: FakeMessage[] = [];
  readonly views = new Map<string, FakeView>();
  readonly homes = new Map<string, Json>();
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly userGroups = new Map<string, FakeUserGroup>();
  protected readonly events = new EventEmitter();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean; userId?: string }>();
  protected readonly responseUrls = new Map<
    string,
    { issuedAt: number; uses: number; channel?: string; messageTs?: string; userId?: string }
  >();
  protected counter = 0;
  readonly botToken: string;
  readonly appToken: string;
  /** Socket Mode: envelopes to the connected app, acknowledged over the WebSocket. */
  readonly socketMode = new FakeSocketMode(() => this.url);
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  private readonly triggerLifetimeMs: number;

  constructor(options: FakeSlackOptions = {}) {
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-1-fake-app-token';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.teamId = options.teamId ?? 'T0CASEOPS';
    this.triggerLifetimeMs = options.triggerLifetimeMs ?? 3000;
    for (const u of options.users ?? []) this.users.set(u.id, u);
    for (const c of options.channels ?? []) this.channels.set(c.id, c);
    for (const g of options.userGroups ?? []) this.userGroups.set(g.id, g);
    this.events.setMaxListeners(100);
  }

  /** The server's base URL once started. */
  abstract get url(): string;

  /** A trigger id as Slack would put in a command, shortcut or button payload: good once, for 3 s. */
  issueTriggerId(userId?: string): string {
    const id = `${Date.now()}.${++this.counter}.${Math.random().toString(16).slice(2, 14)}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false, userId });
    return id;
  }

  /** A response_url, optionally tied to a message (block actions on it can replace it). */
  issueResponseUrl(target: { channel?: string; messageTs?: string; userId?: string } = {}): string {
    const id = `R${++this.counter}${Math.random().toString(36).slice(2, 8)}`;
    this.responseUrls.set(id, { issuedAt: Date.now(), uses: 0, ...target });
    return `${this.url}/respond/${id}`;
  }

  /** The person closes a modal: later updates of it fail with not_found. */
  closeView(viewId: string): void {
    const view = this.views.get(viewId);
    if (view) view.closed = true;
    this.events.emit('change');
  }

  /** Called after every recorded call, response_url post or change made through the methods below. */
  onChange(listener: () => void): () => void {
    this.events.on('change', listener);
    return () => {
      this.events.off('change', listener);
    };
  }

  /**
   * A message that reaches the channel without the app's Web API calls: a person's own message, an ack body
   * Slack shows as a reply to a command, or a Slackbot notice. Returns its ts.
   */
  addMessage(message: {
    channel: string;
    text?: string;
    blocks?: unknown[];
    visibleTo?: string;
    user?: string;
    threadTs?: string;
  }): string {
    const ts = this.nextTs();
    this.messages.push({ ...message, ts, edits: 0 });
    this.events.emit('change');
    return ts;
  }

  /** `response_action: update` in a view_submission ack: the view is replaced without an API call. */
  replaceView(viewId: string, view: Record<string, unknown>): FakeView {
    const stored = this.views.get(viewId);
    if (!stored || stored.closed) throw new SlackApiError('not_found');
    validateModal(view);
    stored.view = view;
    stored.hash = `h${++this.counter}`;
    this.events.emit('change');
    return stored;
  }

  /** `response_action: push`: a new view on top of `viewId`'s stack (at most 3 views). */
  pushViewOnto(viewId: string, view: Record<string, unknown>): FakeView {
    const below = this.views.get(viewId);
    if (!below || below.closed) throw new SlackApiError('not_found');
    validateModal(view);
    const open = [...this.views.values()].filter((v) => !v.closed && v.rootId === below.rootId);
    if (open.length >= LIMITS.viewStack) throw new SlackApiError('push_limit_reached');
    const id = `V${String(++this.counter).padStart(8, '0')}`;
    const stored: FakeView = {
      id,
      userId: below.userId,
      rootId: below.rootId,
      hash: `h${++this.counter}`,
      view,
      closed: false,
    };
    this.views.set(id, stored);
    this.events.emit('change');
    return stored;
  }

  /** `response_action: clear`, or the person closing the window: every view of the stack is closed. */
  closeStack(viewId: string): void {
    const rootId = this.views.get(viewId)?.rootId;
    if (!rootId) return;
    for (const v of this.views.values()) if (v.rootId === rootId) v.closed = true;
    this.events.emit('change');
  }

  messagesIn(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.visibleTo);
  }

  protected nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`;
  }

  protected useTrigger(triggerId: unknown): { userId?: string } {
    const trigger = typeof triggerId === 'string' ? this.triggers.get(triggerId) : undefined;
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used || Date.now() - trigger.issuedAt > this.triggerLifetimeMs)
      throw new SlackApiError('expired_trigger_id');
    trigger.used = true;
    return { userId: trigger.userId };
  }

  protected viewPayload(v: FakeView): Json {
    return { ...v.view, id: v.id, hash: v.hash, root_view_id: v.rootId, state: { values: {} } };
  }
}
