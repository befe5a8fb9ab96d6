/** `/case list`: a page of cases with Previous/Next, and the list of cases a channel watches. */
import type { Case, VendorId } from '../../domain/case.js';
import type { ListQuery } from '../../domain/ports/vendor.js';
import type { WatchedCase } from '../../domain/use-cases/case-service.js';
import { vendorName } from '../../vendors/plugin.js';
import { caseRefValue, STATE_LOOK } from './case-card.js';
import { actions, type Block, button, context, section, slackDate } from './kit.js';
import { escapeMrkdwn, linkOrCode, type SlackMessage, truncate } from './limits.js';

export const LIST_PAGE_ACTION = 'list.page';
export const LIST_PAGE_SIZE = 10;
export const SHOW_CASE_ACTION = 'case.show';
export const WATCHING_UNWATCH_ACTION = 'watching.unwatch';

/** What a page button carries: the query and the page to show (small enough for a button value). */
export interface ListPageRef {
  v: VendorId;
  q: ListQuery;
  p: number;
}

export function describeQuery(query: ListQuery): string {
  const parts = [
    `${query.by === 'contract' ? 'contract' : 'user'} ${query.ids.map(escapeMrkdwn).join(', ')}`,
  ];
  if (query.status) parts.push(query.status);
  if (query.from) parts.push(`from ${query.from}`);
  if (query.to) parts.push(`to ${query.to}`);
  return parts.join(' · ');
}

function caseLine(c: Case): string {
  const look = STATE_LOOK[c.state];
  const id = linkOrCode(c.url, c.id);
  const bits = [`${look.emoji} ${escapeMrkdwn(c.status)}`];
  if (c.severity) bits.push(`severity ${escapeMrkdwn(c.severity)}`);
  const updated = slackDate(c.updatedAt, '{date_short}');
  if (updated) bits.push(`updated ${updated}`);
  return `${id} *${escapeMrkdwn(truncate(c.title, 150))}*\n${bits.join(' · ')}`;
}

export function buildListPage(
  vendor: VendorId,
  query: ListQuery,
  cases: readonly Case[],
  page: number,
): SlackMessage {
  const pages = Math.max(1, Math.ceil(cases.length / LIST_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const slice = cases.slice((current - 1) * LIST_PAGE_SIZE, current * LIST_PAGE_SIZE);
  const title = `*${vendorName(vendor)} cases* for ${describeQuery(query)}`;
  const blocks: Block[] = [
    section(
      cases.length === 0
        ? `${title}\nNo cases found.`
        : `${title}\n${cases.length} found${pages > 1 ? `, page ${current} of ${pages}` : ''}.`,
    ),
  ];
  for (const c of slice) {
    blocks.push(
      section(caseLine(c), {
        accessory: button({ text: 'Show', actionId: SHOW_CASE_ACTION, value: caseRefValue(c.vendor, c.id) }),
      }),
    );
  }
  if (pages > 1) {
    const nav = [];
    if (current > 1) {
      nav.push(
        button({
          text: '◀ Previous',
          actionId: `${LIST_PAGE_ACTION}.prev`,
          value: pageValue(vendor, query, current - 1),
        }),
      );
    }
    if (current < pages) {
      nav.push(
        button({
          text: 'Next ▶',
          actionId: `${LIST_PAGE_ACTION}.next`,
          value: pageValue(vendor, query, current + 1),
        }),
      );
    }
    blocks.push(actions('list_nav', nav));
  }
  return { text: `${vendorName(vendor)} cases for ${describeQuery(query)}: ${cases.length} found`, blocks };
}

function pageValue(vendor: VendorId, query: ListQuery, page: number): string {
  return JSON.stringify({ v: vendor, q: query, p: page } satisfies ListPageRef);
}

export function buildWatchingList(channelId: string, watched: readonly WatchedCase[]): SlackMessage {
  if (watched.length === 0) {
    return {
      text: 'No case is watched in this channel.',
      blocks: [
        section(
          `No case is watched in <#${channelId}>. Start with \`/case watch &lt;vendor&gt; &lt;id&gt;\`.`,
        ),
      ],
    };
  }
  const blocks: Block[] = [section(`*Cases watched in <#${channelId}>* (${watched.length})`)];
  for (const w of watched) {
    const name = `${vendorName(w.watch.vendor)} \`${escapeMrkdwn(w.watch.caseId)}\``;
    const title = w.title ? ` *${escapeMrkdwn(truncate(w.title, 150))}*` : '';
    const status = w.status ? `\n${escapeMrkdwn(w.status)}` : '';
    const since = slackDate(w.watch.createdAt, '{date_short}');
    blocks.push(
      section(`${name}${title}${status}\n_watched since ${since ?? 'recently'} by <@${w.watch.createdBy}>_`, {
        accessory: button({
          text: 'Unwatch',
          actionId: WATCHING_UNWATCH_ACTION,
          value: caseRefValue(w.watch.vendor, w.watch.caseId),
        }),
      }),
    );
  }
  blocks.push(context('Status changes of these cases are posted in this channel.'));
  return { text: `${watched.length} case(s) watched in this channel`, blocks };
}
