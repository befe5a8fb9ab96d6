// Threads on the playground page, as in Slack: a root shows "N replies" in the channel, and clicking it opens
// the thread panel beside the channel with the root, its replies and a composer that replies in the thread.
// app.js owns the state and how one message is drawn; this module finds threads and runs the panel.
import { escapeHtml } from './render.js';

const $ = (id) => document.getElementById(id);

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

/**
 * The thread panel (#thread in index.html). `deps`: `api(path, body)` and `refresh()` as app.js has them,
 * `channelName(id)`, and `renderMessage(channel, message, ctx)` drawing one message for the panel.
 */
export function createThreadPanel(deps) {
  /** The root of the thread shown, as { channel, ts }; undefined while the panel is closed. */
  let open;

  function showError(text) {
    const el = $('thread-error');
    el.textContent = text ?? '';
    el.hidden = !text;
    $('thread-composer').classList.toggle('has-error', Boolean(text));
  }

  return {
    isOpen(channel, ts) {
      return open?.channel === channel && open?.ts === ts;
    },

    /** Opens the thread of the message at channel/ts (a reply opens its root's). */
    show(state, channel, ts) {
      const message = (state.messages[channel] ?? []).find((m) => m.ts === ts);
      open = { channel, ts: message?.threadTs ?? ts };
      showError('');
      queueMicrotask(() => $('thread-input').focus());
    },

    close() {
      open = undefined;
    },

    /** Closes the panel unless its thread is in `channel` (what the main pane now shows). */
    keepOnlyIn(channel) {
      if (open && open.channel !== channel) open = undefined;
    },

    render(state, ctx) {
      const panel = $('thread');
      const thread = threadIn(state, open);
      if (!thread) open = undefined;
      panel.hidden = !thread;
      if (!thread) return;
      $('thread-channel').textContent =
        thread.channel === state.app.dmChannel ? state.app.name : `# ${deps.channelName(thread.channel)}`;
      const list = $('thread-messages');
      const html = threadMessagesHtml(thread, (m) => deps.renderMessage(thread.channel, m, ctx));
      if (list.dataset.rendered === html) return;
      const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
      const key = `${thread.channel}:${thread.root.ts}`;
      list.innerHTML = html;
      list.dataset.rendered = html;
      if (nearBottom || list.dataset.thread !== key) list.scrollTop = list.scrollHeight;
      list.dataset.thread = key;
    },

    /** Replies in the open thread; what was typed leaves the composer only once sent. */
    async send() {
      const input = $('thread-input');
      const text = input.value.trim();
      const thread = open;
      if (!text || !thread) return;
      if (text.startsWith('/')) {
        showError("Slash commands run from the channel's composer; this one was not sent.");
        return;
      }
      showError('');
      try {
        await deps.api('message', { channel: thread.channel, text, threadTs: thread.ts });
        if (input.value.trim() === text) input.value = '';
      } catch (error) {
        showError(error.message);
        input.focus();
      } finally {
        deps.refresh();
      }
    },
  };
}
