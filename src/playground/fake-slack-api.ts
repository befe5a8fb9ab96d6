/**
 * A fake of the Slack Web API on loopback, for tests and (later) the local playground. It speaks the wire
 * format the real client uses (form-encoded bodies, `blocks`/`view` as JSON strings, `Authorization: Bearer`),
 * records every call, enforces Slack's real limits independently of caseops' own limits module (so a builder
 * that breaks a limit fails here as it would in Slack), and can inject failures: 429 with Retry-After, 5xx,
 * or an `ok: false` error such as `invalid_auth`.
 *
 * Methods: auth.test, chat.postMessage/postEphemeral/update/getPermalink, views.open/update/push/publish,
 * users.info, users.conversations, conversations.info, usergroups.users.list; plus response_url endpoints
 * (POST /respond/<id>).
 * For the playground: a change subscription, messages that do not come through the Web API (people's own,
 * ack bodies) and the view changes a view_submission ack makes (update, push, clear).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  | { kind: 'error'; error: string };

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

const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  blockTextTotal: 13_000,
  sectionText: 3000,
  fieldCount: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  modalTitle: 24,
  privateMetadata: 3000,
  responseUrlUses: 5,
  responseUrlLifetimeMs: 30 * 60 * 1000,
  viewStack: 3,
  plainTextInputMax: 3000,
} as const;

class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly details: string[] = [],
  ) {
    super(error);
  }
}

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function textOf(value: unknown): string | undefined {
  const t = asRecord(value).text;
  return typeof t === 'string' ? t : undefined;
}

/** Checks blocks the way Slack does (the subset caseops uses); throws invalid_blocks with details. */
export function validateBlocks(blocks: unknown, surface: 'message' | 'modal' | 'home'): void {
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks', ['blocks must be an array']);
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  const problems: string[] = [];
  if (blocks.length > max) problems.push(`must provide no more than ${max} items [json-pointer:/blocks]`);
  const ids = new Set<string>();
  const element = (el: Json, where: string) => {
    const actionId = el.action_id;
    if (typeof actionId === 'string' && actionId.length > LIMITS.id)
      problems.push(`${where}: action_id too long`);
    if (el.type === 'button') {
      const t = textOf(el.text);
      if (!t || t.length > LIMITS.buttonText) problems.push(`${where}: button text must be 1–75 characters`);
      if (typeof el.value === 'string' && el.value.length > LIMITS.buttonValue)
        problems.push(`${where}: button value too long`);
      if (typeof el.url === 'string' && el.url.length > LIMITS.url) problems.push(`${where}: url too long`);
    }
    if (el.type === 'static_select') {
      const opts = Array.isArray(el.options) ? el.options : [];
      if (opts.length === 0 || opts.length > LIMITS.options) problems.push(`${where}: 1–100 options`);
      for (const o of opts) {
        const t = textOf(asRecord(o).text);
        const v = asRecord(o).value;
        if (!t || t.length > LIMITS.optionText)
          problems.push(`${where}: option text must be 1–75 characters`);
        if (typeof v !== 'string' || v.length > LIMITS.optionValue)
          problems.push(`${where}: option value must be ≤ 150`);
      }
    }
    if (el.type === 'plain_text_input') {
      const maxLength = el.max_length;
      if (typeof maxLength === 'number' && maxLength > LIMITS.plainTextInputMax)
        problems.push(`${where}: max_length ≤ 3000`);
      const initial = el.initial_value;
      if (typeof initial === 'string' && typeof maxLength === 'number' && initial.length > maxLength) {
        problems.push(`${where}: initial_value longer than max_length`);
      }
    }
  };
  blocks.forEach((raw, i) => {
    const b = asRecord(raw);
    const where = `[json-pointer:/blocks/${i}]`;
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > LIMITS.id) problems.push(`${where}: block_id too long`);
      if (ids.has(b.block_id)) problems.push(`${where}: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header': {
        const t = textOf(b.text);
        if (asRecord(b.text).type !== 'plain_text' || !t || t.length > LIMITS.headerText)
          problems.push(`${where}: header text`);
        break;
      }
      case 'section': {
        const t = b.text === undefined ? undefined : textOf(b.text);
        const fields = Array.isArray(b.fields) ? b.fields : undefined;
        if (t === undefined && !fields) problems.push(`${where}: section needs text or fields`);
        if (t !== undefined && (t.length === 0 || t.length > LIMITS.sectionText))
          problems.push(`${where}: section text 1–3000`);
        if (fields) {
          if (fields.length > LIMITS.fieldCount) problems.push(`${where}: at most 10 fields`);
          for (const f of fields) {
            const ft = textOf(f);
            if (!ft || ft.length > LIMITS.fieldText) problems.push(`${where}: field text 1–2000`);
          }
        }
        if (b.accessory) element(asRecord(b.accessory), where);
        break;
      }
      case 'context': {
        const els = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0 || els.length > LIMITS.contextElements)
          problems.push(`${where}: context 1–10 elements`);
        break;
      }
      case 'actions': {
        const els = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0 || els.length > LIMITS.actionsElements)
          problems.push(`${where}: actions 1–25 elements`);
        for (const el of els) element(asRecord(el), where);
        break;
      }
      case 'input': {
        if (surface === 'message') problems.push(`${where}: input blocks belong in modals`);
        const label = textOf(b.label);
        if (!label) problems.push(`${where}: input needs a label`);
        element(asRecord(b.element), where);
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: unsupported block type ${String(b.type)}`);
    }
  });
  if (problems.length > 0) throw new SlackApiError('invalid_blocks', problems);
  if (surface === 'message') {
    const total = JSON.stringify(blocks).length;
    // Slack counts characters of block text; the JSON length is a close, slightly stricter stand-in.
    if (total > LIMITS.blockTextTotal * 1.6 || blockText(blocks) > LIMITS.blockTextTotal) {
      throw new SlackApiError('msg_blocks_too_long');
    }
  }
}

function blockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blockText(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  const r = value as Json;
  if ((r.type === 'mrkdwn' || r.type === 'plain_text') && typeof r.text === 'string') return r.text.length;
  return Object.values(r).reduce((n: number, v) => n + blockText(v), 0);
}

function validateModal(view: Json): void {
  if (view.type !== 'modal') throw new SlackApiError('invalid_arguments', ['view.type must be modal']);
  const title = textOf(view.title);
  if (!title || title.length > LIMITS.modalTitle)
    throw new SlackApiError('invalid_arguments', ['title must be 1–24 characters']);
  for (const key of ['submit', 'close'] as const) {
    const t = view[key] === undefined ? undefined : textOf(view[key]);
    if (view[key] !== undefined && (!t || t.length > LIMITS.modalTitle)) {
      throw new SlackApiError('invalid_arguments', [`${key} must be 1–24 characters`]);
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) {
    throw new SlackApiError('invalid_arguments', ['private_metadata must be ≤ 3000 characters']);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > LIMITS.id) {
    throw new SlackApiError('invalid_arguments', ['callback_id too long']);
  }
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.some((b) => asRecord(b).type === 'input') && view.submit === undefined) {
    throw new SlackApiError('invalid_arguments', ['a modal with inputs needs a submit button']);
  }
  validateBlocks(view.blocks, 'modal');
}

function validateMessage(args: Json): void {
  if (args.blocks === undefined) {
    if (typeof args.text !== 'string' || args.text.length === 0) throw new SlackApiError('no_text');
    return;
  }
  // Slack accepts blocks without text but warns; caseops always sends a fallback, so the fake insists.
  if (typeof args.text !== 'string' || args.text.trim().length === 0)
    throw new SlackApiError('no_text_fallback');
  if (args.text.length > 40_000) throw new SlackApiError('msg_too_long');
  validateBlocks(args.blocks, 'message');
}

