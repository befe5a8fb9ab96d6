/**
 * Block Kit for status digests, split into messages that each fit Slack's limits (≤ 50 blocks, ≤ ~10k
 * characters of block text, ≤ 3000 per section).
 *
 * Splitting and "newest first": a digest that needs several messages is cut into runs of consecutive events
 * (by event id, i.e. the order they were recorded) and posted oldest run first; inside each message changes
 * are grouped by vendor, newest first. That way the channel's cursor can advance to a message's last event
 * the moment Slack accepts it: everything up to that id has been posted, everything after it is still to
 * come, so a failure part-way neither repeats posted changes nor loses unposted ones. It also reads well:
 * Slack shows the newest message at the bottom, and that is where the newest changes land.
 */

import type { types } from '@slack/bolt';
import { type DigestRenderContext, groupChangesByVendor } from '../../domain/digest.js';
import type { StatusChangeEvent } from '../../domain/ports/store.js';
import { ALL_PLUGINS } from '../../vendors/plugin.js';

/** Digests list vendors in plugin order, by their display names. */
const DIGEST_VENDORS = ALL_PLUGINS.map((plugin) => ({ id: plugin.id, name: plugin.name }));

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
/** Longer links are shown as plain ids rather than risk a malformed mrkdwn link. */
const LINK_CHARS = 1000;
/** Room kept for the part counter ("(12/13)"), which is only known once the split is done. */
const HEADER_RESERVE = 40;

/**
 * Splits `events` (the channel's undigested changes, oldest first) into messages within `limits`. Every
 * event lands in exactly one message; the messages are to be posted in the order returned.
 */
export function buildDigestMessages(
  events: readonly StatusChangeEvent[],
  context: DigestRenderContext,
  limits: DigestLimits = DIGEST_LIMITS,
): DigestMessage[] {
  const ordered = [...events].sort((a, b) => a.id - b.id);
  const lines = new Map(ordered.map((event) => [event.id, changeLine(event, context.timezone)]));
  const render = (run: readonly StatusChangeEvent[], position: { part: number; parts: number }) =>
    renderRun(run, context, position, (event) => lines.get(event.id)!);
  const runs: StatusChangeEvent[][] = [];
  let current: StatusChangeEvent[] = [];
  for (const event of ordered) {
    const candidate = [...current, event];
    if (current.length > 0 && !fits(render(candidate, { part: 1, parts: 1 }), limits)) {
      runs.push(current);
      current = [event];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) runs.push(current);

  return runs.map((run, index) => {
    const rendered = render(run, { part: index + 1, parts: runs.length });
    return {
      ...rendered,
      eventIds: run.map((event) => event.id),
      lastEventId: run[run.length - 1]!.id,
    };
  });
}

/** The message posted when nothing changed and the channel asked to hear so anyway. */
export function buildEmptyDigestMessage(context: DigestRenderContext): { text: string; blocks: Block[] } {
  const since = context.since ? ` since ${dateMention(context.since, context.timezone)}` : '';
  return {
    text: 'Case status digest: no changes',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Case status digest', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `No watched case changed status${since}.` } },
    ],
  };
}

function fits(message: { blocks: Block[] }, limits: DigestLimits): boolean {
  const chars = message.blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
  return message.blocks.length <= limits.maxBlocks && chars + HEADER_RESERVE <= limits.maxTextChars;
}

function renderRun(
  run: readonly StatusChangeEvent[],
  context: DigestRenderContext,
  position: { part: number; parts: number },
  lineOf: (event: StatusChangeEvent) => string,
): { text: string; blocks: Block[] } {
  const counter = position.parts > 1 ? ` (${position.part}/${position.parts})` : '';
  const total = `${run.length} status ${run.length === 1 ? 'change' : 'changes'}`;
  const since = context.since ? ` since ${dateMention(context.since, context.timezone)}` : '';
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: `Case status digest${counter}`, emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${total}${since}, newest first.` }] },
  ];
  for (const group of groupChangesByVendor(run, DIGEST_VENDORS)) {
    const heading = `*${group.vendorName}* · ${group.changes.length} ${group.changes.length === 1 ? 'change' : 'changes'}`;
    const lines = group.changes.map(lineOf);
    blocks.push(...packLines(heading, lines));
  }
  const text = truncate(
    `Case status digest${counter}: ${total}${run.length > 0 ? ` (${vendorSummary(run)})` : ''}`,
    SLACK_LIMITS.message.fallbackChars,
  );
  return { text, blocks };
}

function vendorSummary(run: readonly StatusChangeEvent[]): string {
  return groupChangesByVendor(run, DIGEST_VENDORS)
    .map((group) => `${group.vendorName} ${group.changes.length}`)
    .join(', ');
}

/** One section per ~3000 characters of lines; the vendor heading opens the first. */
function packLines(heading: string, lines: string[]): Block[] {
  const max = SLACK_LIMITS.message.sectionTextChars;
  const sections: string[] = [];
  let text = heading;
  for (const line of lines) {
    if (text.length + 1 + line.length > max) {
      sections.push(text);
      text = line;
    } else {
      text = `${text}\n${line}`;
    }
  }
  sections.push(text);
  return sections.map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
}

/** `• <link|1234> Title — Open → Closed · when` (a dash, not a colon: titles often end in punctuation) */
export function changeLine(event: StatusChangeEvent, timezone: string): string {
  const label = escapeMrkdwn(event.caseId);
  const link =
    event.url && event.url.length <= LINK_CHARS && /^https?:\/\/[^\s|<>]+$/.test(event.url)
      ? `<${event.url}|${label}>`
      : `\`${label}\``;
  const title = escapeMrkdwn(truncate(event.title.replace(/\s+/g, ' ').trim(), TITLE_CHARS));
  const from = escapeMrkdwn(truncate(event.fromStatus, STATUS_CHARS));
  const to = escapeMrkdwn(truncate(event.toStatus, STATUS_CHARS));
  return `• ${link} ${title} — ${from} → *${to}* · ${dateMention(event.observedAt, timezone)}`;
}

const fallbackFormatters = new Map<string, Intl.DateTimeFormat>();

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
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${formatter.format(new Date(ms))}>`;
}
