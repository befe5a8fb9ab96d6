/**
 * App Home: the on-call queue (the watched cases in the person's channels, by whose move it is, each with its
 * clock, Show, Notify me and its card's link), then the cases they asked to be notified about, then the cases
 * they opened recently. Within Slack's 100 blocks for any queue: at most HOME_QUEUE_ROWS rows of two blocks
 * each, fewer when the other sections need the room, and one "N more" line.
 */

import type { VendorId } from '../../domain/case.js';
import type { QueueGroup } from '../../domain/on-call-queue.js';
import type { RecentCase } from '../../domain/ports/store.js';
import type { HomeQueue } from '../../domain/use-cases/home.js';
import { vendorName } from '../../vendors/plugin.js';
import { clockWords, glanceDuration } from '../words.js';
import { CASE_ACTIONS, caseRefValue, STATE_LOOK } from './case-card.js';
import { SHOW_CASE_ACTION } from './case-list.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  type HomeView,
  header,
  section,
  slackDate,
} from './kit.js';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './limits.js';

export const HOME_OPEN_ACTION = 'home.open';
/** Recently opened cases shown (the rest are a count), so the queue keeps most of the page. */
export const HOME_RECENT_SHOWN = 5;

const GROUP_TITLES: Record<QueueGroup, string> = {
  'waiting-on-us': ':large_orange_circle: *Waiting on us*',
  'vendor-silent': ':zzz: *Vendor silent*',
  'waiting-on-vendor': ':hourglass_flowing_sand: *Waiting on the vendor*',
  'closed-recently': ':white_check_mark: *Resolved or closed in the last day*',
};

const MORE_WORDS: Record<QueueGroup, string> = {
  'waiting-on-us': 'waiting on us',
  'vendor-silent': 'vendor silent',
  'waiting-on-vendor': 'waiting on the vendor',
  'closed-recently': 'resolved or closed',
};

/** Only a plain https link goes into mrkdwn: anything else could break out of `<url|text>`. */
const SAFE_LINK = /^https:\/\/[^\s|<>]+$/;

function caseName(vendor: VendorId, id: string): string {
  return `${vendorName(vendor)} \`${escapeMrkdwn(id)}\``;
}

export function buildHome(options: {
  recent: readonly RecentCase[];
  /** The watched cases in queue order, with their clocks (see src/domain/on-call-queue.ts). */
  queue: HomeQueue;
  /** When the clocks were read. */
  now: Date;
  canOpen: boolean;
  /** "Notifying you" (./home-subscriptions.ts), shown after the queue. */
  subscriptions?: readonly Block[];
  /** Set when part of the page could not be loaded. */
  problem?: string;
}): HomeView {
  const blocks: Block[] = [
    header('caseops'),
    section('Your vendor cases at a glance. In any channel, `/case help` shows everything caseops can do.'),
  ];
  if (options.canOpen) {
    blocks.push(
      actions('home_actions', [
        button({ text: 'Open a vendor case', actionId: HOME_OPEN_ACTION, style: 'primary' }),
      ]),
    );
  }
  if (options.problem) blocks.push(context(`:warning: ${options.problem}`));
  const after = [
    ...(options.subscriptions ?? []),
    divider(),
    header('Recently opened by you'),
    ...recentBlocks(options.recent),
  ];
  // The queue comes first and gets what the other sections leave of Slack's 100 blocks: rows that do not
  // fit are counted in its "N more" line rather than cut from the end of the page.
  const queueRoom = SLACK_LIMITS.home.blocks - blocks.length - after.length - 2;
  blocks.push(divider(), header('On-call queue'), ...queueBlocks(options.queue, options.now, queueRoom));
  blocks.push(...after);
  return { type: 'home', blocks };
}

function queueBlocks(queue: HomeQueue, now: Date, room: number): Block[] {
  const blocks: Block[] = [];
  const more = { ...queue.more };
  // One block stays free for the "N more" line.
  const rowRoom = room - 1;
  if (queue.shown.length === 0 && queue.notSeenYet === 0) {
    blocks.push(
      context(
        'Cases watched in your channels appear here, whose move first. Watch one with `/case watch &lt;vendor&gt; &lt;id&gt;`.',
      ),
    );
  }
  let group: QueueGroup | undefined;
  for (const entry of queue.shown) {
    const needs = entry.group === group ? 2 : 3;
    if (blocks.length + needs > rowRoom) {
      more[entry.group] = (more[entry.group] ?? 0) + 1;
      continue;
    }
    if (entry.group !== group) {
      group = entry.group;
      blocks.push(context(GROUP_TITLES[group]));
    }
    const row = entry.item;
    const clock = entry.clock
      ? clockWords(entry.clock, now, row.vendor)
      : `${STATE_LOOK[row.state].words} ${glanceDuration(now.getTime() - Date.parse(entry.since))} ago`;
    const channels = row.channels.map((id) => `<#${id}>`).join(', ');
    const card = row.cardLink && SAFE_LINK.test(row.cardLink) ? ` · <${row.cardLink}|card>` : '';
    const key = `${row.vendor}:${row.caseId}`;
    blocks.push(
      section(
        `*${clock}* · ${caseName(row.vendor, row.caseId)} ${escapeMrkdwn(truncate(row.title, 150))}\nin ${channels} · ${escapeMrkdwn(truncate(row.status, 80))}${card}`,
        {
          blockId: `queue:${key}`,
          accessory: button({
            text: 'Show',
            actionId: SHOW_CASE_ACTION,
            value: caseRefValue(row.vendor, row.caseId),
          }),
        },
      ),
      actions(`queue_actions:${key}`, [
        button({
          text: 'Notify me',
          actionId: CASE_ACTIONS.notify,
          value: caseRefValue(row.vendor, row.caseId),
        }),
      ]),
    );
  }
  const counted = (Object.entries(more) as Array<[QueueGroup, number]>).filter(([, n]) => n > 0);
  const notSeen = queue.notSeenYet > 0 ? [`${queue.notSeenYet} not polled yet`] : [];
  if (counted.length > 0 || notSeen.length > 0) {
    const total = counted.reduce((sum, [, n]) => sum + n, 0);
    const parts = [...counted.map(([g, n]) => `${n} ${MORE_WORDS[g]}`), ...notSeen];
    blocks.push(
      context(
        total > 0
          ? `${total} more: ${parts.join(', ')}. \`/case list\` in a channel shows all of its cases.`
          : `${parts.join(', ')}.`,
      ),
    );
  }
  return blocks;
}

function recentBlocks(recent: readonly RecentCase[]): Block[] {
  if (recent.length === 0) return [context('Cases you open from Slack appear here.')];
  const seen = new Set<string>();
  const distinct = recent.filter((r) => {
    const key = `${r.vendor}:${r.caseId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const blocks = distinct.slice(0, HOME_RECENT_SHOWN).map((r) =>
    section(
      `${caseName(r.vendor, r.caseId)} *${escapeMrkdwn(truncate(r.title, 150))}*\n_opened ${slackDate(r.at, '{date_short_pretty} {time}') ?? ''}_`,
      {
        blockId: `recent:${r.vendor}:${r.caseId}`,
        accessory: button({
          text: 'Show',
          actionId: SHOW_CASE_ACTION,
          value: caseRefValue(r.vendor, r.caseId),
        }),
      },
    ),
  );
  if (distinct.length > HOME_RECENT_SHOWN) {
    blocks.push(context(`${distinct.length - HOME_RECENT_SHOWN} more opened by you recently.`));
  }
  return blocks;
}
