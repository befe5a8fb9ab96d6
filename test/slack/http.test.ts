/**
 * The HTTP receiver as Slack meets it: only genuinely signed, fresh requests are processed (401 otherwise),
 * /healthz answers once the app is up, and every handler acknowledges before any vendor or database I/O —
 * proved with a vendor simulator and a store that each take 1.5 s per call.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUseCases } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createSlackApp } from '../../src/slack/app.js';
import { VendorRegistry } from '../../src/vendors/registry.js';
import { input } from '../support/slack-client.js';
import { type Harness, NOC, openedForm, slowStore, startHarness } from '../support/slack-harness.js';

let h: Harness;
let slow: { enabled: boolean };
const SLOW_MS = 1500;
/** Far below the slow calls: an ack this fast cannot have waited for one. */
const ACK_BUDGET_MS = 1000;

beforeAll(async () => {
  h = await startHarness({
    vendorTimeoutMs: 5000,
    wrapStore: (store) => {
      const wrapped = slowStore(store, SLOW_MS);
      slow = wrapped.slow;
      return wrapped.store;
    },
  });
});
afterAll(async () => {
  slow.enabled = false;
  await h?.stop();
});

describe('request signatures', () => {
  const vendorCalls = () => h.sims.equinix.requests.length;

  it.each([
    ['unsigned', () => ({ unsigned: true })],
    ['signed five minutes and ten seconds ago', () => ({ timestamp: Math.floor(Date.now() / 1000) - 310 })],
    ['dated five minutes and ten seconds ahead', () => ({ timestamp: Math.floor(Date.now() / 1000) + 310 })],
    ['tampered after signing', () => ({ tamper: (body: string) => body.replace('show', 'note') })],
    ['signed with another secret', () => ({ signature: `v0=${'0'.repeat(64)}` })],
  ])('refuses a request %s with 401 and does nothing', async (_what, signOptions) => {
    const sign = signOptions();
    const id = h.sims.equinix.seed();
    const before = vendorCalls();
    const responsesBefore = h.fake.responses.length;
    const sent = await h.slack.command(`show eqx ${id}`, { sign });
    expect(sent.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(vendorCalls()).toBe(before);
    expect(h.fake.responses.length).toBe(responsesBefore);
  });

  it('refuses a tampered interaction payload too', async () => {
    const sent = await h.slack.interactive(
      {
        type: 'block_actions',
        actions: [{ action_id: 'case.refresh', value: '{"v":"equinix","id":"11150929"}' }],
      },
      { tamper: (body) => `${body}x` },
    );
    expect(sent.status).toBe(401);
  });

  it('accepts the same request correctly signed', async () => {
    const sent = await h.slack.command('help');
    expect(sent.status).toBe(200);
  });
});

describe('/healthz', () => {
  it('answers 200 once the app is ready', async () => {
    const res = await request(`${h.slack.appUrl}/healthz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ ok: true });
    expect(h.app.isReady()).toBe(true);
  });

  it('chooses Socket Mode when an app-level token is set, HTTP mode otherwise', () => {
    const base = {
      PORT: 0,
      HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_API_URL: h.fake.url,
    } as const;
    const useCases = createUseCases({
      store: h.store,
      vendors: new VendorRegistry([]),
      logger: silentLogger,
    });
    const socket = createSlackApp({
      config: { ...base, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: undefined },
      useCases,
      logger: silentLogger,
      botId: 'B1',
      botUserId: 'U1',
    });
    const http = createSlackApp({
      config: { ...base, SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: 'secret' },
      useCases,
      logger: silentLogger,
      botId: 'B1',
      botUserId: 'U1',
    });
    expect([socket.mode, http.mode]).toEqual(['socket', 'http']);
    expect(() =>
      createSlackApp({
        config: loadEnv({ PORT: '0' }),
        useCases,
        logger: silentLogger,
        token: 'xoxb-1',
      }),
    ).toThrow(/SLACK_SIGNING_SECRET is required in HTTP mode/);
  });
});

describe('ack first: no vendor or database I/O before the ack', () => {
  const fastAck = (sent: { status: number; elapsedMs: number }) => {
    expect(sent.status).toBe(200);
    expect(sent.elapsedMs).toBeLessThan(ACK_BUDGET_MS);
  };

  async function slowly<T>(work: () => Promise<T>): Promise<T> {
    h.sims.equinix.latencyMs = SLOW_MS;
    slow.enabled = true;
    try {
      return await work();
    } finally {
      slow.enabled = false;
      h.sims.equinix.latencyMs = 0;
    }
  }

  it('slash commands that look a case up, write a note, watch or list watches', async () => {
    const id = h.sims.equinix.seed();
    for (const text of [`show eqx ${id}`, `note eqx ${id} on site`, `watch eqx ${id}`, 'watching']) {
      const sent = await slowly(() => h.slack.command(text));
      fastAck(sent);
    }
    // The work still completes, after the ack: the card arrives.
    const card = await h.fake.waitForResponse((r) => JSON.stringify(r.body).includes('case.refresh'), 15_000);
    expect(card.outcome).toBe('ok');
  });

  it('a modal submission answers "Submitting…" at once and calls the vendor afterwards', async () => {
    const view = await openedForm(h, 'open eqx');
    const creates = () =>
      h.sims.equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets').length;
    const before = creates();
    const submitted = await slowly(async () => {
      const s = await h.slack.submitView(view.id, {
        code: input.text('0100-0200'),
        description: input.text('Cross connect down'),
        primaryId: input.text('CC-SV5-1'),
        secondaryId: input.text(null),
        occurredAt: input.datetime(null),
        notificationContacts: input.users([]),
      });
      // The vendor had not been called when Slack got its answer.
      expect(creates()).toBe(before);
      return s;
    });
    fastAck(submitted);
    expect(submitted.json).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(submitted.json)).toContain('Sending to Equinix');
  });

  it('buttons on a posted card (refresh, watch, post) and the message shortcut', async () => {
    const id = h.sims.equinix.seed();
    const posted = h.fake.messagesIn(NOC).length;
    const show = await h.slack.command(`show eqx ${id}`);
    const reply = await h.fake.waitForResponse((r) => r.id === show.responseUrl?.split('/').at(-1));
    expect(reply.outcome).toBe('ok');
    const card = h.fake.messages.filter((m) => m.channel === NOC && m.visibleTo).at(-1)!;
    const value = JSON.stringify({ v: 'equinix', id });
    for (const actionId of ['case.refresh', 'case.watch', 'case.post']) {
      const sent = await slowly(() =>
        h.slack.pressOnMessage({ channel: NOC, ts: card.ts, ephemeral: true }, { actionId, value }),
      );
      fastAck(sent);
    }
    const shortcut = await slowly(() =>
      h.slack.messageShortcut('open_vendor_case', { text: 'BGP down', ts: '1700000000.000100' }),
    );
    fastAck(shortcut);
    await h.fake.waitFor(
      () => (h.fake.messagesIn(NOC).length > posted ? true : undefined),
      'the posted card',
      15_000,
    );
  });

  it('App Home (events are acknowledged before the listener runs)', async () => {
    const sent = await slowly(() =>
      h.slack.event({ type: 'app_home_opened', user: 'UALICE01', tab: 'home', channel: 'DALICE01' }),
    );
    fastAck(sent);
  });
});
