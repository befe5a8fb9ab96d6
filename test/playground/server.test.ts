/**
 * The playground's server side against the real app: the page's API turns what a person does into signed
 * Slack requests, and what the app did (recorded by the fake Web API) into the state the page shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { AppRequests } from '../../src/playground/app-requests.js';
import { startPlayground } from '../../src/playground/index.js';
import type { PlaygroundState, ShownMessage } from '../../src/playground/workspace.js';
import { startSandbox } from '../../src/vendors/sandbox.js';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';
import { pageApi } from './page-api.js';

let instance: PlaygroundInstance;
const { call, ok, state, eventually } = pageApi(() => instance);

beforeAll(async () => {
  instance = await startPlaygroundInstance();
}, 30_000);

afterAll(async () => {
  await instance?.stop();
});

/** Waits until `probe` finds something in the state the page would fetch. */

const lastIn = (channel: string, predicate: (m: ShownMessage) => boolean) => (s: PlaygroundState) =>
  (s.messages[channel] ?? []).filter(predicate).at(-1);

const textOf = (m: ShownMessage) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;

describe('the page', () => {
  it('serves the page and its files from the app, with a strict content security policy', async () => {
    const page = await fetch(instance.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    for (const asset of ['/playground/assets/app.js', '/playground/assets/style.css']) {
      expect(html).toContain(asset);
      const file = await fetch(new URL(asset, instance.url));
      expect(file.status).toBe(200);
    }
    const renderer = await fetch(new URL('/playground/assets/render.js', instance.url));
    expect(renderer.headers.get('content-type')).toContain('text/javascript');
    // Type declarations are not part of the page.
    expect((await fetch(new URL('/playground/assets/render.d.ts', instance.url))).status).not.toBe(200);
    // The app's own routes are untouched.
    expect((await fetch(new URL('/healthz', instance.url))).status).toBe(200);
  });

  it('shows the seeded workspace and never a secret', async () => {
    const response = await fetch(new URL('/playground/state', instance.url));
    const raw = await response.text();
    const s = JSON.parse(raw) as PlaygroundState;
    expect(s.appReady).toBe(true);
    expect(s.channels.map((c) => c.name)).toEqual(['noc', 'datacenter', 'network-oncall']);
    expect(s.me).toMatchObject({ id: 'U0ALEX', tz: 'Europe/Amsterdam' });
    expect(s.messages.C0NOC?.[0]?.text).toContain('BGP to the Equinix IX');
    expect(s.simulators.map((v) => v.vendor)).toEqual(['equinix', 'cisco', 'juniper', 'motadata']);
    expect(raw).not.toContain(instance.playground.slack.SLACK_SIGNING_SECRET);
    expect(raw).not.toContain(instance.playground.slack.SLACK_BOT_TOKEN);
  });

  it('refuses what it cannot do with a reason', async () => {
    expect((await call('command', { channel: 'C0NOWHERE', text: '/case help' })).status).toBe(400);
    expect((await call('command', '{not json')).status).toBe(400);
    // A form post from another site's page is not JSON: refused before anything is done.
    const crossSite = await fetch(new URL('/playground/message', instance.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ channel: 'C0NOC', text: 'from elsewhere' }),
    });
    expect(crossSite.status).toBe(400);
    expect(JSON.stringify((await state()).messages)).not.toContain('from elsewhere');
    const stale = await call('action', {
      surface: { type: 'message', channel: 'C0NOC', ts: '1.000001' },
      blockIndex: 0,
      element: 0,
    });
    expect(stale).toEqual({ status: 400, body: { ok: false, error: 'that message is gone' } });
    expect((await call('simulators/advance', { vendor: 'cisco', id: 'nope' })).status).toBe(400);
    expect((await call('simulators/advance', { vendor: 'toString', id: '1' })).status).toBe(400);
  });
});

