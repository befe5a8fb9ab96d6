/**
 * The playground's Slack, seen from the person at the page: it turns what they do (type a command, press a
 * button, submit a form, open App Home) into the signed requests Slack would send the app, and turns what
 * the app did (the fake Web API's recorded messages, views and home tabs) into what the page shows.
 *
 * A view_submission ack can change the modal without any API call (`response_action`): those changes are
 * applied to the fake's views here, as Slack applies them.
 */

import type { VendorId } from '../domain/case.js';
import type { Logger } from '../logging/logger.js';
import { CASE_COMMAND } from '../slack/listeners/commands/index.js';
import { OPEN_VENDOR_CASE_SHORTCUT } from '../slack/listeners/shortcuts/open-vendor-case.js';
import { vendorName } from '../vendors/plugin.js';
import type { Sandbox } from '../vendors/sandbox.js';
import type { SimulatedCaseSummary, VendorSimulator } from '../vendors/simulator.js';
import { type AppAnswer, type AppRequests, AppUnreachableError } from './app-requests.js';
import type { FakeMessage, FakeSlackApi, FakeView } from './fake-slack-api.js';
import { PLAYGROUND_APP_ID, PLAYGROUND_BOT, PLAYGROUND_ME, PLAYGROUND_TEAM } from './seed.js';
import {
  actionFor,
  actionIdOf,
  asArray,
  asRecord,
  blockIdOf,
  encodeTyped,
  PayloadError,
  type RawFormValues,
  stateValues,
  viewInPayload,
} from './slack-payloads.js';

type Json = Record<string, unknown>;

export interface PlaygroundHooks {
  /** Runs one poll (so an advanced status shows up at once). */
  pollNow(): Promise<void>;
}

export const SLACKBOT_ID = 'USLACKBOT';

/** Shortcuts the app declares (its manifest), shown in each message's menu. */
export const PLAYGROUND_SHORTCUTS = [
  { callbackId: OPEN_VENDOR_CASE_SHORTCUT, name: 'Open vendor case', type: 'message' as const },
];

/** Something the person asked for that the playground refuses (unknown channel, stale button): HTTP 400. */
export class PlaygroundInputError extends Error {
  override name = 'PlaygroundInputError';
}

export interface ShownMessage {
  ts: string;
  /** A person's id, Slackbot's, or the app's bot user. */
  author: string;
  text: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
}

export interface ShownView {
  id: string;
  hash: string;
  /** How many views are stacked under it, plus one. */
  depth: number;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  errors: Record<string, string>;
}

export interface PlaygroundState {
  version: number;
  appReady: boolean;
  team: { name: string };
  me: { id: string; name: string; realName?: string; tz?: string };
  users: Array<{ id: string; name: string; realName?: string; isBot?: boolean }>;
  channels: Array<{ id: string; name: string }>;
  app: { name: string; botUserId: string; dmChannel: string };
  commands: string[];
  shortcuts: typeof PLAYGROUND_SHORTCUTS;
  messages: Record<string, ShownMessage[]>;
  modal: ShownView | null;
  home: { blocks: unknown[] } | null;
  simulators: Array<{
    vendor: VendorId;
    name: string;
    statuses: readonly string[];
    cases: SimulatedCaseSummary[];
  }>;
}

export type Surface =
  | { type: 'message'; channel: string; ts: string }
  | { type: 'view'; viewId: string }
  | { type: 'home' };

export interface Press {
  surface: Surface;
  blockIndex: number;
  /** An element of an actions block, a section's accessory, or an input's element (dispatch_action). */
  element: number | 'accessory' | 'input';
  /** For selects and pickers: the chosen option value(s), date, time, ids… */
  selected?: unknown;
  /** A modal's current input values (Slack sends them with every action in a view). */
  values?: RawFormValues;
}

export type SubmitResult =
  | { result: 'errors'; errors: Record<string, string> }
  | { result: 'closed' | 'updated' | 'pushed' | 'cleared' };

