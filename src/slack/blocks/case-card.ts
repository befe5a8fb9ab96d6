/**
 * The case card: one look tells the on-call engineer what the case is, how it stands and what can be done
 * with it. Used for ephemeral lookups, cards posted in channels (which the poller updates in place) and
 * modal results. Times use Slack date tokens so each viewer sees their own time zone.
 */
import {
  type Case,
  type CaseNote,
  type CaseState,
  TERMINAL_STATES,
  type VendorId,
} from '../../domain/case.js';
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
  type PlainTextElement,
  section,
  sections,
  slackDate,
} from './kit.js';
import {
  escapeMrkdwn,
  fallbackText,
  linkableUrl,
  linkOrCode,
  SLACK_LIMITS,
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
  details: 'case.details',
  notify: 'case.notify',
  stopNotify: 'case.stop_notify',
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
  /** The person who sees this card gets direct messages about the case ("Stop notifying" instead of "Notify me"). */
  subscribed?: boolean;
  /**
   * False where the card is shown outside a channel (a DM): watches and posted cards belong to channels, so
   * Watch and Post are not offered there.
   */
  inChannel?: boolean;
  /** A line at the top ("Note added", "Refreshed just now"). */
  notice?: string;
  /** How many notes to show (newest first). */
  notes?: number;
  /** The time ages are counted from ("3 d ago"); now unless a test says otherwise. */
  now?: number;
  /** Whose move it is, from the case's snapshot; without one it is read from the vendor's times. */
  clock?: ResponseClock;
  /** Replies caseops posted in this card's thread (a posted card). */
  threadUpdates?: number;
}

export function statusLine(c: Pick<Case, 'state' | 'status'>): string {
  const look = STATE_LOOK[c.state];
  const vendorWords =
    c.status && c.status.toLowerCase() !== look.words.toLowerCase() ? ` (${escapeMrkdwn(c.status)})` : '';
  return `${look.emoji} *${look.words}*${vendorWords}`;
}

/** The most urgent levels stand out: Sev 1 / P1 can not be missed on a busy channel. */
const SEVERITY_MARKS: Record<number, string> = {
  1: ':red_circle:',
  2: ':large_orange_circle:',
  3: ':large_yellow_circle:',
};

/** The severity as the vendor words it, marked by how urgent it is (":red_circle: *Sev 1*"). */
export function severityLine(c: Pick<Case, 'severity' | 'severityLevel'>): string {
  if (!c.severity) return '—';
  const words = escapeMrkdwn(c.severity);
  const mark = c.severityLevel === undefined ? undefined : SEVERITY_MARKS[c.severityLevel];
  if (!mark) return words;
  return c.severityLevel === 1 ? `${mark} *${words}*` : `${mark} ${words}`;
}

/** "just now", "12 min ago", "5 h ago", "3 d ago". */
export function ageWords(iso: string | undefined, now: number): string | undefined {
  if (!iso) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** The one date format a card uses, everywhere on it: the exact time in the reader's own zone. */
export const CARD_DATE_FORMAT = '{date_short_pretty} {time}';

/** "3 d ago · <the exact time in the reader's zone>". */
export function whenLine(iso: string | undefined, now: number): string | undefined {
  const age = ageWords(iso, now);
  const exact = slackDate(iso, CARD_DATE_FORMAT);
  if (!age || !exact) return undefined;
  return `${age} · ${exact}`;
}

/** The vendor's case id, linked to the case at the vendor where the plugin knows its portal. */
export function caseLink(c: Pick<Case, 'id' | 'url'>): string {
  // Escaped, and only a plain http(s) URL is linked, so an id can never read as a mention or a link of its own.
  return linkOrCode(c.url, c.id);
}

/**
 * Text shown exactly as the vendor wrote it: plain_text, so `*bold*`, `<!here>` or `:emoji:` in a title is
 * never formatting, a mention or an emoji.
 */
export function exactText(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: false };
}

/** The title as a header when it fits one, otherwise whole in a plain-text section. */
export function titleBlock(title: string): Block {
  if (title.length <= SLACK_LIMITS.message.headerChars) {
    return { type: 'header', text: exactText(title, SLACK_LIMITS.message.headerChars) };
  }
  return { type: 'section', text: exactText(title, SLACK_LIMITS.message.sectionTextChars) };
}

/** How many vendor fields the card shows beside the six it always has (Slack allows ten per section). */
const CARD_VENDOR_FIELDS = SLACK_LIMITS.message.fieldCount - 6;
/** Notes are cut on the card (Details shows them whole) so 30 of them never crowd out the rest. */
const CARD_NOTE_CHARS = 600;
const CARD_NOTES_BUDGET = 6000;

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

/** The six facts every card and the Details view lead with. */
export function headlineFields(c: Case, now: number): Array<{ label: string; value: string }> {
  return [
    { label: `${escapeMrkdwn(vendorShortName(c.vendor))} case`, value: caseLink(c) },
    { label: 'Status', value: statusLine(c) },
    { label: 'Severity', value: severityLine(c) },
    { label: 'Owner', value: c.owner ? escapeMrkdwn(c.owner) : '—' },
    { label: 'Opened', value: whenLine(c.createdAt, now) ?? '—' },
    { label: 'Updated', value: whenLine(c.updatedAt, now) ?? '—' },
  ];
}

