/**
 * Sends requests to the app's HTTP receiver the way Slack does: form-encoded slash commands and interactivity
 * payloads, JSON events, all signed with the signing secret (src/slack/signing.ts), with trigger ids and
 * response URLs issued by the fake Slack API so the app's answers land there.
 */
import { request } from 'undici';
import type { FakeSlackApi, FakeView } from '../../src/playground/fake-slack-api.js';
import { signSlackRequest } from '../../src/slack/signing.js';

export interface SentRequest {
  status: number;
  text: string;
  /** The ack body as JSON, when it is JSON. */
  json?: Record<string, unknown>;
  /** How long the app took to answer (the ack). */
  elapsedMs: number;
  triggerId?: string;
  responseUrl?: string;
}

export interface SignOptions {
  /** Seconds since the epoch to sign with (stale-request tests). */
  timestamp?: number;
  /** Send without signature headers at all. */
  unsigned?: boolean;
  /** Replace the signature (tampering tests). */
  signature?: string;
  /** Change the body after signing (tampering tests). */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

export type StateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'email_text_input'; value: string | null }
  | { type: 'static_select'; selected_option: { value: string } | null }
  | { type: 'multi_users_select'; selected_users: string[] }
  | { type: 'datetimepicker'; selected_date_time: number | null };

export const input = {
  text: (value: string | null): StateValue => ({ type: 'plain_text_input', value }),
  email: (value: string | null): StateValue => ({ type: 'email_text_input', value }),
  select: (value: string | null): StateValue => ({
    type: 'static_select',
    selected_option: value === null ? null : { value },
  }),
  users: (ids: string[]): StateValue => ({ type: 'multi_users_select', selected_users: ids }),
  datetime: (seconds: number | null): StateValue => ({ type: 'datetimepicker', selected_date_time: seconds }),
};

export class SlackClient {
  constructor(
    readonly appUrl: string,
    readonly signingSecret: string,
    readonly fake: FakeSlackApi,
    readonly defaults: { teamId: string; userId: string; channelId: string },
  ) {}