export interface PlaygroundWorkspaceOptions {
  fake: FakeSlackApi;
  requests: AppRequests;
  sandbox: Sandbox;
  logger: Logger;
}

const me = PLAYGROUND_ME;

function userPayload(): Json {
  return { id: me.id, username: me.name, name: me.name, team_id: PLAYGROUND_TEAM.id };
}

function teamPayload(): Json {
  return { id: PLAYGROUND_TEAM.id, domain: PLAYGROUND_TEAM.domain };
}

export class PlaygroundWorkspace {
  private readonly fake: FakeSlackApi;
  private readonly requests: AppRequests;
  private readonly sandbox: Sandbox;
  private readonly logger: Logger;
  private readonly listeners = new Set<() => void>();
  /** Field errors of a submitted view, valid while the view keeps the hash it had. */
  private readonly viewErrors = new Map<string, { hash: string; errors: Record<string, string> }>();
  private readonly dismissed = new Set<string>();
  private hooks: PlaygroundHooks | undefined;
  /** Polls started by `advance` and not finished: a digest asked for meanwhile waits for them. */
  private readonly polls = new Set<Promise<void>>();
  private version = 0;
  private eventCounter = 0;

  constructor(options: PlaygroundWorkspaceOptions) {
    this.fake = options.fake;
    this.requests = options.requests;
    this.sandbox = options.sandbox;
    this.logger = options.logger;
    this.fake.onChange(() => this.changed());
  }

  attach(eventsUrl: string, hooks: PlaygroundHooks): void {
    this.requests.setEventsUrl(eventsUrl);
    this.hooks = hooks;
    this.changed();
  }

  /** Called on every change the page should see. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  /** Grows with every change the page should see. */
  get currentVersion(): number {
    return this.version;
  }

  get dmChannel(): string {
    return `D${me.id.slice(1)}`;
  }

  // ---- what the page shows ---------------------------------------------------------------------------

  state(): PlaygroundState {
    return {
      version: this.version,
      appReady: this.requests.ready,
      team: { name: PLAYGROUND_TEAM.name },
      me: { id: me.id, name: me.name, realName: me.realName, tz: me.tz },
      users: [
        ...[...this.fake.users.values()].map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
        { id: PLAYGROUND_BOT.userId, name: PLAYGROUND_BOT.name, realName: PLAYGROUND_BOT.name, isBot: true },
        { id: SLACKBOT_ID, name: 'Slackbot', realName: 'Slackbot', isBot: true },
      ],
      channels: [...this.fake.channels.values()].map((c) => ({ id: c.id, name: c.name })),
      app: { name: PLAYGROUND_BOT.name, botUserId: PLAYGROUND_BOT.userId, dmChannel: this.dmChannel },
      commands: [CASE_COMMAND],
      shortcuts: PLAYGROUND_SHORTCUTS,
      messages: this.shownMessages(),
      modal: this.shownModal(),
      home: this.homeBlocks(),
      simulators: this.simulatorState(),
    };
  }

  private visible(m: FakeMessage): boolean {
    return (
      (m.visibleTo === undefined || m.visibleTo === me.id) && !this.dismissed.has(`${m.channel}:${m.ts}`)
    );
  }

  private shownMessages(): Record<string, ShownMessage[]> {
    const byChannel: Record<string, ShownMessage[]> = {};
    for (const m of this.fake.messages) {
      if (!this.visible(m)) continue;
      byChannel[m.channel] ??= [];
      byChannel[m.channel]?.push({
        ts: m.ts,
        author: m.user ?? PLAYGROUND_BOT.userId,
        text: m.text ?? '',
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ephemeral: m.visibleTo !== undefined,
        edited: m.edits > 0,
      });
    }
    return byChannel;
  }

  /** The top of the person's modal stack. */
  private topView(): FakeView | undefined {
    const open = [...this.fake.views.values()].filter((v) => !v.closed && v.userId === me.id);
    return open.at(-1);
  }