const JSON_ARGS = new Set(['blocks', 'view', 'attachments', 'metadata']);

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly messages: FakeMessage[] = [];
  readonly views = new Map<string, FakeView>();
  readonly homes = new Map<string, Json>();
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly userGroups = new Map<string, FakeUserGroup>();
  private readonly events = new EventEmitter();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean; userId?: string }>();
  private readonly responseUrls = new Map<
    string,
    { issuedAt: number; uses: number; channel?: string; messageTs?: string; userId?: string }
  >();
  private readonly failures: Array<{ method: string; failure: InjectedFailure; times: number }> = [];
  private server?: Server;
  private base?: string;
  private counter = 0;
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

  get url(): string {
    if (!this.base) throw new Error('fake Slack API is not started');
    return this.base;
  }

  /** What to give the client as slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_failure', detail: (error as Error).message }));
      });
    });
    this.server = server;
    this.socketMode.attach(server);
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.base = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.socketMode.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- what tests and the playground use ------------------------------------------------------------

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

  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    this.failures.push({ method, failure, times });
  }

  /** The person closes a modal: later updates of it fail with not_found. */
  closeView(viewId: string): void {
    const view = this.views.get(viewId);
    if (view) view.closed = true;
    this.events.emit('change');
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  okCallsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.outcome === 'ok');
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

  /** Resolves with the first call (existing or future) that matches, or rejects after `timeoutMs`. */
  waitForCall(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    return this.waitFor(
      () => this.calls.find((c) => c.method === method && predicate(c)),
      `${method} call`,
      timeoutMs,
    );
  }

  waitForResponse(
    predicate: (r: RecordedResponse) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedResponse> {
    return this.waitFor(() => this.responses.find(predicate), 'response_url post', timeoutMs);
  }

  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const hit = probe();
        if (hit !== undefined) {
          clearTimeout(timer);
          this.events.off('change', onChange);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.events.on('change', onChange);
    });
  }

  // ---- HTTP --------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake-slack');
    if (req.method === 'POST' && url.pathname.startsWith('/respond/')) {
      return this.handleResponseUrl(url.pathname.slice('/respond/'.length), raw, res);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      return this.handleMethod(url.pathname.slice('/api/'.length), req, raw, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private parseArgs(req: IncomingMessage, raw: string): Json {
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      try {
        return asRecord(JSON.parse(raw));
      } catch {
        return {};
      }
    }
    const args: Json = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      if (JSON_ARGS.has(key)) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          args[key] = value;
        }
      } else {
        args[key] = value;
      }
    }
    return args;
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    const rule = this.failures.find((f) => f.method === method && f.times > 0);
    if (!rule) return undefined;
    rule.times -= 1;
    return rule.failure;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit('change');
  }

  private async handleMethod(
    method: string,
    req: IncomingMessage,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const args = this.parseArgs(req, raw);
    const auth =
      /^Bearer\s+(\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ??
      (args.token as string | undefined);
    const call: RecordedCall = { method, args, token: auth, at: Date.now(), outcome: 'ok' };
    const failure = this.takeFailure(method);
    if (failure?.kind === 'ratelimited') {
      call.outcome = 'http_429';
      this.record(call);
      res.writeHead(429, {
        'retry-after': String(failure.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (failure?.kind === 'http') {
      call.outcome = `http_${failure.status}`;
      this.record(call);
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('upstream failure');
      return;
    }
    let body: Json;
    try {
      if (failure?.kind === 'error') throw new SlackApiError(failure.error);
      if (!auth) throw new SlackApiError('not_authed');
      // Socket Mode connections are opened with the app-level token; everything else with the bot token.
      if (auth !== (method === 'apps.connections.open' ? this.appToken : this.botToken)) {
        throw new SlackApiError('invalid_auth');
      }
      body = { ok: true, ...this.dispatch(method, args) };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      call.outcome = error.error;
      body = {
        ok: false,
        error: error.error,
        ...(error.details.length ? { response_metadata: { messages: error.details } } : {}),
      };
    }
    this.record(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private dispatch(method: string, args: Json): Json {
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
      case 'conversations.history':
        return this.conversationsHistory(args);
      case 'usergroups.users.list':
        return this.userGroupMembers(args);
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`;
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

  private useTrigger(triggerId: unknown): { userId?: string } {
    const trigger = typeof triggerId === 'string' ? this.triggers.get(triggerId) : undefined;
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used || Date.now() - trigger.issuedAt > this.triggerLifetimeMs)
      throw new SlackApiError('expired_trigger_id');
    trigger.used = true;
    return { userId: trigger.userId };
  }

  private viewPayload(v: FakeView): Json {
    return { ...v.view, id: v.id, hash: v.hash, root_view_id: v.rootId, state: { values: {} } };
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

  /** Newest first, after `oldest` (exclusive); metadata only with `include_all_metadata`. */
  private conversationsHistory(args: Json): Json {
    const channel = args.channel;
    if (typeof channel !== 'string' || !this.channels.has(channel))
      throw new SlackApiError('channel_not_found');
    const oldest = Number(args.oldest ?? 0);
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const offset = Number(args.cursor ?? 0) || 0;
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const all = this.messages
      .filter((m) => m.channel === channel && !m.visibleTo && Number(m.ts) > oldest)
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

  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
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
      res.writeHead(404, { 'content-type': 'text/plain' }).end('invalid_url');
      return;
    }
    if (entry.uses >= LIMITS.responseUrlUses || Date.now() - entry.issuedAt > LIMITS.responseUrlLifetimeMs) {
      record('used_url');
      res.writeHead(404, { 'content-type': 'text/plain' }).end('used_url');
      return;
    }
    try {
      validateMessage(body);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      record(error.error);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(error.error);
      return;
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
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }
}
