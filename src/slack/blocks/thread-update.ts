/**
 * A reply in a case card's thread: what changed since the thread's last reply, in words, one line per kind of
 * change: the state path as the card words states ("Waiting on vendor → Waiting on us", the vendor's own words
 * after it), each vendor note ("Josh Engineer (Cisco) wrote:" and its first lines), notes sent from Slack, and
 * owner and severity changes, and new entries of the vendor's own status record. The vendor's text is escaped as the card escapes it, so it cannot mention, ping
 * or link.
 */
import type { CaseState } from '../../domain/case.js';
import type { CaseEvent, CaseEventNote } from '../../domain/ports/store.js';
import type { ThreadReply } from '../../scheduler/thread-replies.js';
import { vendorName, vendorShortName } from '../../vendors/plugin.js';
import { clockWords } from '../words.js';
import { SLACK_USER_ID, STATE_LOOK } from './case-card.js';
import { type Block, context, sections } from './kit.js';
import { escapeMrkdwn, fallbackText, fitMessage, type SlackMessage, truncate } from './limits.js';

/** Notes quoted in one reply; more are counted. */
const NOTES_SHOWN = 5;
/** Lines of a note quoted, and characters at most. */
const NOTE_LINES = 3;
const NOTE_CHARS = 500;
const WORDS_CHARS = 80;
/** Entries of the vendor's own status record named in one reply. */
const RECORD_SHOWN = 5;

export function buildThreadUpdate(reply: ThreadReply): SlackMessage {
  const lines: string[] = [];
  const status = statusPath(reply.events);
  if (status) lines.push(`:arrows_counterclockwise: ${status}`);
  const record = reply.events.flatMap((event) =>
    event.kind === 'history' && event.entry ? [event.entry] : [],
  );
  if (record.length > 0) {
    const steps = record.slice(-RECORD_SHOWN).map((entry) => words(entry.status));
    const earlier = record.length > steps.length ? '… → ' : '';
    lines.push(
      `:clipboard: ${escapeMrkdwn(vendorShortName(reply.vendor))} record: ${earlier}${steps.join(' → ')}`,
    );
  }
  for (const kind of ['owner', 'severity'] as const) {
    const changes = reply.events.filter((event) => event.kind === kind);
    const first = changes[0];
    const last = changes.at(-1);
    if (!first || !last || (first.from ?? '') === (last.to ?? '')) continue;
    const label = kind === 'owner' ? ':bust_in_silhouette: Owner' : ':rotating_light: Severity';
    lines.push(`${label}: ${words(first.from || 'none')} → *${words(last.to || 'none')}*`);
  }
  const notes = reply.events.flatMap((event) => (event.kind === 'note' && event.note ? [event.note] : []));
  for (const note of notes.slice(0, NOTES_SHOWN)) lines.push(noteLines(note, reply));
  if (notes.length > NOTES_SHOWN) {
    const more = notes.length - NOTES_SHOWN;
    lines.push(`_and ${more} more ${more === 1 ? 'note' : 'notes'}: see Details on the card_`);
  }
  if (lines.length === 0) lines.push('The case changed at the vendor.');
  const blocks: Block[] = [...sections(lines.join('\n'))];
  const count = reply.events.length;
  const changes = `${count} ${count === 1 ? 'change' : 'changes'} since the last update in this thread`;
  const clock = reply.clock
    ? `:stopwatch: ${clockWords(reply.clock, new Date(reply.at), reply.vendor)} · `
    : '';
  blocks.push(context(`${clock}${changes}`));
  return fitMessage({
    text: fallbackText`${vendorName(reply.vendor)} case ${reply.caseId}: ${fallbackSummary(reply.events)}`,
    blocks,
  });
}

/** `Waiting on vendor → *Waiting on us* (Cisco Pending → Customer Pending)`; undefined without status changes. */
function statusPath(events: readonly CaseEvent[]): string | undefined {
  const changes = events.filter((event) => event.kind === 'status');
  const first = changes[0];
  if (!first) return undefined;
  const states: CaseState[] = [first.fromState];
  const statuses = [first.fromStatus];
  for (const change of changes) {
    if (states.at(-1) !== change.toState) states.push(change.toState);
    if (statuses.at(-1) !== change.toStatus) statuses.push(change.toStatus);
  }
  const vendorWords = ` (${statuses.map(words).join(' → ')})`;
  if (states.length === 1) return `Still *${STATE_LOOK[states[0]!].words}*${vendorWords}`;
  const last = states.length - 1;
  const path = states
    .map((state, index) => (index === last ? `*${STATE_LOOK[state].words}*` : STATE_LOOK[state].words))
    .join(' → ');
  return `${path}${vendorWords}`;
}

function noteLines(note: CaseEventNote, reply: ThreadReply): string {
  const quoted = firstLines(note.text)
    .map((line) => `>${escapeMrkdwn(line)}`)
    .join('\n');
  if (note.source === 'slack') {
    const who =
      note.slackUserId && SLACK_USER_ID.test(note.slackUserId) ? `<@${note.slackUserId}>` : 'Someone';
    return `:speech_balloon: ${who} sent a note to ${escapeMrkdwn(vendorShortName(reply.vendor))} from Slack:\n${quoted}`;
  }
  const vendor = escapeMrkdwn(vendorShortName(reply.vendor));
  const who = note.author ? `${words(note.author)} (${vendor})` : vendor;
  return `:memo: ${who} wrote:\n${quoted}`;
}

/** The note's first non-empty lines, cut to a quote's length. */
function firstLines(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const shown = lines.slice(0, NOTE_LINES);
  if (lines.length > NOTE_LINES) shown.push('…');
  const cut = truncate(shown.join('\n'), NOTE_CHARS).split('\n');
  return cut.length > 0 && cut[0] !== '' ? cut : ['(no text)'];
}

/** The notification text: the state path, else what kind of change it was. */
function fallbackSummary(events: readonly CaseEvent[]): string {
  const changes = events.filter((event) => event.kind === 'status');
  const first = changes[0];
  const last = changes.at(-1);
  if (first && last) return `${STATE_LOOK[first.fromState].words} → ${STATE_LOOK[last.toState].words}`;
  if (events.some((event) => event.kind === 'note')) return 'new note';
  return 'updated';
}

function words(text: string): string {
  return escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), WORDS_CHARS));
}