  private shownModal(): ShownView | null {
    const top = this.topView();
    if (!top) return null;
    const errors = this.viewErrors.get(top.id);
    const depth = [...this.fake.views.values()].filter((v) => !v.closed && v.rootId === top.rootId).length;
    // private_metadata stays here: Slack never shows it to a person's client either.
    return {
      id: top.id,
      hash: top.hash,
      depth,
      title: top.view.title,
      submit: top.view.submit,
      close: top.view.close,
      blocks: asArray(top.view.blocks),
      errors: errors && errors.hash === top.hash ? errors.errors : {},
    };
  }

  private homeBlocks(): { blocks: unknown[] } | null {
    const home = this.fake.homes.get(me.id);
    return home ? { blocks: asArray(home.blocks) } : null;
  }

  private simulatorState(): PlaygroundState['simulators'] {
    return (Object.entries(this.sandbox.simulators) as Array<[VendorId, VendorSimulator]>).map(
      ([vendor, simulator]) => ({
        vendor,
        name: vendorName(vendor),
        statuses: simulator.statuses,
        cases: simulator.cases(),
      }),
    );
  }

  // ---- what the person does --------------------------------------------------------------------------

  private channelName(channel: string): string {
    if (channel === this.dmChannel) return 'directmessage';
    const known = this.fake.channels.get(channel);
    if (!known) throw new PlaygroundInputError(`no channel ${channel} in the playground`);
    return known.name;
  }

  /** A plain message from the person (the app does not subscribe to messages; it is there to be read). */
  sendMessage(channel: string, text: string): { ts: string } {
    this.channelName(channel);
    if (text.trim() === '') throw new PlaygroundInputError('an empty message');
    return { ts: this.fake.addMessage({ channel, user: me.id, text: encodeTyped(text) }) };
  }

  /** A Slackbot line only the person sees, as Slack answers a failed command. */
  private slackbotSays(channel: string, text: string): void {
    this.fake.addMessage({ channel, user: SLACKBOT_ID, visibleTo: me.id, text });
  }

  /** `/command text` typed in `channel`. */
  async runCommand(channel: string, typed: string): Promise<void> {
    const channelName = this.channelName(channel);
    const match = /^(\/\S+)\s*([\s\S]*)$/.exec(typed.trim());
    if (!match) throw new PlaygroundInputError('a command starts with /');
    const command = (match[1] as string).toLowerCase();
    const text = (match[2] as string).trim();
    if (command !== CASE_COMMAND) {
      this.slackbotSays(
        channel,
        `\`${encodeTyped(command)}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
      );
      return;
    }
    const answer = await this.send(
      () =>
        this.requests.command({
          token: 'playground',
          team_id: PLAYGROUND_TEAM.id,
          team_domain: PLAYGROUND_TEAM.domain,
          channel_id: channel,
          channel_name: channelName,
          user_id: me.id,
          user_name: me.name,
          command,
          text: encodeTyped(text),
          api_app_id: PLAYGROUND_APP_ID,
          is_enterprise_install: 'false',
          response_url: this.fake.issueResponseUrl({ channel, userId: me.id }),
          trigger_id: this.fake.issueTriggerId(me.id),
        }),
      (error) => this.slackbotSays(channel, `\`${command}\` failed with the error "${error}"`),
    );
    if (!answer) return;
    // The ack body is Slack's first answer to a command: shown at once, only to the person by default.
    const body = answer.body;
    if (typeof body === 'string') {
      this.fake.addMessage({ channel, text: body, visibleTo: me.id });
    } else if (body && typeof body === 'object') {
      const message = asRecord(body);
      if (typeof message.text === 'string' || Array.isArray(message.blocks)) {
        this.fake.addMessage({
          channel,
          text: typeof message.text === 'string' ? message.text : '',
          ...(Array.isArray(message.blocks) ? { blocks: message.blocks } : {}),
          ...(message.response_type === 'in_channel' ? {} : { visibleTo: me.id }),
        });
      }
    }
  }