/** Notes newest first, whatever order they came in (undated ones last, in their order). */
export function newestFirst(notes: readonly CaseNote[]): CaseNote[] {
  const at = (n: CaseNote) => (n.createdAt ? Date.parse(n.createdAt) : Number.NaN);
  return notes
    .map((note, index) => ({ note, index, at: at(note) }))
    .sort((a, b) => {
      const aDated = !Number.isNaN(a.at);
      const bDated = !Number.isNaN(b.at);
      if (aDated && bDated) return b.at - a.at || a.index - b.index;
      if (aDated !== bDated) return aDated ? -1 : 1;
      return a.index - b.index;
    })
    .map((entry) => entry.note);
}

/** A Slack user id as Slack issues them; only such an id is ever written as a mention. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** Who wrote a note: the vendor's author, or the person who sent it from Slack. */
function noteAuthor(n: CaseNote): string {
  if (n.source === 'slack') {
    return n.slackUserId && SLACK_USER_ID.test(n.slackUserId)
      ? `*Sent from Slack* by <@${n.slackUserId}>`
      : '*Sent from Slack*';
  }
  return n.author ? `*${escapeMrkdwn(n.author)}*` : '*Note*';
}

/** "*Author* · 3 d ago · <exact time>" and the note quoted, its text escaped. */
export function noteText(n: CaseNote, now: number, maxChars: number): string {
  const who = noteAuthor(n);
  const when = whenLine(n.createdAt, now);
  const body = escapeMrkdwn(truncate(n.text, maxChars)).replace(/\n/g, '\n>');
  return `${who}${when ? ` · ${when}` : ''}\n>${body}`;
}

/** The latest steps of the vendor's own status record: `:clipboard: Equinix record: … → In progress 3 h ago`. */
function historyLine(c: Case, now: number): string | undefined {
  const history = c.statusHistory ?? [];
  if (history.length < 2) return undefined;
  const shown = history.slice(-CARD_HISTORY_STEPS).map((step) => {
    const status = escapeMrkdwn(truncate(step.status, CARD_HISTORY_STATUS_CHARS));
    const age = ageWords(step.at, now);
    return age ? `${status} ${age}` : status;
  });
  const earlier = history.length > shown.length ? '… → ' : '';
  return `:clipboard: ${escapeMrkdwn(vendorShortName(c.vendor))} record: ${earlier}${shown.join(' → ')}`;
}

/** Steps of the vendor's status record a card shows; all of them are in Details. */
const CARD_HISTORY_STEPS = 3;
const CARD_HISTORY_STATUS_CHARS = 40;

export function buildCaseBlocks(c: Case, options: CardOptions): Block[] {
  const now = options.now ?? Date.now();
  const blocks: Block[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push(titleBlock(c.title || `Case ${c.id}`));

  const vendorFields = c.fields.map((f) => ({
    label: escapeMrkdwn(f.label),
    value: escapeMrkdwn(f.value) || '—',
  }));
  blocks.push(fieldsSection([...headlineFields(c, now), ...vendorFields.slice(0, CARD_VENDOR_FIELDS)]));
  const clock = options.clock ?? caseOnlyClock(c);
  if (clock) blocks.push(context(`:stopwatch: ${clockWords(clock, new Date(now), c.vendor)}`));

  const about: string[] = [escapeMrkdwn(vendorName(c.vendor))];
  if (options.openedBy) about.push(`Opened from Slack by <@${options.openedBy}>`);
  if (c.alternateIds.length > 0)
    about.push(`Also known as ${c.alternateIds.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}`);
  if (options.watchedHere) about.push(':eyes: Watched in this channel: status changes are posted here');
  const replies = options.threadUpdates ?? 0;
  if (replies > 0) about.push(`:thread: ${replies} ${replies === 1 ? 'update' : 'updates'} in thread`);
  blocks.push(context(...about));
  const history = historyLine(c, now);
  if (history) blocks.push(context(history));

  const wanted = newestFirst(c.notes).slice(0, options.notes ?? 3);
  const shown: string[] = [];
  let used = 0;
  for (const n of wanted) {
    const text = noteText(n, now, CARD_NOTE_CHARS);
    if (shown.length > 0 && used + text.length > CARD_NOTES_BUDGET) break;
    shown.push(text);
    used += text.length;
  }
  if (shown.length > 0) {
    blocks.push(...sections(`*Latest notes*\n${shown.join('\n')}`));
    const more = c.notes.length - shown.length;
    if (more > 0) blocks.push(context(`${more} older ${more === 1 ? 'note' : 'notes'} in Details.`));
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
  buttons.push(button({ text: 'Details', actionId: CASE_ACTIONS.details, value }));
  if (options.surface === 'modal') return buttons;
  const writes = allowedWrites(c, options.capabilities);
  if (writes.annotate) buttons.push(button({ text: 'Add note', actionId: CASE_ACTIONS.note, value }));
  if (writes.cancel)
    buttons.push(button({ text: 'Cancel case', actionId: CASE_ACTIONS.cancel, value, style: 'danger' }));
  buttons.push(button({ text: 'Refresh', actionId: CASE_ACTIONS.refresh, value }));
  buttons.push(
    options.subscribed
      ? button({ text: 'Stop notifying', actionId: CASE_ACTIONS.stopNotify, value })
      : button({ text: 'Notify me', actionId: CASE_ACTIONS.notify, value }),
  );
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
