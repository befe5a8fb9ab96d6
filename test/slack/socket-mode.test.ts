/**
 * Socket Mode end to end: the real Bolt app with its SocketModeReceiver connects to the fake Slack's Socket
 * Mode server (apps.connections.open with the app-level token, then a WebSocket), answers commands delivered
 * as envelopes with acks by envelope id, and serves /healthz on PORT though Slack needs no URL of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createEquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { ALICE, blockText, FAST_BUDGETS, NOC } from '../support/slack-harness.js';

const fake = new FakeSlackApi({
  botToken: 'xoxb-socket-bot',
  appToken: 'xapp-1-socket-app',
  users: [{ id: ALICE, name: 'alice', email: 'alice@example.com' }],
  channels: [{ id: NOC, name: 'noc', members: [ALICE] }],
});
const equinix = createEquinixSimulator();
let dataDir: string;
let store: Store;
let vendors: VendorRegistry;
let slackApp: SlackApp;
let port: number;

beforeAll(async () => {
  await fake.start();
  await equinix.start();
  dataDir = mkdtempSync(join(tmpdir(), 'caseops-socket-'));
  store = await createStore({ dataDir, logger: silentLogger });
  await store.migrate();
  const env = loadEnv({
    ...equinix.env(),
    ...FAST_BUDGETS,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_APP_TOKEN: fake.appToken,
    SLACK_API_URL: fake.url,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  vendors = createVendorRegistry(env, { logger: silentLogger });
  slackApp = createSlackApp({
    config: env,
    useCases: createUseCases({ store, vendors, logger: silentLogger }),
    logger: silentLogger,
    botId: fake.botId,
    botUserId: fake.botUserId,
  });
  expect(slackApp.mode).toBe('socket');
  expect(slackApp.isReady()).toBe(false);
  ({ port } = await slackApp.start(0));
});

afterAll(async () => {
  await slackApp?.stop();
  await vendors?.close();
  await store?.close();
  await equinix.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function command(text: string) {
  return {
    token: 'legacy',
    team_id: fake.teamId,
    channel_id: NOC,
    channel_name: 'noc',
    user_id: ALICE,
    user_name: 'alice',
    command: '/case',
    text,
    api_app_id: 'ACASEOPS',
    response_url: fake.issueResponseUrl({ channel: NOC, userId: ALICE }),
    trigger_id: fake.issueTriggerId(ALICE),
  };
}

it('connects with the app-level token and serves /healthz on PORT once ready', async () => {
  expect(fake.callsTo('apps.connections.open')).toEqual([
    expect.objectContaining({ token: fake.appToken, outcome: 'ok' }),
  ]);
  expect(fake.socketMode.connected).toBe(1);
  const res = await request(`http://127.0.0.1:${port}/healthz`);
  expect(res.statusCode).toBe(200);
  expect(await res.body.json()).toEqual({ ok: true });
  expect((await request(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).statusCode).toBe(404);
});

it('answers a slash command delivered over the socket: ack by envelope, then the card by response_url', async () => {
  const id = equinix.seed({ description: 'Socket mode lookup' });
  const payload = command(`show eqx ${id}`);
  await fake.socketMode.deliver('slash_commands', payload);
  const reply = await fake.waitForResponse((r) => payload.response_url.endsWith(r.id));
  expect(blockText(reply.body.blocks)).toContain('Socket mode lookup');
});

it('a usage problem is the ack’s own payload', async () => {
  const ack = (await fake.socketMode.deliver('slash_commands', command('frobnicate'))) as { text?: string };
  expect(ack.text).toContain('"frobnicate" is not a /case subcommand');
});

it('a modal submission over the socket gets its response_action in the ack', async () => {
  const sent = command('open eqx');
  await fake.socketMode.deliver('slash_commands', sent);
  const view = await fake.waitFor(() => {
    const v = [...fake.views.values()].find((x) => x.triggerId === sent.trigger_id);
    return v?.view.callback_id === 'open_case' ? structuredClone(v) : undefined;
  }, 'form');
  const ack = (await fake.socketMode.deliver('interactive', {
    type: 'view_submission',
    team: { id: fake.teamId, domain: 'caseops' },
    user: { id: ALICE, name: 'alice' },
    api_app_id: 'ACASEOPS',
    token: 'legacy',
    trigger_id: fake.issueTriggerId(ALICE),
    view: {
      ...view.view,
      id: view.id,
      hash: view.hash,
      state: { values: { code: { value: { type: 'plain_text_input', value: 'nope' } } } },
    },
  })) as { response_action?: string; errors?: Record<string, string> };
  expect(ack.response_action).toBe('errors');
  expect(ack.errors?.code).toMatch(/Ticket code must look like/);
});
