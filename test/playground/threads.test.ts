/**
 * Threads in the playground, seen by a stand-in app: a root shows its replies' count and authors, the person
 * replies in a thread (a reply to a reply goes to its root, as in Slack), a button or message shortcut on a
 * reply carries its thread's root as `thread_ts`, a root with replies carries its own ts and reply count, and
 * link_shared goes out only for links of the manifests' unfurl domains (their subdomains too), with the
 * thread of a reply.
 */
import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Playground } from '../../src/playground/index.js';
import {
  manifestUnfurlDomains,
  playgroundPortalPages,
  unfurlDomainOf,
} from '../../src/playground/unfurl-domains.js';
import { PlaygroundInputError } from '../../src/playground/workspace.js';
import { ALL_PLUGINS } from '../../src/vendors/plugin.js';
import { type Received, type StandInApp, startStandInApp } from './stand-in-app.js';

let app: StandInApp;
let playground: Playground;
let received: Received[];

beforeAll(async () => {
  app = await startStandInApp();
  playground = app.playground;
  received = app.received;
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  await app?.stop();
});

const shown = (channel: string, ts: string) =>
  playground.workspace.state().messages[channel]?.find((m) => m.ts === ts);

/** A root by Sam with one reply by Sam, the way another person's thread reaches the channel. */
function threadBySam(text: string): { root: string; reply: string } {
  const root = playground.workspace.seedMessage('C0DATACENTER', 'U0SAM', text);
  const reply = playground.workspace.seedMessage('C0DATACENTER', 'U0SAM', 'still hot', root);
  return { root, reply };
}

describe('threads', () => {
  it('a root shows how many replies it has, who wrote them and the newest; replies name their root', async () => {
    const { root, reply } = threadBySam('rack 0207 is hot');
    const { ts: mine } = await playground.workspace.sendMessage('C0DATACENTER', 'on my way', root);
    expect(shown('C0DATACENTER', root)?.thread).toEqual({
      replyCount: 2,
      replyUsers: ['U0SAM', 'U0ALEX'],
      latestReplyTs: mine,
    });
    expect(shown('C0DATACENTER', reply)).toMatchObject({ threadTs: root, author: 'U0SAM' });
    expect(shown('C0DATACENTER', mine)).toMatchObject({
      threadTs: root,
      author: 'U0ALEX',
      text: 'on my way',
    });
    expect(shown('C0DATACENTER', reply)?.thread).toBeUndefined();
  });

  it('an ephemeral reply the app posts in a thread is in the thread, not counted as a reply', async () => {
    const { root } = threadBySam('is the cage locked?');
    const client = new webApi.WebClient(playground.slack.SLACK_BOT_TOKEN, {
      slackApiUrl: playground.fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    const { message_ts } = await client.chat.postEphemeral({
      channel: 'C0DATACENTER',
      user: 'U0ALEX',
      thread_ts: root,
      text: 'only you see this',
    });
    expect(shown('C0DATACENTER', message_ts as string)).toMatchObject({ threadTs: root, ephemeral: true });
    expect(shown('C0DATACENTER', root)?.thread?.replyCount).toBe(1);
  });

  it('a reply to a reply goes into its root thread; an ephemeral message has no thread', async () => {
    const { root, reply } = threadBySam('fan tray alarm');
    const { ts } = await playground.workspace.sendMessage('C0DATACENTER', 'replacing it', reply);
    expect(shown('C0DATACENTER', ts)?.threadTs).toBe(root);
    const ephemeral = playground.fake.addMessage({
      channel: 'C0DATACENTER',
      text: 'only you',
      visibleTo: 'U0ALEX',
    });
    await expect(playground.workspace.sendMessage('C0DATACENTER', 'hi', ephemeral)).rejects.toThrow(
      PlaygroundInputError,
    );
    await expect(playground.workspace.sendMessage('C0DATACENTER', 'hi', '1.000001')).rejects.toThrow(
      'that message is gone',
    );
  });

  it('a message shortcut on a reply carries the root as thread_ts; on the root, its own ts and reply count', async () => {
    const { root, reply } = threadBySam('PSU failed in rack 0101');
    await playground.workspace.runShortcut('C0DATACENTER', reply, 'send_as_note');
    expect(received.at(-1)?.body).toMatchObject({
      type: 'message_action',
      callback_id: 'send_as_note',
      message_ts: reply,
      message: { ts: reply, thread_ts: root, user: 'U0SAM', text: 'still hot' },
    });
    await playground.workspace.runShortcut('C0DATACENTER', root, 'send_as_note');
    expect(received.at(-1)?.body).toMatchObject({
      message_ts: root,
      message: { ts: root, thread_ts: root, reply_count: 1, reply_users: ['U0SAM'], latest_reply: reply },
    });
  });

  it('a button on a reply says its thread in the container and the message', async () => {
    const { root } = threadBySam('door alarm');
    const ts = playground.fake.addMessage({
      channel: 'C0DATACENTER',
      threadTs: root,
      text: 'snooze?',
      blocks: [
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Snooze' } }] },
      ],
    });
    await playground.workspace.press({
      surface: { type: 'message', channel: 'C0DATACENTER', ts },
      blockIndex: 0,
      element: 0,
    });
    expect(received.at(-1)?.body).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: ts, thread_ts: root, is_ephemeral: false },
      message: { ts, thread_ts: root },
    });
  });
});

describe('link_shared', () => {
  const linkShared = () =>
    received.filter((r) => r.kind === 'json').map((r) => r.body.event as Record<string, unknown>);

  it('goes out for links of the unfurl domains and their subdomains, with the thread of a reply', async () => {
    const { root } = threadBySam('which case was that?');
    const { ts } = await playground.workspace.sendMessage(
      'C0DATACENTER',
      'https://portal.example.com/equinix/case/1 and https://eu.PORTAL.example.com/x and https://example.org/y',
      root,
    );
    expect(linkShared()).toEqual([
      expect.objectContaining({
        type: 'link_shared',
        channel: 'C0DATACENTER',
        message_ts: ts,
        thread_ts: root,
        user: 'U0ALEX',
        links: [
          { url: 'https://portal.example.com/equinix/case/1', domain: 'portal.example.com' },
          { url: 'https://eu.PORTAL.example.com/x', domain: 'portal.example.com' },
        ],
      }),
    ]);
  });

  it('does not go out for a message whose links are all elsewhere', async () => {
    const { ts } = await playground.workspace.sendMessage(
      'C0DATACENTER',
      'https://portal.example.com.evil.example/case/1 https://notportal.example.com/case/2',
    );
    expect(shown('C0DATACENTER', ts)?.text).toContain('<https://notportal.example.com/case/2>');
    expect(linkShared()).toEqual([]);
  });

  it('reads the unfurl domains from the manifests and puts a portal page per vendor under the first', () => {
    expect(manifestUnfurlDomains()).toEqual(['portal.example.com']);
    expect(unfurlDomainOf('not a url', ['portal.example.com'])).toBeUndefined();
    // As in Slack's link_shared: a subdomain's link names the registered domain.
    expect(unfurlDomainOf('https://eu.portal.example.com/case/1', ['portal.example.com'])).toBe(
      'portal.example.com',
    );
    const pages = playgroundPortalPages(['portal.example.com']);
    expect(Object.keys(pages).sort()).toEqual(ALL_PLUGINS.map((p) => p.portal.env).sort());
    for (const plugin of ALL_PLUGINS) {
      expect(pages[plugin.portal.env]).toBe(`https://portal.example.com/${plugin.id}/case/{id}`);
    }
    expect(playgroundPortalPages([])).toEqual({});
  });
});
