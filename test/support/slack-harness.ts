/**
 * The whole app as Slack sees it, for tests: the real Bolt app on its HTTP receiver on loopback (port 0), the
 * Web API pointed at the fake Slack server, the real store (SQLite in a temp folder), and the real vendor
 * adapters pointed at the four vendor simulators.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { channelCardRenderer } from '../../src/compose/app.js';
import { createSlackPolicyGate, type PolicyMetrics } from '../../src/compose/policy-gate.js';
import { createStatusTracking, type StatusTracking } from '../../src/compose/status-tracking.js';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import type { AccessPolicy } from '../../src/domain/policy.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import { type Logger, silentLogger } from '../../src/logging/logger.js';
import { traceStore } from '../../src/observability/store-tracing.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { type FakeChannel, FakeSlackApi, type FakeUserGroup } from '../../src/playground/fake-slack-api.js';
import { createSlackApp, type ExtraRoute, type SlackApp } from '../../src/slack/app.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';
import { SlackChannelMembership } from '../../src/slack/channel-membership.js';
import { SlackGateway } from '../../src/slack/gateway.js';
import type { SlackMetrics } from '../../src/slack/metrics.js';
import { createNotifierWebClient } from '../../src/slack/notifier.js';
import { webClientOptions } from '../../src/slack/web-client.js';
import { createStore, type Store } from '../../src/store/index.js';
import { type CiscoSimulator, createCiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import type { VendorDeps } from '../../src/vendors/deps.js';
import { createEquinixSimulator, type EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import { createJuniperSimulator, type JuniperSimulator } from '../../src/vendors/juniper/simulator.js';
import { createMotadataSimulator, type MotadataSimulator } from '../../src/vendors/motadata/simulator.js';
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { SlackClient } from './slack-client.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0CASEOPS';
export const ALICE = 'UALICE01';
export const BOB = 'UBOB0001';
export const NO_EMAIL = 'UNOMAIL1';
/** A channel everyone (and the bot) is in. */
export const NOC = 'CNOC0001';
/** A private channel the bot was not invited to: it can neither see nor post in it. */
export const NOT_JOINED = 'GPRIV001';
export const DM = 'DALICE01';
/** An Equinix ticket code the simulator refuses (its code list drifted). */
export const RETIRED_CODE = '0999-0999';

/** Rate budgets far above the production defaults, so tests are not paced like a real vendor account. */
export const FAST_BUDGETS = {
  EQUINIX_RATE_PER_SECOND: '500',
  CISCO_RATE_PER_SECOND: '500',
  JUNIPER_RATE_PER_SECOND: '500',
  MOTADATA_RATE_PER_SECOND: '500',
};

export interface Simulators {
  equinix: EquinixSimulator;
  cisco: CiscoSimulator;
  juniper: JuniperSimulator;
  motadata: MotadataSimulator;
}

export interface Harness {
  fake: FakeSlackApi;
  slack: SlackClient;
  app: SlackApp;
  store: Store;
  vendors: VendorRegistry;
  sims: Simulators;
  /** With `digests: true`: the scheduler and poller. */
  tracking?: StatusTracking;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Vendors to configure (default: all four). */
  vendors?: VendorId[];
  vendorTimeoutMs?: number;
  logger?: Logger;
  /** A PostgreSQL URL for the store instead of SQLite in a temp folder. */
  databaseUrl?: string;
  /** Wraps the store the app gets (after migration), e.g. to slow it down or watch its calls. */
  wrapStore?: (store: Store) => Store;
  metrics?: SlackMetrics;
  /** Vendor call and token hooks (e.g. CaseopsMetrics' vendorCallObserver). */
  vendorHooks?: Pick<VendorDeps, 'onCall' | 'onTokenRefresh'>;
  /**
   * The access policy: the app gets createSlackPolicyGate's gate as `policy` and `authorize`, as main.ts
   * builds it. `policyMetrics` hears its decisions.
   */
  policy?: AccessPolicy;
  policyMetrics?: PolicyMetrics;
  /** More channels for the fake workspace (besides #noc and the bot-less private #war-room). */
  channels?: FakeChannel[];
  /** Slack user groups the fake serves through usergroups.users.list. */
  userGroups?: FakeUserGroup[];
  /** The real scheduler and digest runner behind `/case digest` (started with the app, stopped with it). */
  digests?: boolean;
  /** More routes on the app's HTTP server (/metrics, /readyz), built once the store and vendors exist. */
  routes?: (built: { store: Store; vendors: VendorRegistry }) => ExtraRoute[];
  /** Spans for the app, vendors, store and scheduler, wired as main.ts wires them. */
  tracing?: Tracing;
  /** The clock of the store, the use cases and the scheduler's runs (a controlled one in nudge tests). */
  clock?: Clock;
  /** More environment variables (portal templates such as CISCO_CASE_URL, a tight vendor budget), read after the harness's own. */
  env?: Record<string, string>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-slack-'));
  const sims: Simulators = {
    equinix: createEquinixSimulator({ retiredCodes: [RETIRED_CODE] }),
    cisco: createCiscoSimulator(),
    juniper: createJuniperSimulator(),
    motadata: createMotadataSimulator(),
  };
  const wanted = new Set(options.vendors ?? (['equinix', 'cisco', 'juniper', 'motadata'] as VendorId[]));
  for (const sim of Object.values(sims)) await sim.start();
  const vendorEnv = Object.assign({}, ...[...wanted].map((v) => sims[v].env())) as Record<string, string>;

