/**
 * The case card: one look tells the on-call engineer what the case is, how it stands and what can be done
 * with it. Used for ephemeral lookups, cards posted in channels (which the poller updates in place) and
 * modal results. Times use Slack date tokens so each viewer sees their own time zone.
 */
import { type Case, type CaseState, TERMINAL_STATES, type VendorId } from '../../domain/case.js';
import type { Capability } from '../../domain/ports/vendor.js';
import { caseOnlyClock, type ResponseClock } from '../../domain/response-clock.js';
import { vendorName, vendorShortName } from '../../vendors/plugin.js';
import { clockWords } from '../words.js';
import {
  actions,
  type Block,
  type Button,
  button,
  context,
  fieldsSection,
  header,
  section,
  slackDate,
} from './kit.js';
import {
  escapeMrkdwn,
  fallbackText,
  linkableUrl,
  linkOrCode,
  type SlackMessage,
  truncate,
} from './limits.js';

export const CASE_ACTIONS = {
  note: 'case.note',
  cancel: 'case.cancel',
  refresh: 'case.refresh',
  watch: 'case.watch',
  unwatch: 'case.unwatch',
  post: 'case.post',
  portal: 'case.portal',
} as const;

export const STATE_LOOK: Record<CaseState, { emoji: string; words: string }> = {
  open: { emoji: ':large_blue_circle:', words: 'Open' },
  'waiting-on-vendor': { emoji: ':hourglass_flowing_sand:', words: 'Waiting on vendor' },
  'waiting-on-customer': { emoji: ':large_orange_circle:', words: 'Waiting on us' },
  resolved: { emoji: ':white_check_mark:', words: 'Resolved' },
  closed: { emoji: ':white_circle:', words: 'Closed' },
  cancelled: { emoji: ':no_entry_sign:', words: 'Cancelled' },
};

/** The value every case button carries. */
export interface CaseRef {
  v: VendorId;
  id: string;
}

export function caseRefValue(vendor: VendorId, id: string): string {
  return JSON.stringify({ v: vendor, id } satisfies CaseRef);
}

export interface CardOptions {
  /** Where the card is shown: buttons differ (a posted card has no "Post to channel"). */
  surface: 'channel' | 'ephemeral' | 'modal';
  /** What the vendor allows in general (the card also honours the case's own `allows`). */
  capabilities: ReadonlySet<Capability>;
  openedBy?: string;
  /** The card's channel watches this case. */
  watchedHere?: boolean;
  /**
   * False where the card is shown outside a channel (a DM): watches and posted cards belong to channels, so
   * Watch and Post are not offered there.
   */
  inChannel?: boolean;
  /** A line at the top ("Note added", "Refreshed just now"). */
  notice?: string;
  /** How many notes to show (newest first). */
  notes?: number;
  /** Whose move it is, from the case's snapshot; without one it is read from the vendor's times. */
  clock?: ResponseClock;
  /** When the card is rendered (the clock's "for 5 h"). */
  now?: Date;
}

export function statusLine(c: Pick<Case, 'state' | 'status'>): string {
  const look = STATE_LOOK[c.state];
  const vendorWords =
    c.status && c.status.toLowerCase() !== look.words.toLowerCase() ? ` (${escapeMrkdwn(c.status)})` : '';
  return `${look.emoji} *${look.words}*${vendorWords}`;
}

/** Which writes this card may offer now: the vendor's capability, the case's own say, and its state. */
export function allowedWrites(
  c: Case,
  capabilities: ReadonlySet<Capability>,
): { annotate: boolean; cancel: boolean } {
  const terminal = TERMINAL_STATES.has(c.state);
  return {
    annotate: capabilities.has('annotate') && c.allows?.annotate !== false && !terminal,
    cancel: capabilities.has('cancel') && c.allows?.cancel !== false && !terminal && c.state !== 'resolved',
  };
}

export function caseTitle(c: Pick<Case, 'vendor' | 'id' | 'title'>): string {
  return `${vendorName(c.vendor)} ${c.id} · ${c.title}`;
}

