/**
 * Playground mode: caseops on a machine with no Slack workspace and no vendor account. The real app runs in
 * HTTP mode against a fake Slack Web API in this process, the vendor simulators stand in for the vendors,
 * and a small Slack-like page at GET / lets a person use it: commands, buttons, modals, App Home, and a
 * panel to move the simulated cases along.
 *
 * Composition (src/main.ts): `startPlayground` before the app (its `slack` config goes to createSlackApp and
 * its `routes` onto the app's HTTP receiver), `attach` once the app listens, `stop` before the app stops.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { OpsRoute } from '../observability/ops-server.js';
import type { Sandbox, SandboxOptions } from '../vendors/sandbox.js';
import { AppRequests } from './app-requests.js';
import { FakeSlackApi } from './fake-slack-api.js';
import { createPlaygroundRoutes } from './routes.js';
import {
  PLAYGROUND_BOT,
  PLAYGROUND_CHANNELS,
  PLAYGROUND_ME,
  PLAYGROUND_SEED_MESSAGES,
  PLAYGROUND_TEAM,
  PLAYGROUND_TEAMMATE,
} from './seed.js';
import { manifestUnfurlDomains } from './unfurl-domains.js';
import { type PlaygroundHooks, PlaygroundWorkspace } from './workspace.js';

export { playgroundPortalPages } from './unfurl-domains.js';
export type { PlaygroundHooks } from './workspace.js';

/**
 * The sandbox the playground wants: cases move only when the person says so (the simulators panel's
 * Advance, or its automatic advance once turned on), never behind their back.
 */
export const PLAYGROUND_SANDBOX_OPTIONS: SandboxOptions = { autoAdvanceMs: 0 };

/**
 * Where the playground listens, whatever HOST says: the page acts as a signed-in person and its API needs
 * no credential, so it is never reachable from another machine.
 */
export const PLAYGROUND_HOST = '127.0.0.1';

export interface Playground {
  /** Config for createSlackApp: a generated xoxb- token and signing secret, SLACK_API_URL pointing at the fake Web API. */
  slack: {
    SLACK_BOT_TOKEN: string;
    SLACK_SIGNING_SECRET: string;
    SLACK_API_URL: string;
    botId: string;
    botUserId: string;
  };
  /** Mounted by main on the app's HTTP receiver (same PORT): GET / (the page), its static assets, the page's JSON API. */
  routes: OpsRoute[];
  /** Called once the app listens: where to send signed requests (http://127.0.0.1:<port>/slack/events), and hooks. */
  attach(appEventsUrl: string, hooks: PlaygroundHooks): void;
  stop(): Promise<void>;
  /** The workspace behind the page (tests drive it directly). */
  readonly workspace: PlaygroundWorkspace;
  /** The fake Web API and everything the app called on it (tests). */
  readonly fake: FakeSlackApi;
}

export interface PlaygroundOptions {
  /** Started with PLAYGROUND_SANDBOX_OPTIONS; the playground adds its own cases to it (seed.ts). */
  sandbox: Sandbox;
  logger: Logger;
  /** How often the panel's automatic advance moves the cases once turned on (default: once a minute). */
  autoAdvanceEveryMs?: number;
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const logger = options.logger.child({ component: 'playground' });
  // Read before anything starts: a manifest that cannot be read stops the playground with its name.
  const unfurlDomains = manifestUnfurlDomains();
  const botToken = `xoxb-playground-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(32).toString('hex');
  const fake = new FakeSlackApi({
    botToken,
    botUserId: PLAYGROUND_BOT.userId,
    botId: PLAYGROUND_BOT.botId,
    teamId: PLAYGROUND_TEAM.id,
    users: [PLAYGROUND_ME, PLAYGROUND_TEAMMATE],
    channels: PLAYGROUND_CHANNELS,
  });
  await fake.start(0, '127.0.0.1');
  const requests = new AppRequests(signingSecret);
  const workspace = new PlaygroundWorkspace({
    fake,
    requests,
    sandbox: options.sandbox,
    logger,
    autoAdvanceEveryMs: options.autoAdvanceEveryMs,
    unfurlDomains,
  });
  for (const seed of PLAYGROUND_SEED_MESSAGES) workspace.seedMessage(seed.channel, seed.user, seed.text);
  let http: ReturnType<typeof createPlaygroundRoutes>;
  try {
    http = createPlaygroundRoutes(workspace, logger);
  } catch (error) {
    await fake.stop();
    throw error;
  }

  return {
    slack: {
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.apiUrl,
      botId: PLAYGROUND_BOT.botId,
      botUserId: PLAYGROUND_BOT.userId,
    },
    routes: http.routes,
    attach(appEventsUrl, hooks) {
      workspace.attach(appEventsUrl, hooks);
      logger.debug({ appEventsUrl }, 'playground attached to the app');
    },
    async stop() {
      workspace.stop();
      http.closeStreams();
      await fake.stop();
    },
    workspace,
    fake,
  };
}
