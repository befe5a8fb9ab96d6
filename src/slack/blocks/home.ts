/** App Home: the person's recently opened cases and the cases watched in channels they are in. */

import type { VendorId } from '../../domain/case.js';
import type { RecentCase, Watch } from '../../domain/ports/store.js';
import { vendorName } from '../../vendors/plugin.js';
import { caseRefValue } from './case-card.js';
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
import { escapeMrkdwn, truncate } from './limits.js';

export const HOME_OPEN_ACTION = 'home.open';

export interface HomeWatched {
  watch: Watch;
  title?: string;
  status?: string;
}

function caseName(vendor: VendorId, id: string): string {
  return `${vendorName(vendor)} \`${escapeMrkdwn(id)}\``;
}

export function buildHome(options: {
  recent: readonly RecentCase[];
  watched: readonly HomeWatched[];
  canOpen: boolean;
  /** "Notifying you" (./home-subscriptions.ts), shown after the page's opening lines. */
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
  blocks.push(...(options.subscriptions ?? []));

  blocks.push(divider(), header('Recently opened by you'));
  if (options.recent.length === 0) {
    blocks.push(context('Cases you open from Slack appear here.'));
  }
  const seen = new Set<string>();
  const recent = options.recent.filter((r) => {
    const key = `${r.vendor}:${r.caseId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const r of recent.slice(0, 20)) {
    blocks.push(
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
  }

  blocks.push(divider(), header('Watched in your channels'));
  if (options.watched.length === 0) {
    blocks.push(
      context(
        'Watch a case in a channel with `/case watch &lt;vendor&gt; &lt;id&gt;`; it appears here for everyone in it.',
      ),
    );
  }
  for (const w of options.watched.slice(0, 30)) {
    const title = w.title ? ` *${escapeMrkdwn(truncate(w.title, 150))}*` : '';
    const status = w.status ? ` · ${escapeMrkdwn(w.status)}` : '';
    blocks.push(
      section(`${caseName(w.watch.vendor, w.watch.caseId)}${title}\nin <#${w.watch.channelId}>${status}`, {
        blockId: `watched:${w.watch.vendor}:${w.watch.caseId}:${w.watch.channelId}`,
        accessory: button({
          text: 'Show',
          actionId: SHOW_CASE_ACTION,
          value: caseRefValue(w.watch.vendor, w.watch.caseId),
        }),
      }),
    );
  }
  return { type: 'home', blocks };
}
