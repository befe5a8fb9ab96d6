/**
 * The fake Slack Web API holds the app to Slack's real rules; these tests make sure the fake itself does:
 * the wire format, trigger ids good once for 3 s, block and view limits, response_url limits, and failure
 * injection (429 with Retry-After, 5xx, `ok: false` errors).
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';

const fake = new FakeSlackApi({
  botToken: 'xoxb-fake',
  triggerLifetimeMs: 200,
  users: [{ id: 'U1', name: 'one', email: 'one@example.com', tz: 'Europe/Paris' }],
  channels: [{ id: 'C1', name: 'general', members: ['U1'] }],
});
let client: webApi.WebClient;

beforeAll(async () => {
  await fake.start();
  client = new webApi.WebClient('xoxb-fake', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(async () => {
  await fake.stop();
});

const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Title' }, blocks: [] };
const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

describe('wire format and recording', () => {
  it('reads form-encoded bodies with blocks as a JSON string, and records the call', async () => {
    const result = await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks: [section('*hi*')] });
    expect(result.ok).toBe(true);
    const call = fake.callsTo('chat.postMessage').at(-1);
    expect(call?.args.blocks).toEqual([section('*hi*')]);
    expect(call?.token).toBe('xoxb-fake');
    expect(fake.messagesIn('C1').at(-1)).toMatchObject({ ts: result.ts, text: 'hi' });
  });

  it('refuses another token', async () => {
    const other = new webApi.WebClient('xoxb-other', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    expect(slackError(await other.auth.test().catch((e: unknown) => e))).toBe('invalid_auth');
  });

  it('answers users.info with e-mail and time zone', async () => {
    const result = await client.users.info({ user: 'U1' });
    expect(result.user?.tz).toBe('Europe/Paris');
    expect(result.user?.profile?.email).toBe('one@example.com');
  });
});

describe('trigger ids', () => {
  it('are good once', async () => {
    const trigger = fake.issueTriggerId('U1');
    await client.views.open({ trigger_id: trigger, view: modal });
    expect(
      slackError(await client.views.open({ trigger_id: trigger, view: modal }).catch((e: unknown) => e)),
    ).toBe('expired_trigger_id');
  });

  it('expire (3 s in Slack; 200 ms in this fake)', async () => {
    const trigger = fake.issueTriggerId('U1');
    await new Promise((r) => setTimeout(r, 250));
    expect(
      slackError(await client.views.open({ trigger_id: trigger, view: modal }).catch((e: unknown) => e)),
    ).toBe('expired_trigger_id');
  });

  it('must have been issued', async () => {
    expect(
      slackError(await client.views.open({ trigger_id: 'made-up', view: modal }).catch((e: unknown) => e)),
    ).toBe('invalid_trigger_id');
  });
});

describe('limits', () => {
  it('refuses a message of 51 blocks, and one with too much text', async () => {
    const many = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    expect(
      slackError(
        await client.chat.postMessage({ channel: 'C1', text: 't', blocks: many }).catch((e: unknown) => e),
      ),
    ).toBe('invalid_blocks');
    const long = Array.from({ length: 5 }, () => section('x'.repeat(3000)));
    expect(
      slackError(
        await client.chat.postMessage({ channel: 'C1', text: 't', blocks: long }).catch((e: unknown) => e),
      ),
    ).toBe('msg_blocks_too_long');
  });

  it('refuses over-long texts in blocks and a message without a fallback text', async () => {
    expect(
      slackError(
        await client.chat
          .postMessage({ channel: 'C1', text: 't', blocks: [section('x'.repeat(3001))] })
          .catch((e: unknown) => e),
      ),
    ).toBe('invalid_blocks');
    const button = {
      type: 'actions' as const,
      elements: [
        {
          type: 'button' as const,
          text: { type: 'plain_text' as const, text: 'b'.repeat(76) },
          action_id: 'a',
        },
      ],
    };
    expect(
      slackError(
        await client.chat
          .postMessage({ channel: 'C1', text: 't', blocks: [button] })
          .catch((e: unknown) => e),
      ),
    ).toBe('invalid_blocks');
    expect(
      slackError(
        await client.chat
          .postMessage({ channel: 'C1', text: '', blocks: [section('x')] })
          .catch((e: unknown) => e),
      ),
    ).toBe('no_text_fallback');
  });

  it('refuses a modal of 101 blocks, a 25+ character title, and inputs without a submit button', async () => {
    const open = (view: Record<string, unknown>) =>
      client.views
        .open({ trigger_id: fake.issueTriggerId('U1'), view: view as never })
        .catch((e: unknown) => e);
    expect(
      slackError(await open({ ...modal, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })),
    ).toBe('invalid_blocks');
    expect(slackError(await open({ ...modal, title: { type: 'plain_text', text: 't'.repeat(25) } }))).toBe(
      'invalid_arguments',
    );
    const inputBlock = {
      type: 'input',
      label: { type: 'plain_text', text: 'L' },
      element: { type: 'plain_text_input', action_id: 'v' },
    };
    expect(slackError(await open({ ...modal, blocks: [inputBlock] }))).toBe('invalid_arguments');
  });

  it('a response_url takes five posts', async () => {
    const url = fake.issueResponseUrl({ channel: 'C1', userId: 'U1' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `n${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('views.update of a closed view fails with not_found', async () => {
    const opened = await client.views.open({ trigger_id: fake.issueTriggerId('U1'), view: modal });
    const viewId = opened.view?.id ?? '';
    fake.closeView(viewId);
    expect(
      slackError(await client.views.update({ view_id: viewId, view: modal }).catch((e: unknown) => e)),
    ).toBe('not_found');
  });
});

describe('failure injection', () => {
  it('429 with Retry-After, reaching the client as a rate-limited error', async () => {
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
    const error = (await client.chat.postMessage({ channel: 'C1', text: 't' }).catch((e: unknown) => e)) as {
      code?: string;
      retryAfter?: number;
    };
    expect(error.code).toBe('slack_webapi_rate_limited_error');
    expect(error.retryAfter).toBe(7);
    expect((await client.chat.postMessage({ channel: 'C1', text: 't' })).ok).toBe(true);
  });

  it('5xx and ok:false errors, for the given number of calls', async () => {
    fake.failNext('chat.update', { kind: 'http', status: 502 });
    const http = (await client.chat
      .update({ channel: 'C1', ts: '1.1', text: 't' })
      .catch((e: unknown) => e)) as { code?: string; statusCode?: number };
    expect(http).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 502 });
    fake.failNext('auth.test', { kind: 'error', error: 'invalid_auth' }, 2);
    expect(slackError(await client.auth.test().catch((e: unknown) => e))).toBe('invalid_auth');
    expect(slackError(await client.auth.test().catch((e: unknown) => e))).toBe('invalid_auth');
    expect((await client.auth.test()).ok).toBe(true);
  });
});
