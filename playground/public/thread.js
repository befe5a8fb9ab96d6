// Threads on the playground page, as in Slack: a root shows "N replies" in the channel, and clicking it opens
// the thread panel beside the channel with the root, its replies and a composer that replies in the thread.
// app.js owns the state and how one message is drawn; this module finds threads and lays out their parts.
import { escapeHtml } from './render.js';

/** The thread `open` ({ channel, ts }) points at in the state: its root and replies, or undefined once gone. */
export function threadIn(state, open) {
  if (!open) return undefined;
  const list = state.messages[open.channel] ?? [];
  const root = list.find((m) => m.ts === open.ts && !m.threadTs);
  if (!root) return undefined;
  return { channel: open.channel, root, replies: list.filter((m) => m.threadTs === root.ts) };
}

/** What the channel itself shows: roots and messages outside threads, not the replies. */
export function channelLevel(messages) {
  return messages.filter((m) => !m.threadTs);
}

function countWords(n) {
  return `${n} ${n === 1 ? 'reply' : 'replies'}`;
}

/**
 * The line under a root in the channel: who replied, how many replies, when the newest came.
 * `authorOf(id)` gives { name, realName }, `timeOf(ts)` the time of day.
 */
export function threadSummary(thread, { authorOf, timeOf }) {
  if (!thread || thread.replyCount === 0) return '';
  const faces = thread.replyUsers
    .slice(0, 3)
    .map((id) => {
      const author = authorOf(id);
      const name = author.realName || author.name || '?';
      return `<span class="thread-face" title="${escapeHtml(name)}" aria-hidden="true">${escapeHtml(name.slice(0, 1).toUpperCase())}</span>`;
    })
    .join('');
  return `<button type="button" class="thread-summary" data-open-thread="1">${faces}<span class="thread-count">${escapeHtml(countWords(thread.replyCount))}</span><span class="thread-last">Last reply ${escapeHtml(timeOf(thread.latestReplyTs))}</span></button>`;
}

/** The panel's messages: the root, a line with the reply count, then the replies (`drawn(m)` draws one). */
export function threadMessagesHtml(thread, drawn) {
  const count = thread.replies.filter((m) => !m.ephemeral).length;
  const divider =
    count > 0
      ? `<div class="thread-divider"><span>${escapeHtml(countWords(count))}</span></div>`
      : '<div class="thread-divider"><span>No replies yet</span></div>';
  return drawn(thread.root) + divider + thread.replies.map(drawn).join('');
}