  async send(
    path: string,
    body: string,
    contentType: string,
    options: SignOptions = {},
  ): Promise<SentRequest> {
    const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
    if (!options.unsigned) {
      const signed = signSlackRequest(this.signingSecret, body, options.timestamp);
      headers['x-slack-request-timestamp'] = signed['x-slack-request-timestamp'];
      headers['x-slack-signature'] = options.signature ?? signed['x-slack-signature'];
    }
    const sent = options.tamper ? options.tamper(body) : body;
    const started = performance.now();
    const response = await request(`${this.appUrl}${path}`, { method: 'POST', headers, body: sent });
    const text = await response.body.text();
    const elapsedMs = performance.now() - started;
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, text, json, elapsedMs };
  }

  /** `/case <text>` typed by `user` in `channel`. */
  async command(
    text: string,
    options: {
      user?: string;
      channel?: string;
      sign?: SignOptions;
      triggerId?: string;
      /** Fields to leave out of the request, as a client other than Slack might. */
      leaveOut?: string[];
    } = {},
  ): Promise<SentRequest> {
    const user = options.user ?? this.defaults.userId;
    const channel = options.channel ?? this.defaults.channelId;
    // Reusing a trigger id sends the same request again, as a repeated delivery would.
    const triggerId = options.triggerId ?? this.fake.issueTriggerId(user);
    const responseUrl = this.fake.issueResponseUrl({ channel, userId: user });
    const body = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: this.defaults.teamId,
      team_domain: 'caseops',
      channel_id: channel,
      channel_name: 'noc',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/case',
      text,
      api_app_id: 'ACASEOPS',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    for (const field of options.leaveOut ?? []) body.delete(field);
    const sent = await this.send(
      '/slack/events',
      body.toString(),
      'application/x-www-form-urlencoded',
      options.sign,
    );
    return { ...sent, triggerId, responseUrl };
  }

  async interactive(payload: Record<string, unknown>, sign?: SignOptions): Promise<SentRequest> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send('/slack/events', body, 'application/x-www-form-urlencoded', sign);
  }

  /**
   * A button (or select) press on a message: the card's own action id and value. The message must be one the
   * fake holds (posted or ephemeral), so replacing it works as in Slack.
   */
  async pressOnMessage(
    message: { channel: string; ts: string; ephemeral?: boolean; blocks?: unknown[] },
    action: { actionId: string; value?: string; blockId?: string },
    options: { user?: string; sign?: SignOptions } = {},
  ): Promise<SentRequest> {
    const user = options.user ?? this.defaults.userId;
    const triggerId = this.fake.issueTriggerId(user);
    const responseUrl = this.fake.issueResponseUrl({
      channel: message.channel,
      messageTs: message.ts,
      userId: user,
    });
    const sent = await this.interactive(
      {
        type: 'block_actions',
        team: { id: this.defaults.teamId, domain: 'caseops' },
        user: {
          id: user,
          username: user.toLowerCase(),
          name: user.toLowerCase(),
          team_id: this.defaults.teamId,
        },
        api_app_id: 'ACASEOPS',
        token: 'legacy-verification-token',
        container: {
          type: 'message',
          message_ts: message.ts,
          channel_id: message.channel,
          is_ephemeral: Boolean(message.ephemeral),
        },
        trigger_id: triggerId,
        channel: { id: message.channel, name: 'noc' },
        message: message.ephemeral
          ? undefined
          : { type: 'message', ts: message.ts, text: '', blocks: message.blocks ?? [] },
        response_url: responseUrl,
        actions: [
          {
            type: 'button',
            action_id: action.actionId,
            block_id: action.blockId ?? 'case_actions',
            value: action.value,
            text: { type: 'plain_text', text: 'button' },
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      },
      options.sign,
    );
    return { ...sent, triggerId, responseUrl };
  }

  /** A press inside a modal or App Home (no message, no response_url). */
  async pressInView(
    view: { id: string; type?: 'modal' | 'home'; callback_id?: string; private_metadata?: string },
    action: { actionId: string; value?: string; selected?: string; blockId?: string },
    options: { user?: string } = {},
  ): Promise<SentRequest> {
    const user = options.user ?? this.defaults.userId;
    const triggerId = this.fake.issueTriggerId(user);
    const element =
      action.selected !== undefined
        ? {
            type: 'static_select',
            selected_option: { value: action.selected, text: { type: 'plain_text', text: action.selected } },
          }
        : { type: 'button', value: action.value, text: { type: 'plain_text', text: 'button' } };
    const sent = await this.interactive({
      type: 'block_actions',
      team: { id: this.defaults.teamId, domain: 'caseops' },
      user: {
        id: user,
        username: user.toLowerCase(),
        name: user.toLowerCase(),
        team_id: this.defaults.teamId,
      },
      api_app_id: 'ACASEOPS',
      token: 'legacy-verification-token',
      container: { type: 'view', view_id: view.id },
      trigger_id: triggerId,
      view: {
        id: view.id,
        type: view.type ?? 'modal',
        callback_id: view.callback_id ?? '',
        private_metadata: view.private_metadata ?? '',
        state: { values: {} },
        hash: 'h',
      },
      actions: [
        {
          ...element,
          action_id: action.actionId,
          block_id: action.blockId ?? 'vendor',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
    return { ...sent, triggerId };
  }

  /**
   * Submits a modal with the given input values (block id → value): a view id submits the view as the fake
   * holds it now; a view (a snapshot) submits it as it was then — what a second click on a form that has
   * since changed sends.
   */
  async submitView(
    viewOrId: FakeView | string,
    values: Record<string, StateValue>,
    options: { user?: string; sign?: SignOptions } = {},
  ): Promise<SentRequest> {
    const stored = typeof viewOrId === 'string' ? this.fake.views.get(viewOrId) : viewOrId;
    if (!stored) throw new Error(`the fake holds no view ${String(viewOrId)}`);
    const user = options.user ?? this.defaults.userId;
    const state: Record<string, Record<string, StateValue>> = {};
    for (const [blockId, value] of Object.entries(values)) state[blockId] = { value };
    return this.interactive(
      {
        type: 'view_submission',
        team: { id: this.defaults.teamId, domain: 'caseops' },
        user: {
          id: user,
          username: user.toLowerCase(),
          name: user.toLowerCase(),
          team_id: this.defaults.teamId,
        },
        api_app_id: 'ACASEOPS',
        token: 'legacy-verification-token',
        trigger_id: this.fake.issueTriggerId(user),
        view: {
          ...stored.view,
          id: stored.id,
          hash: stored.hash,
          root_view_id: stored.rootId,
          team_id: this.defaults.teamId,
          app_id: 'ACASEOPS',
          bot_id: this.fake.botId,
          state: { values: state },
        },
        response_urls: [],
      },
      options.sign,
    );
  }

  /** The message shortcut on a message in a channel. */
  async messageShortcut(
    callbackId: string,
    message: { text: string; ts: string; user?: string; threadTs?: string },
    options: { user?: string; channel?: string } = {},
  ): Promise<SentRequest> {
    const user = options.user ?? this.defaults.userId;
    const channel = options.channel ?? this.defaults.channelId;
    const triggerId = this.fake.issueTriggerId(user);
    const responseUrl = this.fake.issueResponseUrl({ channel, userId: user });
    const sent = await this.interactive({
      type: 'message_action',
      callback_id: callbackId,
      team: { id: this.defaults.teamId, domain: 'caseops' },
      user: { id: user, name: user.toLowerCase(), team_id: this.defaults.teamId },
      channel: { id: channel, name: 'noc' },
      message: {
        type: 'message',
        user: message.user ?? 'UBOB',
        ts: message.ts,
        text: message.text,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      message_ts: message.ts,
      response_url: responseUrl,
      trigger_id: triggerId,
      token: 'legacy-verification-token',
      action_ts: `${Date.now() / 1000}`,
    });
    return { ...sent, triggerId, responseUrl };
  }

  /** An Events API callback; `retryNum` sets Slack's redelivery headers. */
  async event(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number } = {},
  ): Promise<SentRequest> {
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: this.defaults.teamId,
      api_app_id: 'ACASEOPS',
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
      authorizations: [{ team_id: this.defaults.teamId, user_id: this.fake.botUserId, is_bot: true }],
    });
    const headers: Record<string, string> = {};
    if (options.retryNum) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return this.send('/slack/events', body, 'application/json', { headers });
  }
}