  const fake = new FakeSlackApi({
    botToken: 'xoxb-test-bot-token',
    teamId: TEAM,
    users: [
      {
        id: ALICE,
        name: 'alice',
        realName: 'Alice Ops',
        firstName: 'Alice',
        lastName: 'Ops',
        email: 'alice@example.com',
        tz: 'Europe/Amsterdam',
      },
      {
        id: BOB,
        name: 'bob',
        realName: 'Bob Noc',
        firstName: 'Bob',
        lastName: 'Noc',
        email: 'bob@example.com',
        tz: 'America/New_York',
      },
      { id: NO_EMAIL, name: 'guest', realName: 'Guest' },
    ],
    channels: [
      { id: NOC, name: 'noc', members: [ALICE, BOB, NO_EMAIL] },
      { id: NOT_JOINED, name: 'war-room', members: [ALICE], botIsMember: false, isPrivate: true },
      ...(options.channels ?? []),
    ],
    userGroups: options.userGroups,
  });
  await fake.start();

  const logger = options.logger ?? silentLogger;
  const env = loadEnv({
    ...vendorEnv,
    VENDOR_TIMEOUT_MS: String(options.vendorTimeoutMs ?? 2000),
    ...FAST_BUDGETS,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  });
  const vendors = createVendorRegistry(env, { logger, ...options.vendorHooks, tracing: options.tracing });
  const clock = options.clock;
  const now = clock ? () => new Date(clock.now()) : undefined;
  const openedStore = await createStore({ dataDir, databaseUrl: options.databaseUrl, logger, now });
  await openedStore.migrate();
  const store = options.tracing ? traceStore(openedStore, options.tracing) : openedStore;
  const gate = options.policy
    ? createSlackPolicyGate(options.policy, { config: env, logger, metrics: options.policyMetrics })
    : undefined;
  const tracking = options.digests
    ? createStatusTracking({
        env,
        store,
        vendors,
        slackClient: createNotifierWebClient({ token: fake.botToken, slackApiUrl: env.SLACK_API_URL }),
        logger,
        tracing: options.tracing,
        clock,
      })
    : undefined;
  const useCases = createUseCases({
    store: options.wrapStore ? options.wrapStore(store) : store,
    vendors,
    logger,
    policy: gate,
    digests: tracking?.scheduler,
    // As composeApp wires it: the operator's floor under channel digest schedules.
    digestMinIntervalMs: env.DIGEST_MIN_INTERVAL,
    // As composeApp wires it: channel membership through the Web API, cached on the Slack side.
    channels: new SlackChannelMembership(
      new SlackGateway(
        new webApi.WebClient(fake.botToken, { ...webClientOptions(env, 3000), logger: boltLogger(logger) }),
        logger,
      ),
    ),
    now,
  });
  const app = createSlackApp({
    config: env,
    useCases,
    logger,
    botId: fake.botId,
    botUserId: fake.botUserId,
    webApiTimeoutMs: 3000,
    metrics: options.metrics,
    routes: options.routes?.({ store, vendors }),
    tracing: options.tracing,
  });
  // As the composition root does: posted cards follow what the poller sees.
  tracking?.enableCardUpdates(useCases.cards, channelCardRenderer(useCases));
  tracking?.subscriptionDms.checkReadsWith((userId, cases) => useCases.home.readableBy(userId, cases));
  const { port } = await app.start(0);
  await tracking?.start();
  const slack = new SlackClient(`http://127.0.0.1:${port}`, SIGNING_SECRET, fake, {
    teamId: TEAM,
    userId: ALICE,
    channelId: NOC,
  });
  const started = app;
  return {
    fake,
    slack,
    app: started,
    store,
    vendors,
    sims,
    tracking,
    async stop() {
      await tracking?.stop();
      await started.stop();
      await vendors.close();
      await store.close();
      await fake.stop();
      await Promise.allSettled(Object.values(sims).map((s) => s.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends `/case <text>` and waits until the modal it opened shows the form `callbackId`; returns a snapshot of
 * that view (the fake keeps changing its own copy as the app updates the modal).
 */
export async function openedForm(h: Harness, text: string, callbackId = 'open_case', user = ALICE) {
  const sent = await h.slack.command(text, { user });
  const opened = await h.fake.waitForCall('views.open', (c) => c.args.trigger_id === sent.triggerId);
  const id = viewIdOf(h, sent.triggerId);
  if (!id) throw new Error(`views.open for "${text}" failed: ${opened.outcome}`);
  const view = await h.fake.waitFor(() => {
    const current = h.fake.views.get(id);
    return current && current.view.callback_id === callbackId ? current : undefined;
  }, `the ${callbackId} form`);
  return structuredClone(view);
}

function viewIdOf(h: Harness, triggerId: string | undefined): string | undefined {
  return [...h.fake.views.values()].find((v) => v.triggerId === triggerId)?.id;
}

/** The newest view the fake holds for `userId` (the modal the app just opened or updated). */
export function latestView(fake: FakeSlackApi, userId = ALICE) {
  const views = [...fake.views.values()].filter((v) => v.userId === userId && !v.closed);
  const view = views.at(-1);
  if (!view) throw new Error(`no open view for ${userId}`);
  return view;
}

/** All text in a list of blocks, for asserting on what a person reads. */
export function blockText(value: unknown): string {
  if (Array.isArray(value)) return value.map(blockText).join('\n');
  if (value === null || typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  const own = typeof record.text === 'string' ? record.text : '';
  return [
    own,
    ...Object.entries(record)
      .filter(([k]) => k !== 'text' || typeof record.text !== 'string')
      .map(([, v]) => blockText(v)),
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A store whose every call waits `delayMs` first while `enabled`: a handler that touched the database before
 * acknowledging would answer Slack that much later.
 */
export function slowStore(store: Store, delayMs: number): { store: Store; slow: { enabled: boolean } } {
  const slow = { enabled: false };
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (slow.enabled) await sleep(delayMs);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, slow };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