  /**
   * Sends a request to the app; a failure to answer is shown the way Slack shows it (`onFailure` gets
   * Slack's error word) and resolves to undefined.
   */
  private async send(
    request: () => Promise<AppAnswer>,
    onFailure: (slackError: string) => void,
  ): Promise<AppAnswer | undefined> {
    let answer: AppAnswer;
    try {
      answer = await request();
    } catch (error) {
      if (!(error instanceof AppUnreachableError)) throw error;
      this.logger.warn({ err: error }, 'playground: the app did not answer');
      onFailure(error.slackError);
      return undefined;
    }
    if (answer.status !== 200) {
      this.logger.warn({ status: answer.status }, 'playground: the app refused a request');
      onFailure(answer.status === 401 ? 'invalid_signature' : 'dispatch_failed');
      return undefined;
    }
    return answer;
  }

  private messageAt(channel: string, ts: string): FakeMessage {
    const message = this.fake.messages.find((m) => m.channel === channel && m.ts === ts && this.visible(m));
    if (!message) throw new PlaygroundInputError('that message is gone');
    return message;
  }

  private openView(viewId: string): FakeView {
    const view = this.fake.views.get(viewId);
    if (!view || view.closed || view.userId !== me.id)
      throw new PlaygroundInputError('that window is closed');
    return view;
  }

  /** A button pressed or a select changed, on a message, a modal or App Home. */
  async press(press: Press): Promise<void> {
    let blocks: unknown[];
    const payload: Json = {
      type: 'block_actions',
      user: userPayload(),
      api_app_id: PLAYGROUND_APP_ID,
      token: 'playground',
      team: teamPayload(),
      enterprise: null,
      is_enterprise_install: false,
      trigger_id: this.fake.issueTriggerId(me.id),
    };
    let failureChannel: string | undefined;
    const surface = press.surface;
    if (surface.type === 'message') {
      const message = this.messageAt(surface.channel, surface.ts);
      blocks = message.blocks ?? [];
      const ephemeral = message.visibleTo !== undefined;
      failureChannel = surface.channel;
      Object.assign(payload, {
        container: {
          type: 'message',
          message_ts: message.ts,
          channel_id: message.channel,
          is_ephemeral: ephemeral,
        },
        channel: { id: message.channel, name: this.channelName(message.channel) },
        // Slack leaves the message out for ephemeral ones: the app never sees their content again.
        ...(ephemeral
          ? {}
          : {
              message: {
                type: 'message',
                ts: message.ts,
                text: message.text ?? '',
                ...(message.blocks ? { blocks: message.blocks } : {}),
                ...(message.user
                  ? { user: message.user }
                  : { bot_id: PLAYGROUND_BOT.botId, user: PLAYGROUND_BOT.userId }),
              },
            }),
        state: { values: {} },
        response_url: this.fake.issueResponseUrl({
          channel: message.channel,
          messageTs: message.ts,
          userId: me.id,
        }),
      });
    } else if (surface.type === 'view') {
      const view = this.openView(surface.viewId);
      blocks = asArray(view.view.blocks);
      Object.assign(payload, {
        container: { type: 'view', view_id: view.id },
        view: viewInPayload(view, stateValues(view.view, press.values ?? {})),
      });
    } else {
      const home = this.fake.homes.get(me.id);
      if (!home) throw new PlaygroundInputError('App Home has not been published');
      blocks = asArray(home.blocks);
      const homeId = `VHOME${me.id}`;
      Object.assign(payload, {
        container: { type: 'view', view_id: homeId },
        view: {
          ...home,
          id: homeId,
          team_id: PLAYGROUND_TEAM.id,
          state: { values: {} },
          app_id: PLAYGROUND_APP_ID,
        },
      });
    }
    const block = asRecord(blocks[press.blockIndex]);
    if (!block.type) throw new PlaygroundInputError('that block is gone');
    const element =
      press.element === 'accessory'
        ? asRecord(block.accessory)
        : press.element === 'input'
          ? asRecord(block.element)
          : asRecord(asArray(block.elements)[press.element]);
    if (!element.type) throw new PlaygroundInputError('that element is gone');
    let action: Json;
    try {
      action = actionFor(
        element,
        blockIdOf(block, press.blockIndex),
        actionIdOf(
          element,
          typeof press.element === 'number' ? press.element : press.element === 'input' ? 0 : 'accessory',
        ),
        press.selected,
      );
    } catch (error) {
      if (error instanceof PayloadError) throw new PlaygroundInputError(error.message);
      throw error;
    }
    payload.actions = [action];
    let failed: string | undefined;
    await this.send(
      () => this.requests.interaction(payload),
      (error) => {
        failed = error;
        if (failureChannel)
          this.slackbotSays(failureChannel, `The app did not answer that button ("${error}").`);
      },
    );
    if (failed && !failureChannel)
      throw new AppUnreachableError(`the app did not answer (${failed})`, 'dispatch_failed');
  }

