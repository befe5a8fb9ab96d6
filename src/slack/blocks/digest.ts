/**
 * Block Kit for digests: one entry per case (its title, link, the path of its states in the window, what else
 * changed, and how long ago), grouped waiting on us, then waiting on the vendor, then resolved and closed.
 * Each message fits Slack's limits (≤ 50 blocks, ≤ ~10k characters of block text, ≤ 3000 per section).
 *
 * Splitting: a digest that needs several messages is cut into runs of consecutive events (by event id, i.e.
 * the order they were recorded), posted oldest run first, each message showing its run's cases. That way the
 * channel's cursor can advance to a message's last event the moment Slack accepts it: everything up to that id
 * has been posted, everything after it is still to come, so a failure part-way neither repeats posted changes
 * nor loses unposted ones. Cuts fall between cases wherever one fits; only a case whose events interleave
 * with so many others that no clean cut fits a message appears in two of them.
 *
 * Titles are the vendor's (or a person's) text: each is shown inside an inline code span, where Slack applies
 * no bold, italics or strike-through, with `&`, `<` and `>` escaped so no mention, channel ping or link forms.
 */

import type { types } from '@slack/bolt';
import { type CaseState, caseKey } from '../../domain/case.js';
import {
  type DigestEntry,
  type DigestGroup,
  type DigestRenderContext,
  digestEntries,
} from '../../domain/digest.js';
import type { CaseEventNote, StatusChangeEvent } from '../../domain/ports/store.js';
import type { ResponseClock } from '../../domain/response-clock.js';
import { vendorShortName } from '../../vendors/plugin.js';
import { clockWords } from '../words.js';
import { STATE_LOOK } from './case-card.js';
import { blockTextLength, escapeMrkdwn, SLACK_LIMITS, truncate } from './limits.js';

type Block = types.KnownBlock;

/** The issue asks for ~10k characters per message, safely under the ~13k at which Slack refuses blocks. */
export const DIGEST_TEXT_BUDGET = 10_000;

export interface DigestLimits {
  maxBlocks: number;
  maxTextChars: number;
}

export const DIGEST_LIMITS: DigestLimits = {
  maxBlocks: SLACK_LIMITS.message.blocks,
  maxTextChars: DIGEST_TEXT_BUDGET,
};

export interface DigestMessage {
  text: string;
  blocks: Block[];
  /** Ids of the events this message shows, ascending. */
  eventIds: number[];
  /** The cursor value once Slack has accepted this message. */
  lastEventId: number;
}

const TITLE_CHARS = 150;
const STATUS_CHARS = 60;
const NOTE_LINE_CHARS = 200;
const NAME_CHARS = 80;
/** Notes listed per entry; more are counted. */
const NOTES_SHOWN = 3;
/** Entries of the vendor's status record shown per case; the earlier ones are in Details. */
const HISTORY_SHOWN = 4;
/** States shown in a path; a longer path keeps its first and last ones. */
const PATH_STEPS = 6;
/** Longer links are shown as plain ids rather than risk a malformed mrkdwn link. */
const LINK_CHARS = 1000;
/** The words of the link to a case card's thread. */
const THREAD_LINK_WORD = 'thread';
/** Room kept for the part counter ("(12/13)"), which is only known once the split is done. */
const HEADER_RESERVE = 40;

const GROUP_HEADINGS: Record<DigestGroup, string> = {
  'waiting-on-us': ':large_orange_circle: *Waiting on us*',
  'waiting-on-vendor': ':hourglass_flowing_sand: *Waiting on the vendor*',
  done: ':white_check_mark: *Resolved and closed*',
};
const GROUP_SUMMARY: Record<DigestGroup, string> = {
  'waiting-on-us': 'waiting on us',
  'waiting-on-vendor': 'waiting on the vendor',
  done: 'resolved or closed',
};

/**
 * Splits `events` (the channel's undigested events, oldest first) into messages within `limits`. Every
 * event lands in exactly one message; the messages are to be posted in the order returned.
 */