describe('commands and messages', () => {
  it('refuses an over-long command or message with the limit in words, sending nothing', async () => {
    const callsBefore = instance.playground.fake.calls.length;
    const command = await call('command', {
      channel: 'C0NOC',
      text: `/case note eqx 11150929 ${'x'.repeat(5000)}`,
    });
    expect(command).toEqual({
      status: 400,
      body: {
        ok: false,
        error:
          'A command can be at most 4,000 characters long; this one has 5,018. Nothing was sent: shorten it and send again.',
      },
    });
    const message = await call('message', { channel: 'C0NOC', text: 'y'.repeat(40_001) });
    expect(message.status).toBe(400);
    expect(message.body.error).toMatch(
      /^A message can be at most 40,000 characters long; this one has 40,001\./,
    );
    expect(instance.playground.fake.calls.length).toBe(callsBefore);
    expect(JSON.stringify((await state()).messages)).not.toContain('yyyyyyyyyy');
  });

  it("posts a person's message as they typed it, encoded as Slack encodes it", async () => {
    await ok('message', { channel: 'C0DATACENTER', text: 'optics <ok> & racked' });
    const mine = await eventually(
      lastIn('C0DATACENTER', (m) => m.author === 'U0ALEX'),
      'my message',
    );
    expect(mine).toMatchObject({ text: 'optics &lt;ok&gt; &amp; racked', ephemeral: false });
  });

  it('sends /case as a signed slash command and shows the answer only to the person', async () => {
    await ok('command', { channel: 'C0NETONCALL', text: '/case help' });
    const help = await eventually(
      lastIn('C0NETONCALL', (m) => textOf(m).includes('/case open')),
      'the help',
    );
    expect(help).toMatchObject({ author: 'U0CASEOPSBOT', ephemeral: true });
    // It went through the response_url Slack gave with the command.
    expect(instance.playground.fake.responses.at(-1)?.outcome).toBe('ok');
  });

  it('shows a problem the app answers in its ack as an ephemeral message', async () => {
    await ok('command', { channel: 'C0NETONCALL', text: '/case frobnicate' });
    const answer = await eventually(
      lastIn('C0NETONCALL', (m) => textOf(m).includes('frobnicate')),
      'the refusal',
    );
    expect(answer.ephemeral).toBe(true);
  });

  it('answers an unknown command the way Slack does', async () => {
    await ok('command', { channel: 'C0NETONCALL', text: '/weather Amsterdam' });
    const slackbot = await eventually(
      lastIn('C0NETONCALL', (m) => m.author === 'USLACKBOT'),
      'Slackbot',
    );
    expect(slackbot).toMatchObject({ ephemeral: true });
    expect(slackbot.text).toContain('`/weather` is not a valid command');
  });

  it('dismisses an ephemeral message', async () => {
    const s = await state();
    const ephemeral = (s.messages.C0NETONCALL ?? []).find((m) => m.ephemeral);
    expect(ephemeral).toBeDefined();
    await ok('dismiss', { channel: 'C0NETONCALL', ts: ephemeral?.ts });
    expect((await state()).messages.C0NETONCALL?.some((m) => m.ts === ephemeral?.ts)).toBe(false);
  });
});

