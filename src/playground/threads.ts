/**
 * Slack threads in the playground: which thread a message belongs to, how many replies a root has, and the
 * message as Slack puts it in the payloads of a button or a message shortcut (a reply carries its root's
 * `thread_ts`; a root with replies carries its own ts as `thread_ts` and its reply count).
 */
import type { FakeMessage } from './fake-slack-api.js';
import { PLAYGROUND_BOT } from './seed.js';
import { PlaygroundInputError, type WorkspaceCore } from './workspace-core.js';

type Json = Record<string, unknown>;

/** Whether `m` counts as a reply in a thread (ephemeral messages in a thread do not). */
function countsAsReply(m: FakeMessage): m is FakeMessage & { threadTs: string } {
  return m.threadTs !== undefined && m.threadTs !== m.ts && !m.visibleTo;
}

/** The replies in the thread of `root` that count as replies, oldest first. */
export function repliesTo(core: WorkspaceCore, root: FakeMessage): FakeMessage[] {
  return core.fake.messages.filter(
    (m) => m.channel === root.channel && m.threadTs === root.ts && countsAsReply(m),
  );
}

/** Every thread's counted replies at once, by `channel ts` of the root (one pass over the messages). */
export function repliesByRoot(core: WorkspaceCore): Map<string, FakeMessage[]> {
  const byRoot = new Map<string, FakeMessage[]>();
  for (const m of core.fake.messages) {
    if (!countsAsReply(m)) continue;
    const key = `${m.channel} ${m.threadTs}`;
    const replies = byRoot.get(key);
    if (replies) replies.push(m);
    else byRoot.set(key, [m]);
  }
  return byRoot;
}

/**
 * The root of the thread a person replies in. Replying to a reply goes into its root's thread, as in Slack;
 * an ephemeral message has no thread.
 */
export function threadRootFor(core: WorkspaceCore, channel: string, ts: string): FakeMessage {
  const message = core.messageAt(channel, ts);
  const root = message.threadTs ? core.messageAt(channel, message.threadTs) : message;
  if (root.visibleTo !== undefined)
    throw new PlaygroundInputError('only a message everyone sees can have a thread');
  return root;
}

/** `message` inside a block_actions or message_action payload. */
export function messageInPayload(core: WorkspaceCore, message: FakeMessage): Json {
  const replies = message.threadTs ? [] : repliesTo(core, message);
  const thread: Json = message.threadTs
    ? { thread_ts: message.threadTs }
    : replies.length > 0
      ? {
          thread_ts: message.ts,
          reply_count: replies.length,
          reply_users: [...new Set(replies.map(authorOf))],
          latest_reply: replies.at(-1)?.ts,
        }
      : {};
  return {
    type: 'message',
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.user
      ? { user: message.user }
      : { bot_id: PLAYGROUND_BOT.botId, user: PLAYGROUND_BOT.userId }),
    ...thread,
  };
}

/** Who wrote a message: a person, Slackbot, or the app's bot user. */
export function authorOf(message: FakeMessage): string {
  return message.user ?? PLAYGROUND_BOT.userId;
}