export function buildDigestMessages(
  events: readonly StatusChangeEvent[],
  context: DigestRenderContext,
  limits: DigestLimits = DIGEST_LIMITS,
): DigestMessage[] {
  const ordered = [...events].sort((a, b) => a.id - b.id);
  const now = context.now ?? ordered[ordered.length - 1]?.observedAt ?? new Date(0).toISOString();
  // The split renders overlapping runs many times over; a case's entry is the same text in each run that holds
  // the same events of it, so each is rendered once. Its first event and count name those events: a run is
  // consecutive events, so it holds a consecutive stretch of each case's events.
  const entryTexts = new Map<string, string>();
  const textOf = (entry: DigestEntry) => {
    const key = `${entry.eventIds[0]}:${entry.eventIds.length}`;
    let text = entryTexts.get(key);
    if (text === undefined) {
      const caseRef = caseKey(entry.vendor, entry.caseId);
      text = entryText(entry, now, context.threadLinks?.get(caseRef), context.clocks?.get(caseRef));
      entryTexts.set(key, text);
    }
    return text;
  };
  const since = sinceText(context);
  const render = (run: readonly StatusChangeEvent[], position: { part: number; parts: number }) =>
    renderRun(run, since, position, textOf);
  // A cut is clean where no case has events on both sides of it; cuts are made there whenever one fits.
  const lastIndexOfCase = new Map<string, number>();
  for (const [index, event] of ordered.entries()) lastIndexOfCase.set(caseOf(event), index);
  const cleanAfter: boolean[] = [];
  let reach = -1;
  ordered.forEach((event, index) => {
    reach = Math.max(reach, lastIndexOfCase.get(caseOf(event))!);
    cleanAfter.push(reach === index);
  });
  const runs: StatusChangeEvent[][] = [];
  // Every event fitting in one message is the usual digest: that check's render is then the message itself.
  let whole: { text: string; blocks: Block[] } | undefined;
  const runFill = (from: number, to: number) => {
    const rendered = render(ordered.slice(from, to), { part: 1, parts: 1 });
    const used = fill(rendered, limits);
    if (used <= 1 && from === 0 && to === ordered.length) whole = rendered;
    return used;
  };
  let start = 0;
  let end = 0; // the current run is ordered[start, end)
  while (end < ordered.length) {
    // The longest run from `start` that fits (a run only grows as events join it), found in a few renders
    // rather than one per event.
    end = longestFitting(start, ordered.length, runFill);
    if (end === ordered.length) break;
    let cut = end;
    for (let i = end - 1; i > start; i--) {
      if (cleanAfter[i - 1]) {
        cut = i;
        break;
      }
    }
    runs.push(ordered.slice(start, cut));
    start = cut;
    end = cut;
  }
  if (end > start) runs.push(ordered.slice(start, end));

  return runs.map((run, index) => {
    const rendered =
      whole && runs.length === 1 ? whole : render(run, { part: index + 1, parts: runs.length });
    return {
      ...rendered,
      eventIds: run.map((event) => event.id),
      lastEventId: run[run.length - 1]!.id,
    };
  });
}

/**
 * The largest `end` in (start, length] whose run fits (`fillOf(start, end)` ≤ 1: the share of the message's
 * limits it uses), or start + 1 when even one event does not fit (it gets a message of its own). Entries are
 * of much the same size, so the share of the whole that fits is a close first guess; from there the search
 * gallops to the edge, then halves.
 */
function longestFitting(start: number, length: number, fillOf: (from: number, to: number) => number): number {
  const whole = fillOf(start, length);
  if (whole <= 1) return length;
  // Invariant: [start, good) fits (one event always counts as fitting), [start, bad) does not.
  let good = start + 1;
  let bad = length;
  const guess = start + Math.floor((length - start) / whole);
  if (guess > good && guess < bad) {
    const fitting = fillOf(start, guess) <= 1;
    if (fitting) good = guess;
    else bad = guess;
    for (let step = 1; bad - good > 1; step *= 2) {
      if (fitting) {
        const probe = Math.min(good + step, bad - 1);
        if (fillOf(start, probe) > 1) {
          bad = probe;
          break;
        }
        good = probe;
      } else {
        const probe = Math.max(bad - step, good + 1);
        if (fillOf(start, probe) <= 1) {
          good = probe;
          break;
        }
        bad = probe;
      }
    }
  }
  while (bad - good > 1) {
    const middle = good + Math.floor((bad - good) / 2);
    if (fillOf(start, middle) <= 1) good = middle;
    else bad = middle;
  }
  return good;
}

/** The message posted when nothing changed and the channel asked to hear so anyway. */
export function buildEmptyDigestMessage(context: DigestRenderContext): { text: string; blocks: Block[] } {
  const since = sinceText(context);
  return {
    text: 'Case status digest: no changes',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Case status digest', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `No watched case changed status${since}.` } },
    ],
  };
}

