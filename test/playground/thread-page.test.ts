/**
 * The page's threads (playground/public/thread.js): the channel shows roots but not replies, a thread is its
 * root and replies (gone once the root is), the "N replies" line names who replied with everything escaped,
 * and the panel counts replies without the ephemeral ones.
 */
import { describe, expect, it } from 'vitest';
import {
  channelLevel,
  type PageMessage,
  threadIn,
  threadMessagesHtml,
  threadSummary,
} from '../../playground/public/thread.js';

const message = (ts: string, extra: Partial<PageMessage> = {}): PageMessage => ({
  ts,
  author: 'U0SAM',
  text: `message ${ts}`,
  ephemeral: false,
  ...extra,
});

const root = message('1.000001', {
  thread: { replyCount: 2, replyUsers: ['U0SAM', 'U0EVIL'], latestReplyTs: '1.000004' },
});
const replies = [
  message('1.000002', { threadTs: root.ts }),
  message('1.000003', { threadTs: root.ts, ephemeral: true }),
  message('1.000004', { threadTs: root.ts, author: 'U0EVIL' }),
];
const other = message('1.000005');
const state = { messages: { C0NOC: [root, ...replies, other] } };

describe('threads on the page', () => {
  it('the channel shows roots and other messages, not replies', () => {
    expect(channelLevel(state.messages.C0NOC).map((m) => m.ts)).toEqual([root.ts, other.ts]);
  });

  it('a thread is its root and replies, found from the root; none once the root is gone or for a reply', () => {
    expect(threadIn(state, { channel: 'C0NOC', ts: root.ts })).toEqual({ channel: 'C0NOC', root, replies });
    expect(threadIn(state, { channel: 'C0NOC', ts: replies[0]?.ts as string })).toBeUndefined();
    expect(threadIn(state, { channel: 'C0NOC', ts: '9.000001' })).toBeUndefined();
    expect(threadIn(state, { channel: 'C0GONE', ts: root.ts })).toBeUndefined();
    expect(threadIn(state, undefined)).toBeUndefined();
  });

  it('"N replies" names who replied and when, escaped', () => {
    const names: Record<string, string> = { U0SAM: 'Sam Okafor', U0EVIL: '<img src=x onerror=alert(1)>' };
    const html = threadSummary(root.thread, {
      authorOf: (id) => ({ realName: names[id] }),
      timeOf: (ts) => `at <${ts}>`,
    });
    expect(html).toContain('data-open-thread="1"');
    expect(html).toContain('>2 replies<');
    expect(html).toContain('Last reply at &lt;1.000004&gt;');
    expect(html).toContain('title="&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).not.toContain('<img');
    expect(
      threadSummary(
        { replyCount: 1, replyUsers: ['U0SAM'], latestReplyTs: '1.1' },
        {
          authorOf: () => ({ name: 'sam' }),
          timeOf: () => 'now',
        },
      ),
    ).toContain('>1 reply<');
    expect(threadSummary(undefined, { authorOf: () => ({}), timeOf: () => '' })).toBe('');
  });

  it('the panel draws the root, the count of replies everyone sees, then every reply', () => {
    const thread = threadIn(state, { channel: 'C0NOC', ts: root.ts });
    const html = threadMessagesHtml(thread as NonNullable<typeof thread>, (m) => `[${m.ts}]`);
    expect(html).toBe(
      '[1.000001]<div class="thread-divider"><span>2 replies</span></div>[1.000002][1.000003][1.000004]',
    );
    const lonely = { channel: 'C0NOC', root: other, replies: [] };
    expect(threadMessagesHtml(lonely, (m) => `[${m.ts}]`)).toContain('No replies yet');
  });
});
