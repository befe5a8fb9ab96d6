/**
 * What every part of the playground's workspace shares: the fake Web API holding what the app did, the
 * signed requests to the app, the change notifications the page listens to, and the small lookups every
 * interaction needs (a channel's name, a message still shown, a modal still open).
 */
import type { Logger } from '../logging/logger.js';
import { type AppAnswer, type AppRequests, AppUnreachableError } from './app-requests.js';
import type { FakeMessage, FakeSlackApi, FakeView } from './fake-slack-api.js';
import { PLAYGROUND_ME, PLAYGROUND_TEAM } from './seed.js';

type Json = Record<string, unknown>;

export const SLACKBOT_ID = 'USLACKBOT';

/** Something the person asked for that the playground refuses (unknown channel, stale button): HTTP 400. */
export class PlaygroundInputError extends Error {
  override name = 'PlaygroundInputError';
}

export const me = PLAYGROUND_ME;

export function userPayload(): Json {
  return { id: me.id, username: me.name, name: me.name, team_id: PLAYGROUND_TEAM.id };
}

export function teamPayload(): Json {
  return { id: PLAYGROUND_TEAM.id, domain: PLAYGROUND_TEAM.domain };
}

export class WorkspaceCore {
  private readonly listeners = new Set<() => void>();
  /** Field errors of a submitted view, valid while the view keeps the hash it had. */
  readonly viewErrors = new Map<string, { hash: string; errors: Record<string, string> }>();
  readonly dismissed = new Set<string>();
  /** Numbers the events sent to the app (app_home_opened), for their event ids. */
  eventCounter = 0;
  private version = 0;

  constructor(
    readonly fake: FakeSlackApi,
    readonly requests: AppRequests,
    readonly logger: Logger,
    /** The manifests' unfurl domains: links of these reach the app as link_shared. */
    readonly unfurlDomains: readonly string[],
  ) {
    this.fake.onChange(() => this.changed());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  get currentVersion(): number {
    return this.version;
  }

  get dmChannel(): string {
    return `D${me.id.slice(1)}`;
  }

  channelName(channel: string): string {
    if (channel === this.dmChannel) return 'directmessage';
    const known = this.fake.channels.get(channel);
    if (!known) throw new PlaygroundInputError(`no channel ${channel} in the playground`);
    return known.name;
  }

  visible(m: FakeMessage): boolean {
    return (
      (m.visibleTo === undefined || m.visibleTo === me.id) && !this.dismissed.has(`${m.channel}:${m.ts}`)
    );
  }

  messageAt(channel: string, ts: string): FakeMessage {
    const message = this.fake.messages.find((m) => m.channel === channel && m.ts === ts && this.visible(m));
    if (!message) throw new PlaygroundInputError('that message is gone');
    return message;
  }

  openView(viewId: string): FakeView {
    const view = this.fake.views.get(viewId);
    if (!view || view.closed || view.userId !== me.id)
      throw new PlaygroundInputError('that window is closed');
    return view;
  }

  /** A Slackbot line only the person sees, as Slack answers a failed command. */
  slackbotSays(channel: string, text: string): void {
    this.fake.addMessage({ channel, user: SLACKBOT_ID, visibleTo: me.id, text });
  }

  /**
   * Sends a request to the app; a failure to answer is shown the way Slack shows it (`onFailure` gets
   * Slack's error word) and resolves to undefined.
   */
  async send(
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
}