/** ` since <date>` for the digest's window, or nothing for a first digest with no known start. */
function sinceText(context: DigestRenderContext): string {
  return context.since ? ` since ${dateMention(context.since, context.timezone)}` : '';
}

function caseOf(event: StatusChangeEvent): string {
  return `${event.vendor}\u0000${event.caseId}`;
}

/** The share of the message's limits `message` uses, the larger of blocks and text: it fits at 1 or less. */
function fill(message: { blocks: Block[] }, limits: DigestLimits): number {
  const chars = message.blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
  return Math.max(message.blocks.length / limits.maxBlocks, (chars + HEADER_RESERVE) / limits.maxTextChars);
}

function renderRun(
  run: readonly StatusChangeEvent[],
  since: string,
  position: { part: number; parts: number },
  textOf: (entry: DigestEntry) => string,
): { text: string; blocks: Block[] } {
  const entries = digestEntries(run);
  const counter = position.parts > 1 ? ` (${position.part}/${position.parts})` : '';
  const total = `${entries.length} ${entries.length === 1 ? 'case' : 'cases'} changed`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: `Case status digest${counter}`, emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${total}${since}.` }] },
  ];
  const counts = new Map<DigestGroup, number>();
  for (const group of Object.keys(GROUP_HEADINGS) as DigestGroup[]) {
    const inGroup = entries.filter((entry) => entry.group === group);
    if (inGroup.length === 0) continue;
    counts.set(group, inGroup.length);
    const heading = `${GROUP_HEADINGS[group]} · ${inGroup.length}`;
    blocks.push(...packEntries(heading, inGroup.map(textOf)));
  }
  const summary = [...counts].map(([group, count]) => `${count} ${GROUP_SUMMARY[group]}`).join(', ');
  const text = truncate(
    `Case status digest${counter}: ${total}${summary ? ` (${summary})` : ''}`,
    SLACK_LIMITS.message.fallbackChars,
  );
  return { text, blocks };
}

/** One section per ~3000 characters of entries; the group heading opens the first. */
function packEntries(heading: string, entries: string[]): Block[] {
  const max = SLACK_LIMITS.message.sectionTextChars;
  const sections: string[] = [];
  let text = heading;
  for (const entry of entries) {
    const piece = truncate(entry, max);
    if (text.length + 1 + piece.length > max) {
      sections.push(text);
      text = piece;
    } else {
      text = `${text}\n${piece}`;
    }
  }
  sections.push(text);
  return sections.map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
}

/**
 * One case (with `thread`, the permalink of the case's card in this channel, a link to its thread):
 * (with `clock`, whose move it is now):
 * `• Cisco <link|690000001> `Title` · 2 h ago · Waiting on us for 5 h · <permalink|thread>`
 * `   Waiting on vendor → Waiting on us → Resolved (Cisco Pending → Customer Pending → Closed)`
 * `   New note by Priya Raman: “Replaced the line card.”`
 * `   Owner: Priya Raman → Marco Bianchi · Severity: Sev 3 → Sev 2`
 */
export function entryText(entry: DigestEntry, now: string, thread?: string, clock?: ResponseClock): string {
  const label = escapeMrkdwn(entry.caseId);
  const link = linkable(entry.url) ? `<${entry.url}|${label}>` : `\`${label}\``;
  const threadLink = linkable(thread) ? ` · <${thread}|${THREAD_LINK_WORD}>` : '';
  const clockText = clock ? ` · ${clockWords(clock, new Date(now), entry.vendor)}` : '';
  const title = literal(
    truncate(entry.title.replace(/\s+/g, ' ').trim() || `Case ${entry.caseId}`, TITLE_CHARS),
  );
  const lines = [
    `• ${escapeMrkdwn(vendorShortName(entry.vendor))} ${link} ${title} · ${age(entry.latestAt, now)}${clockText}${threadLink}`,
  ];
  if (entry.states.length > 1 || entry.statuses.length > 1) lines.push(`   ${pathText(entry)}`);
  else lines.push(`   ${STATE_LOOK[entry.states[0]!].words} (${words(entry.statuses[0] ?? '')})`);
  for (const note of entry.notes.slice(-NOTES_SHOWN).reverse()) lines.push(`   ${noteText(note)}`);
  if (entry.notes.length > NOTES_SHOWN) {
    lines.push(`   _and ${entry.notes.length - NOTES_SHOWN} earlier notes_`);
  }
  if (entry.history.length > 0) lines.push(`   ${historyText(entry, now)}`);
  const changes: string[] = [];
  for (const [label, change] of [
    ['Owner', entry.owner],
    ['Severity', entry.severity],
  ] as const) {
    if (change && change.from !== change.to) {
      changes.push(`${label}: ${words(change.from || 'none')} → *${words(change.to || 'none')}*`);
    }
  }
  if (changes.length > 0) lines.push(`   ${changes.join(' · ')}`);
  return lines.join('\n');
}