export function buildCaseBlocks(c: Case, options: CardOptions): Block[] {
  const blocks: Block[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push(header(`${STATE_LOOK[c.state].emoji} ${truncate(c.title || `Case ${c.id}`, 120)}`));

  const fields = [
    { label: 'Vendor', value: vendorName(c.vendor) },
    { label: 'Case', value: linkOrCode(c.url, c.id) },
    { label: 'Status', value: statusLine(c) },
    { label: 'Severity', value: c.severity ? escapeMrkdwn(c.severity) : '—' },
    { label: 'Owner', value: c.owner ? escapeMrkdwn(c.owner) : '—' },
    { label: 'Opened', value: slackDate(c.createdAt) ?? '—' },
    { label: 'Updated', value: slackDate(c.updatedAt) ?? '—' },
    ...c.fields.map((f) => ({ label: escapeMrkdwn(f.label), value: escapeMrkdwn(f.value) || '—' })),
  ];
  blocks.push(fieldsSection(fields.slice(0, 10)));
  const clock = options.clock ?? caseOnlyClock(c);
  if (clock) blocks.push(context(`:stopwatch: ${clockWords(clock, options.now ?? new Date(), c.vendor)}`));

  const about: string[] = [];
  if (options.openedBy) about.push(`Opened from Slack by <@${options.openedBy}>`);
  if (c.alternateIds.length > 0)
    about.push(`Also known as ${c.alternateIds.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}`);
  if (options.watchedHere) about.push(':eyes: Watched in this channel: status changes are posted here');
  if (about.length > 0) blocks.push(context(...about));

  const notes = c.notes.slice(0, options.notes ?? 3);
  if (notes.length > 0) {
    const lines = notes.map((n) => {
      const who = n.author ? `*${escapeMrkdwn(n.author)}*` : '*Note*';
      const when = slackDate(n.createdAt, '{date_short} {time}');
      return `${who}${when ? ` · ${when}` : ''}\n>${escapeMrkdwn(truncate(n.text, 600)).replace(/\n/g, '\n>')}`;
    });
    blocks.push(section(`*Latest notes*\n${lines.join('\n')}`));
  }

  const buttons = caseButtons(c, options);
  if (buttons.length > 0) blocks.push(actions(`case_actions`, buttons));
  return blocks;
}

function caseButtons(c: Case, options: CardOptions): Button[] {
  const value = caseRefValue(c.vendor, c.id);
  const buttons: Button[] = [];
  const portal = linkableUrl(c.url);
  if (portal) {
    buttons.push(
      button({
        text: `Open in ${vendorShortName(c.vendor)}`,
        actionId: CASE_ACTIONS.portal,
        url: portal,
        value,
      }),
    );
  }
  if (options.surface === 'modal') return buttons;
  const writes = allowedWrites(c, options.capabilities);
  if (writes.annotate) buttons.push(button({ text: 'Add note', actionId: CASE_ACTIONS.note, value }));
  if (writes.cancel)
    buttons.push(button({ text: 'Cancel case', actionId: CASE_ACTIONS.cancel, value, style: 'danger' }));
  buttons.push(button({ text: 'Refresh', actionId: CASE_ACTIONS.refresh, value }));
  if (options.inChannel === false) return buttons;
  buttons.push(
    options.watchedHere
      ? button({ text: 'Unwatch', actionId: CASE_ACTIONS.unwatch, value })
      : button({ text: 'Watch here', actionId: CASE_ACTIONS.watch, value }),
  );
  if (options.surface === 'ephemeral') {
    buttons.push(button({ text: 'Post to channel', actionId: CASE_ACTIONS.post, value, style: 'primary' }));
  }
  return buttons;
}

/** The fallback text for notifications and screen readers. */
export function caseFallback(c: Case): string {
  return fallbackText`${vendorName(c.vendor)} case ${c.id}: ${c.title} — ${STATE_LOOK[c.state].words} (${c.status})`;
}

export function buildCaseCard(c: Case, options: CardOptions): SlackMessage {
  const text = options.notice ? `${options.notice}\n${caseFallback(c)}` : caseFallback(c);
  return { text, blocks: buildCaseBlocks(c, options) };
}
