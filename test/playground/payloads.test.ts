/**
 * What the playground sends an app, seen by a stand-in app that checks each signature as Slack's would be
 * checked and records the payload: the shapes of commands, block_actions, view_submission (state values
 * of every input kind), view_closed and message shortcuts, and how each kind of view_submission ack
 * (errors, update, push, clear, none) changes the modal.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { opsRequestListener } from '../../src/observability/ops-server.js';
import type { Playground } from '../../src/playground/index.js';
import { type Received, type StandInApp, startStandInApp } from './stand-in-app.js';

let app: StandInApp;
let playground: Playground;
let received: Received[];
/** What the stand-in app acks the next interaction with. */
const ackNext = (ack: unknown) => app.ackNextWith(ack);

beforeAll(async () => {
  app = await startStandInApp();
  playground = app.playground;
  received = app.received;
});

afterEach(() => {
  received.length = 0;
  ackNext(undefined);
  for (const view of playground.fake.views.values()) view.closed = true;
});

afterAll(async () => {
  await app?.stop();
});

const plain = (text: string) => ({ type: 'plain_text', text });
const option = (value: string) => ({ text: plain(`Option ${value}`), value });

/** Opens a view the way the app would: views.open on the fake Web API with a trigger the playground issued. */
async function openView(view: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${playground.fake.apiUrl}views.open`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${playground.slack.SLACK_BOT_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ trigger_id: playground.fake.issueTriggerId('U0ALEX'), view }),
  });
  const answer = (await response.json()) as { ok: boolean; error?: string; view?: { id: string } };
  if (!answer.ok || !answer.view) throw new Error(`views.open refused: ${answer.error}`);
  return answer.view.id;
}

const input = (blockId: string, element: Record<string, unknown>) => ({
  type: 'input',
  block_id: blockId,
  label: plain(blockId),
  optional: true,
  element: { action_id: 'value', ...element },
});

const everyInput = {
  type: 'modal',
  callback_id: 'every_input',
  title: plain('Every input'),
  submit: plain('Send'),
  notify_on_close: true,
  private_metadata: '{"kept":"server-side"}',
  blocks: [
    input('text', { type: 'plain_text_input' }),
    input('empty', { type: 'plain_text_input', multiline: true }),
    input('mail', { type: 'email_text_input' }),
    input('site', { type: 'url_text_input' }),
    input('pick', { type: 'static_select', options: [option('a'), option('b')] }),
    input('picks', { type: 'multi_static_select', options: [option('a'), option('b'), option('c')] }),
    input('boxes', { type: 'checkboxes', options: [option('x'), option('y')] }),
    input('radio', { type: 'radio_buttons', options: [option('r1'), option('r2')] }),
    input('day', { type: 'datepicker' }),
    input('when', { type: 'datetimepicker' }),
    input('people', { type: 'multi_users_select' }),
  ],
};

describe('what the app receives', () => {
  it('a slash command: the fields Slack posts, the text encoded as Slack encodes it', async () => {
    await playground.workspace.runCommand('C0NOC', '/case note eqx 11150929 <b> & done');
    const command = received.at(-1);
    expect(command?.kind).toBe('form');
    expect(command?.body).toMatchObject({
      command: '/case',
      text: 'note eqx 11150929 &lt;b&gt; &amp; done',
      channel_id: 'C0NOC',
      channel_name: 'noc',
      user_id: 'U0ALEX',
      user_name: 'alex',
      team_id: 'T0PLAYGRND',
      api_app_id: 'A0CASEOPS',
    });
    expect(String(command?.body.response_url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/respond\//);
    expect(String(command?.body.trigger_id)).not.toBe('');
  });

  it('a view_submission with the state of every input kind, private_metadata included', async () => {
    const viewId = await openView(everyInput);
    ackNext(undefined);
    const result = await playground.workspace.submit(viewId, {
      text: { value: 'typed' },
      mail: { value: 'noc@example.com' },
      site: { value: 'https://example.com' },
      pick: { value: 'b' },
      picks: { value: ['a', 'c'] },
      boxes: { value: ['y'] },
      radio: { value: 'r2' },
      day: { value: '2026-11-23' },
      when: { value: 1_795_000_000 },
      people: { value: ['U0ALEX', 'U0SAM'] },
    });
    expect(result).toEqual({ result: 'closed' });
    const payload = received.at(-1)?.body as {
      type: string;
      view: Record<string, unknown>;
      user: { id: string };
    };
    expect(payload.type).toBe('view_submission');
    expect(payload.user.id).toBe('U0ALEX');
    expect(payload.view).toMatchObject({
      id: viewId,
      callback_id: 'every_input',
      private_metadata: '{"kept":"server-side"}',
    });
    expect((payload.view.state as { values: unknown }).values).toEqual({
      text: { value: { type: 'plain_text_input', value: 'typed' } },
      empty: { value: { type: 'plain_text_input', value: null } },
      mail: { value: { type: 'email_text_input', value: 'noc@example.com' } },
      site: { value: { type: 'url_text_input', value: 'https://example.com' } },
      pick: { value: { type: 'static_select', selected_option: option('b') } },
      picks: { value: { type: 'multi_static_select', selected_options: [option('a'), option('c')] } },
      boxes: { value: { type: 'checkboxes', selected_options: [option('y')] } },
      radio: { value: { type: 'radio_buttons', selected_option: option('r2') } },
      day: { value: { type: 'datepicker', selected_date: '2026-11-23' } },
      when: { value: { type: 'datetimepicker', selected_date_time: 1_795_000_000 } },
      people: { value: { type: 'multi_users_select', selected_users: ['U0ALEX', 'U0SAM'] } },
    });
    // The modal is closed by an empty ack.
    expect(playground.workspace.state().modal).toBeNull();
    // The page never sees private_metadata.
    expect(JSON.stringify(playground.workspace.state())).not.toContain('server-side');
  });

  it('refuses values a form could not hold', async () => {
    const viewId = await openView(everyInput);
    await expect(playground.workspace.submit(viewId, { day: { value: 'soon' } })).rejects.toThrow(
      'date is not valid',
    );
    await expect(playground.workspace.submit(viewId, { people: { value: ['<script>'] } })).rejects.toThrow(
      'not a list of ids',
    );
    expect(received).toEqual([]);
  });

  it('view_closed when a view that asks for it is closed', async () => {
    const viewId = await openView(everyInput);
    await playground.workspace.closeView(viewId, true);
    expect(received.at(-1)?.body).toMatchObject({
      type: 'view_closed',
      is_cleared: true,
      view: { id: viewId },
    });
  });

  it('block_actions from an ephemeral message: no message content, a response_url for it', async () => {
    const ts = playground.fake.addMessage({
      channel: 'C0NOC',
      visibleTo: 'U0ALEX',
      text: 'card',
      blocks: [
        {
          type: 'actions',
          block_id: 'acts',
          elements: [{ type: 'button', text: plain('Go'), action_id: 'go', value: 'v1', style: 'primary' }],
        },
      ],
    });
    await playground.workspace.press({
      surface: { type: 'message', channel: 'C0NOC', ts },
      blockIndex: 0,
      element: 0,
    });
    const payload = received.at(-1)?.body;
    expect(payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: ts, channel_id: 'C0NOC', is_ephemeral: true },
      channel: { id: 'C0NOC', name: 'noc' },
      actions: [{ type: 'button', action_id: 'go', block_id: 'acts', value: 'v1', style: 'primary' }],
    });
    expect(payload).not.toHaveProperty('message');
    expect(String(payload?.response_url)).toContain('/respond/');
  });

  it('a message shortcut with the message it was used on', async () => {
    const ts = playground.fake.addMessage({
      channel: 'C0DATACENTER',
      user: 'U0SAM',
      text: 'rack 0207 is hot',
    });
    await playground.workspace.runShortcut('C0DATACENTER', ts, 'open_vendor_case');
    expect(received.at(-1)?.body).toMatchObject({
      type: 'message_action',
      callback_id: 'open_vendor_case',
      channel: { id: 'C0DATACENTER', name: 'datacenter' },
      message_ts: ts,
      message: { ts, user: 'U0SAM', text: 'rack 0207 is hot' },
    });
  });

  it('app_home_opened as an Events API callback', async () => {
    await playground.workspace.openHome();
    expect(received.at(-1)).toMatchObject({
      kind: 'json',
      body: { type: 'event_callback', event: { type: 'app_home_opened', user: 'U0ALEX', tab: 'home' } },
    });
  });
});

describe('view_submission acks change the modal as in Slack', () => {
  const simple = (title: string) => ({
    type: 'modal',
    title: plain(title),
    submit: plain('Next'),
    blocks: [input('text', { type: 'plain_text_input' })],
  });

  it('errors: shown on their fields until the view changes', async () => {
    const viewId = await openView(simple('First'));
    ackNext({ response_action: 'errors', errors: { text: 'Say more.' } });
    expect(await playground.workspace.submit(viewId, {})).toEqual({
      result: 'errors',
      errors: { text: 'Say more.' },
    });
    expect(playground.workspace.state().modal?.errors).toEqual({ text: 'Say more.' });
  });

  it('update, push and clear', async () => {
    const viewId = await openView(simple('First'));
    ackNext({ response_action: 'update', view: simple('Updated') });
    expect(await playground.workspace.submit(viewId, {})).toEqual({ result: 'updated' });
    expect(playground.workspace.state().modal).toMatchObject({
      id: viewId,
      title: plain('Updated'),
      depth: 1,
    });

    ackNext({ response_action: 'push', view: simple('Pushed') });
    expect(await playground.workspace.submit(viewId, {})).toEqual({ result: 'pushed' });
    const pushed = playground.workspace.state().modal;
    expect(pushed).toMatchObject({ title: plain('Pushed'), depth: 2 });

    // Close on the pushed view goes back to the one under it.
    await playground.workspace.closeView(pushed?.id as string, false);
    expect(playground.workspace.state().modal).toMatchObject({ id: viewId, title: plain('Updated') });

    ackNext({ response_action: 'push', view: simple('Pushed again') });
    await playground.workspace.submit(viewId, {});
    ackNext({ response_action: 'clear' });
    const top = playground.workspace.state().modal?.id as string;
    expect(await playground.workspace.submit(top, {})).toEqual({ result: 'cleared' });
    expect(playground.workspace.state().modal).toBeNull();
  });
});

describe("the page's event stream", () => {
  it('ends when the server it is on closes, so an open page never holds a shutdown', async () => {
    const server = createServer(opsRequestListener(playground.routes));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/playground/events`,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const started = Date.now();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(Date.now() - started).toBeLessThan(3000);
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  });
});