/** The vendor's own record of the steps: `Equinix record: In progress 3 h ago → Action required 1 h ago`. */
function historyText(entry: DigestEntry, now: string): string {
  const shown = entry.history.slice(-HISTORY_SHOWN);
  const steps = shown.map((step) =>
    step.at ? `${words(step.status)} ${age(step.at, now)}` : words(step.status),
  );
  const earlier = entry.history.length > shown.length ? '… → ' : '';
  return `:clipboard: ${escapeMrkdwn(vendorShortName(entry.vendor))} record: ${earlier}${steps.join(' → ')}`;
}

/** A URL that can go into an mrkdwn link as it is (short, http(s), nothing that would end the link). */
function linkable(url: string | undefined): url is string {
  return url !== undefined && url.length <= LINK_CHARS && /^https?:\/\/[^\s|<>]+$/.test(url);
}

/** `Waiting on vendor → Waiting on us → *Resolved*`, with the vendor's words after it. */
function pathText(entry: DigestEntry): string {
  const states = shortened(entry.states).map((state) =>
    state === undefined ? '…' : STATE_LOOK[state as CaseState].words,
  );
  const statuses = shortened(entry.statuses).map((status) => (status === undefined ? '…' : words(status)));
  const last = states.length - 1;
  const path = states.map((state, index) => (index === last ? `*${state}*` : state)).join(' → ');
  return `${path} (${statuses.join(' → ')})`;
}

/** Keeps the first and the last steps of a long path, with a gap (undefined) between. */
function shortened<T>(steps: readonly T[]): Array<T | undefined> {
  if (steps.length <= PATH_STEPS) return [...steps];
  return [steps[0], undefined, ...steps.slice(steps.length - (PATH_STEPS - 2))];
}

function noteText(note: CaseEventNote): string {
  const firstLine = note.text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const quoted = `“${escapeMrkdwn(truncate(firstLine.trim(), NOTE_LINE_CHARS))}”`;
  if (note.source === 'slack') {
    const by =
      note.slackUserId && /^[UW][A-Z0-9]+$/.test(note.slackUserId) ? ` by <@${note.slackUserId}>` : '';
    return `:speech_balloon: Note sent from Slack${by}: ${quoted}`;
  }
  const by = note.author ? ` by ${words(truncate(note.author, NAME_CHARS))}` : '';
  return `:memo: New note${by}: ${quoted}`;
}

function words(text: string): string {
  return escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), STATUS_CHARS));
}

/**
 * Text shown exactly as written: in an inline code span Slack applies no formatting, and escaping `&<>`
 * keeps mentions and links from forming. A backquote would end the span, so it becomes a look-alike.
 */
export function literal(text: string): string {
  const inside = escapeMrkdwn(text.replace(/`/g, 'ˋ'));
  return `\`${inside || ' '}\``;
}

/** How long ago, in the largest unit that reads naturally. */
export function age(iso: string, now: string): string {
  const minutes = Math.max(0, Math.floor((Date.parse(now) - Date.parse(iso)) / 60_000));
  if (Number.isNaN(minutes) || minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const fallbackFormatters = new Map<string, Intl.DateTimeFormat>();
/**
 * Fallback texts by zone and minute (the text shows no seconds): the digests of one fire mostly share the minute
 * their window began, and formatting costs more than the rest of a small digest's header.
 */
const fallbackTexts = new Map<string, string>();
const FALLBACK_TEXTS_KEPT = 1_000;

/** A date Slack shows in the reader's zone; the fallback is in the channel's digest zone. */
function dateMention(iso: string, timezone: string): string {
  let formatter = fallbackFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    fallbackFormatters.set(timezone, formatter);
  }
  const ms = Date.parse(iso);
  const key = `${timezone}\u0000${Math.floor(ms / 60_000)}`;
  let fallback = fallbackTexts.get(key);
  if (fallback === undefined) {
    fallback = formatter.format(new Date(ms));
    if (fallbackTexts.size >= FALLBACK_TEXTS_KEPT) fallbackTexts.clear();
    fallbackTexts.set(key, fallback);
  }
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}