describe('modals', () => {
  it('opens the form, returns field errors from the ack, and opens the case once fixed', async () => {
    await ok('command', { channel: 'C0NOC', text: '/case open equinix' });
    const form = await eventually(
      (s) =>
        s.modal?.blocks.some((b) => (b as { block_id?: string }).block_id === 'code') ? s.modal : undefined,
      'the Equinix form',
    );
    expect(form.title).toMatchObject({ text: 'New Equinix case' });
    const values = {
      code: { value: 'abc' },
      description: { value: 'Optic failing on port 12' },
      primaryId: { value: 'SV5:01:010315' },
      notificationContacts: { value: ['U0ALEX'] },
    };
    const refused = await ok('submit', { viewId: form.id, values });
    expect(refused.result).toBe('errors');
    expect((await state()).modal?.errors.code).toMatch(/Ticket code must look like 0100-0200/);

    const accepted = await ok('submit', {
      viewId: form.id,
      values: { ...values, code: { value: '0100-0200' } },
    });
    expect(accepted.result).toBe('updated');
    const done = await eventually(
      (s) => (JSON.stringify(s.modal?.blocks ?? []).includes('Opened Equinix case') ? s.modal : undefined),
      'the result',
    );
    expect(done.errors).toEqual({});
    const card = await eventually(
      lastIn('C0NOC', (m) => !m.ephemeral && textOf(m).includes('Optic failing on port 12')),
      'the posted card',
    );
    expect(card.author).toBe('U0CASEOPSBOT');

    await ok('close', { viewId: done.id, all: true });
    expect((await state()).modal).toBeNull();
  });

  it("refuses form values that are not among the element's options", async () => {
    await ok('command', { channel: 'C0NOC', text: '/case open motadata' });
    const form = await eventually(
      (s) =>
        s.modal?.blocks.some((b) => (b as { block_id?: string }).block_id === 'impact') ? s.modal : undefined,
      'the Motadata form',
    );
    const answer = await call('submit', { viewId: form.id, values: { impact: { value: 'EVERYTHING' } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('no option "EVERYTHING"');
    await ok('close', { viewId: form.id, all: true });
  });

  it('runs the message shortcut: the vendor picker, then the form pre-filled with the message', async () => {
    const seeded = (await state()).messages.C0NOC?.[0];
    await ok('shortcut', { channel: 'C0NOC', ts: seeded?.ts, callbackId: 'open_vendor_case' });
    const picker = await eventually(
      (s) =>
        s.modal?.blocks.some((b) => (b as { block_id?: string }).block_id === 'vendor') ? s.modal : undefined,
      'the vendor picker',
    );
    const index = picker.blocks.findIndex((b) => (b as { block_id?: string }).block_id === 'vendor');
    // The select is an input that dispatches its action, or a section's accessory.
    const element = (picker.blocks[index] as { type: string }).type === 'input' ? 'input' : 'accessory';
    await ok('action', {
      surface: { type: 'view', viewId: picker.id },
      blockIndex: index,
      element,
      selected: 'equinix',
    });
    const form = await eventually(
      (s) =>
        s.modal?.id === picker.id && JSON.stringify(s.modal.blocks).includes('"block_id":"code"')
          ? s.modal
          : undefined,
      'the pre-filled form',
    );
    expect(JSON.stringify(form.blocks)).toContain('BGP to the Equinix IX in SV5 is flapping');
    await ok('close', { viewId: form.id, all: false });
  });
});

describe('buttons, App Home and the simulators', () => {
  it('watches from a card button, advances the case, and posts the digest with the change', async () => {
    const ciscoId = instance.sandbox.simulators.cisco.cases()[2]?.id as string;
    await ok('command', { channel: 'C0DATACENTER', text: `/case show cisco ${ciscoId}` });
    const card = await eventually(
      lastIn('C0DATACENTER', (m) => m.ephemeral && textOf(m).includes('Watch here')),
      'the card',
    );
    const blocks = card.blocks as Array<{ type: string; elements?: Array<{ text?: { text: string } }> }>;
    const blockIndex = blocks.findIndex((b) => b.type === 'actions');
    const element = blocks[blockIndex]?.elements?.findIndex((e) => e.text?.text === 'Watch here') ?? -1;
    await ok('action', {
      surface: { type: 'message', channel: 'C0DATACENTER', ts: card.ts },
      blockIndex,
      element,
    });
    await eventually(
      lastIn('C0DATACENTER', (m) => textOf(m).includes('is watching this case here')),
      'the watch',
    );

    const before = instance.sandbox.simulators.cisco.cases().find((c) => c.id === ciscoId)?.status;
    const advanced = await ok('simulators/advance', { vendor: 'cisco', id: ciscoId });
    const after = (advanced.case as { status: string }).status;
    expect(after).not.toBe(before);
    expect(
      (await state()).simulators.find((v) => v.vendor === 'cisco')?.cases.find((c) => c.id === ciscoId)
        ?.status,
    ).toBe(after);

    await ok('simulators/digest', { channel: 'C0DATACENTER' });
    const digest = await eventually(
      lastIn('C0DATACENTER', (m) => !m.ephemeral && textOf(m).includes('Case status digest')),
      'the digest',
    );
    expect(textOf(digest)).toContain(ciscoId);
    expect(textOf(digest)).toContain(after);
  });

  it('publishes App Home when the person opens it', async () => {
    await ok('home', {});
    const home = await eventually((s) => s.home, 'App Home');
    expect(JSON.stringify(home.blocks)).toContain('Recently opened by you');
  });

  it('tells the page about changes as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(new URL('/playground/events', instance.url), { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await ok('message', { channel: 'C0NOC', text: 'ping' });
    let seen = '';
    while (!seen.includes('event: change')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(seen).toMatch(/event: change\ndata: \{"version":\d+\}/);
  });
});

describe('requests to the app', () => {
  it('are refused by the app when not signed with its secret', async () => {
    const forged = new AppRequests('not-the-secret');
    forged.setEventsUrl(new URL('/slack/events', instance.url).toString());
    const answer = await forged.command({
      command: '/case',
      text: 'help',
      user_id: 'U0ALEX',
      channel_id: 'C0NOC',
    });
    expect(answer.status).toBe(401);
  });

  it("show Slack's error when the app does not answer", async () => {
    const sandbox = await startSandbox({ autoAdvanceMs: 0 });
    const lonely = await startPlayground({ sandbox, logger: silentLogger });
    try {
      // Nothing listens on port 9 (discard) of loopback here.
      lonely.attach('http://127.0.0.1:9/slack/events', { pollNow: async () => undefined });
      await lonely.workspace.runCommand('C0NOC', '/case help');
      const said = lonely.workspace.state().messages.C0NOC?.at(-1);
      expect(said).toMatchObject({ author: 'USLACKBOT', ephemeral: true });
      expect(said?.text).toBe('`/case` failed with the error "dispatch_failed"');
    } finally {
      await lonely.stop();
      await sandbox.stop();
    }
  });
});