  /** The modal's Submit. */
  async submit(viewId: string, values: RawFormValues): Promise<SubmitResult> {
    const view = this.openView(viewId);
    if (view.view.submit === undefined) throw new PlaygroundInputError('this window has nothing to submit');
    let state: ReturnType<typeof stateValues>;
    try {
      state = stateValues(view.view, values);
    } catch (error) {
      if (error instanceof PayloadError) throw new PlaygroundInputError(error.message);
      throw error;
    }
    const hashAtSubmit = view.hash;
    this.viewErrors.delete(viewId);
    const answer = await this.requests.interaction({
      type: 'view_submission',
      team: teamPayload(),
      user: userPayload(),
      api_app_id: PLAYGROUND_APP_ID,
      token: 'playground',
      trigger_id: this.fake.issueTriggerId(me.id),
      view: viewInPayload(view, state),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    if (answer.status !== 200) {
      throw new AppUnreachableError(`the app answered HTTP ${answer.status}`, 'dispatch_failed');
    }
    const ack = asRecord(answer.body);
    switch (ack.response_action) {
      case 'errors': {
        const errors = Object.fromEntries(
          Object.entries(asRecord(ack.errors)).filter((e): e is [string, string] => typeof e[1] === 'string'),
        );
        this.viewErrors.set(viewId, { hash: view.hash, errors });
        this.changed();
        return { result: 'errors', errors };
      }
      case 'update':
        // The app may already have moved the view on (views.update) after acking: that one wins.
        if (view.hash === hashAtSubmit && !view.closed) this.fake.replaceView(viewId, asRecord(ack.view));
        return { result: 'updated' };
      case 'push':
        this.fake.pushViewOnto(viewId, asRecord(ack.view));
        return { result: 'pushed' };
      case 'clear':
        this.fake.closeStack(viewId);
        return { result: 'cleared' };
      default:
        this.fake.closeView(viewId);
        return { result: 'closed' };
    }
  }

  /** The person closes the modal: `all` for the window's ×, otherwise its Close/Cancel button (one view). */
  async closeView(viewId: string, all: boolean): Promise<void> {
    const view = this.openView(viewId);
    if (all) this.fake.closeStack(viewId);
    else this.fake.closeView(viewId);
    if (view.view.notify_on_close === true) {
      await this.send(
        () =>
          this.requests.interaction({
            type: 'view_closed',
            team: teamPayload(),
            user: userPayload(),
            api_app_id: PLAYGROUND_APP_ID,
            token: 'playground',
            view: viewInPayload(view, {}),
            is_cleared: all,
            is_enterprise_install: false,
            enterprise: null,
          }),
        () => undefined,
      );
    }
  }

  /** A message shortcut from a message's menu. */
  async runShortcut(channel: string, ts: string, callbackId: string): Promise<void> {
    const shortcut = PLAYGROUND_SHORTCUTS.find((s) => s.callbackId === callbackId);
    if (!shortcut) throw new PlaygroundInputError(`the app has no shortcut ${callbackId}`);
    const message = this.messageAt(channel, ts);
    await this.send(
      () =>
        this.requests.interaction({
          type: 'message_action',
          token: 'playground',
          action_ts: (Date.now() / 1000).toFixed(6),
          team: teamPayload(),
          user: userPayload(),
          channel: { id: channel, name: this.channelName(channel) },
          is_enterprise_install: false,
          enterprise: null,
          callback_id: shortcut.callbackId,
          trigger_id: this.fake.issueTriggerId(me.id),
          response_url: this.fake.issueResponseUrl({ channel, userId: me.id }),
          message_ts: message.ts,
          message: {
            type: 'message',
            ts: message.ts,
            text: message.text ?? '',
            ...(message.user ? { user: message.user } : { bot_id: PLAYGROUND_BOT.botId }),
          },
        }),
      (error) => this.slackbotSays(channel, `The shortcut failed with the error "${error}".`),
    );
  }

  /** The person opens the app's Home tab: Slack sends app_home_opened each time. */
  async openHome(): Promise<void> {
    this.eventCounter += 1;
    const now = Date.now() / 1000;
    const answer = await this.requests.event({
      token: 'playground',
      team_id: PLAYGROUND_TEAM.id,
      api_app_id: PLAYGROUND_APP_ID,
      type: 'event_callback',
      event_id: `Ev0PLAY${Date.now().toString(36).toUpperCase()}${this.eventCounter}`,
      event_time: Math.floor(now),
      event: {
        type: 'app_home_opened',
        user: me.id,
        channel: this.dmChannel,
        tab: 'home',
        event_ts: now.toFixed(6),
      },
      authorizations: [{ team_id: PLAYGROUND_TEAM.id, user_id: PLAYGROUND_BOT.userId, is_bot: true }],
    });
    if (answer.status !== 200)
      throw new AppUnreachableError(`the app answered HTTP ${answer.status}`, 'dispatch_failed');
  }

  /** Hides an ephemeral message, as Slack's "Dismiss" does. */
  dismiss(channel: string, ts: string): void {
    const message = this.messageAt(channel, ts);
    if (message.visibleTo === undefined)
      throw new PlaygroundInputError('only ephemeral messages can be dismissed');
    this.dismissed.add(`${channel}:${ts}`);
    this.changed();
  }

  /** Moves a sandbox case to its next (or the given) status, then polls so watchers hear of it at once. */
  async advance(vendor: string, id: string, status?: string): Promise<SimulatedCaseSummary> {
    const simulator = (this.sandbox.simulators as Readonly<Record<string, VendorSimulator>>)[vendor];
    if (!simulator || !Object.hasOwn(this.sandbox.simulators, vendor)) {
      throw new PlaygroundInputError(`no ${vendor} simulator`);
    }
    if (!simulator.cases().some((c) => c.id === id))
      throw new PlaygroundInputError(`no ${vendor} case ${id} in the simulator`);
    if (status !== undefined && !simulator.statuses.includes(status)) {
      throw new PlaygroundInputError(`${status} is not a ${vendor} status`);
    }
    const moved = simulator.advance(id, status);
    this.changed();
    const poll = this.hooks?.pollNow();
    if (poll) {
      this.polls.add(poll);
      try {
        await poll;
      } finally {
        this.polls.delete(poll);
      }
    }
    return moved;
  }

  /**
   * The simulators panel's "Post digest now": the real `/case digest now`, typed in `channel`, once the
   * polls of cases just advanced have recorded their changes (a person clicks faster than a poll runs).
   */
  async digestNow(channel: string): Promise<void> {
    await Promise.allSettled([...this.polls]);
    await this.runCommand(channel, `${CASE_COMMAND} digest now`);
  }

  /** Seeds a message from someone in the workspace (start-up only). */
  seedMessage(channel: string, user: string, text: string): void {
    this.fake.addMessage({ channel, user, text: encodeTyped(text) });
  }
}
