/**
 * What the page shows, built from what the app did (the fake Web API's messages, views and home tabs) as
 * the person at the keyboard would see it: their ephemeral messages but nobody else's, the top of their
 * modal stack, their App Home, and the simulators panel.
 */
import { PLAYGROUND_SHORTCUTS } from './interactions.js';
import { PLAYGROUND_BOT, PLAYGROUND_TEAM } from './seed.js';
import type { PanelState } from './simulator-panel.js';
import { asArray } from './slack-payloads.js';
import { authorOf, repliesByRoot } from './threads.js';
import { me, SLACKBOT_ID, type WorkspaceCore } from './workspace-core.js';

export interface ShownMessage {
  ts: string;
  /** A person's id, Slackbot's, or the app's bot user. */
  author: string;
  text: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
  /** The thread's root, for a reply in a thread: the page shows it in the root's thread panel, not the channel. */
  threadTs?: string;
  /** For a root with replies: how many, who wrote them, and the newest one's ts (its "N replies" line). */
  thread?: { replyCount: number; replyUsers: string[]; latestReplyTs: string };
  /** Reactions the app added. */
  reactions?: string[];
  /** The app's unfurls of the message's links. */
  unfurls?: Array<{ url: string; blocks: unknown[] }>;
}

export interface ShownView {
  id: string;
  hash: string;
  /** How many views are stacked under it, plus one. */
  depth: number;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  errors: Record<string, string>;
}

export interface PlaygroundState {
  version: number;
  appReady: boolean;
  team: { name: string };
  me: { id: string; name: string; realName?: string; tz?: string };
  users: Array<{ id: string; name: string; realName?: string; isBot?: boolean }>;
  channels: Array<{ id: string; name: string }>;
  app: { name: string; botUserId: string; dmChannel: string };
  commands: string[];
  shortcuts: typeof PLAYGROUND_SHORTCUTS;
  messages: Record<string, ShownMessage[]>;
  modal: ShownView | null;
  home: { blocks: unknown[] } | null;
  simulators: PanelState['vendors'];
  autoAdvance: PanelState['autoAdvance'];
  age: PanelState['age'];
}

export function shownState(core: WorkspaceCore, commands: string[], panel: PanelState): PlaygroundState {
  return {
    version: core.currentVersion,
    appReady: core.requests.ready,
    team: { name: PLAYGROUND_TEAM.name },
    me: { id: me.id, name: me.name, realName: me.realName, tz: me.tz },
    users: [
      ...[...core.fake.users.values()].map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
      { id: PLAYGROUND_BOT.userId, name: PLAYGROUND_BOT.name, realName: PLAYGROUND_BOT.name, isBot: true },
      { id: SLACKBOT_ID, name: 'Slackbot', realName: 'Slackbot', isBot: true },
    ],
    channels: [...core.fake.channels.values()].map((c) => ({ id: c.id, name: c.name })),
    app: { name: PLAYGROUND_BOT.name, botUserId: PLAYGROUND_BOT.userId, dmChannel: core.dmChannel },
    commands,
    shortcuts: PLAYGROUND_SHORTCUTS,
    messages: shownMessages(core),
    modal: shownModal(core),
    home: homeBlocks(core),
    simulators: panel.vendors,
    autoAdvance: panel.autoAdvance,
    age: panel.age,
  };
}

function shownMessages(core: WorkspaceCore): Record<string, ShownMessage[]> {
  const byChannel: Record<string, ShownMessage[]> = {};
  const threads = repliesByRoot(core);
  for (const m of core.fake.messages) {
    if (!core.visible(m)) continue;
    byChannel[m.channel] ??= [];
    const replies = m.threadTs ? [] : (threads.get(`${m.channel} ${m.ts}`) ?? []);
    byChannel[m.channel]?.push({
      ts: m.ts,
      author: authorOf(m),
      text: m.text ?? '',
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ephemeral: m.visibleTo !== undefined,
      edited: m.edits > 0,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
      ...(replies.length > 0
        ? {
            thread: {
              replyCount: replies.length,
              replyUsers: [...new Set(replies.map(authorOf))],
              latestReplyTs: replies.at(-1)?.ts as string,
            },
          }
        : {}),
      ...(m.reactions ? { reactions: [...m.reactions] } : {}),
      ...(m.unfurls
        ? {
            unfurls: Object.entries(m.unfurls).map(([url, u]) => ({
              url,
              blocks: asArray((u as { blocks?: unknown }).blocks),
            })),
          }
        : {}),
    });
  }
  return byChannel;
}

function shownModal(core: WorkspaceCore): ShownView | null {
  const views = [...core.fake.views.values()];
  // The top of the person's modal stack.
  const top = views.filter((v) => !v.closed && v.userId === me.id).at(-1);
  if (!top) return null;
  const errors = core.viewErrors.get(top.id);
  const depth = views.filter((v) => !v.closed && v.rootId === top.rootId).length;
  // private_metadata stays here: Slack never shows it to a person's client either.
  return {
    id: top.id,
    hash: top.hash,
    depth,
    title: top.view.title,
    submit: top.view.submit,
    close: top.view.close,
    blocks: asArray(top.view.blocks),
    errors: errors && errors.hash === top.hash ? errors.errors : {},
  };
}

function homeBlocks(core: WorkspaceCore): { blocks: unknown[] } | null {
  const home = core.fake.homes.get(me.id);
  return home ? { blocks: asArray(home.blocks) } : null;
}
