/**
 * What one observation of a case changes: how a new answer merges into the snapshot caseops keeps (a bulk
 * summary only updates what it carries), and which events the difference makes. Pure: the store calls these
 * inside the transaction that stores the snapshot and its events.
 */
import type { Case, CaseNote, CaseStatusEntry } from './case.js';
import type { CaseEventKind, CaseEventNote } from './ports/store.js';

/** An event before the store gives it an id, a title and the status around it. */
export interface CaseActivity {
  kind: CaseEventKind;
  note?: CaseEventNote;
  from?: string;
  to?: string;
  entry?: CaseStatusEntry;
}

/**
 * The snapshot after `seen`. A summary replaces the scalars it carries and the fields it names, and keeps
 * what it lacks (owner, notes, problem code, contacts, RMAs). A whole case (a detail answer) replaces the
 * vendor's part outright. Either way the notes caseops sent from Slack are kept: the vendor may never echo
 * them (Equinix's case answer carries no notes).
 */
export function mergeObservation(stored: Case, seen: Case, summary: boolean): Case {
  const slackNotes = stored.notes.filter(isSlackNote);
  if (!summary) return { ...seen, notes: withSlackNotes(seen.notes, slackNotes) };
  const carried = new Set(seen.fields.map((field) => field.label));
  const merged: Case = { ...stored };
  for (const [key, value] of Object.entries(seen) as Array<[keyof Case, unknown]>) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  merged.alternateIds = seen.alternateIds.length > 0 ? seen.alternateIds : stored.alternateIds;
  merged.fields = [...seen.fields, ...stored.fields.filter((field) => !carried.has(field.label))];
  const vendorNotes = seen.notes.length > 0 ? seen.notes : stored.notes.filter((n) => !isSlackNote(n));
  merged.notes = withSlackNotes(vendorNotes, slackNotes);
  return merged;
}

/**
 * The changes from `before` to `after` (both snapshots), in the order they are recorded: status, each entry
 * of the vendor's status record not known before (in its order), owner, severity, then each vendor note not
 * known before, oldest first. A vendor note repeating one sent from Slack is not news.
 */
export function activityBetween(before: Case, after: Case): CaseActivity[] {
  const activity: CaseActivity[] = [];
  if (before.status !== after.status) activity.push({ kind: 'status' });
  for (const entry of newHistoryEntries(before.statusHistory, after.statusHistory)) {
    activity.push({ kind: 'history', entry });
  }
  for (const kind of ['owner', 'severity'] as const) {
    const from = before[kind]?.trim() ?? '';
    const to = after[kind]?.trim() ?? '';
    if (from !== to) activity.push({ kind, from, to });
  }
  const known = new Set(before.notes.map(noteKey));
  const fresh = after.notes.filter((note) => !isSlackNote(note) && !known.has(noteKey(note)));
  for (const note of oldestFirst(fresh)) {
    activity.push({
      kind: 'note',
      note: {
        text: note.text,
        source: 'vendor',
        ...(note.author ? { author: note.author } : {}),
        ...(note.createdAt ? { createdAt: note.createdAt } : {}),
      },
    });
  }
  return activity;
}

/**
 * Entries of the vendor's status record not in the one known before. A snapshot kept from before the record
 * was read has none: what it holds then is where the record starts, not news.
 */
function newHistoryEntries(
  before: readonly CaseStatusEntry[] | undefined,
  after: readonly CaseStatusEntry[] | undefined,
): CaseStatusEntry[] {
  if (!before || !after) return [];
  const known = new Set(before.map(historyKey));
  return after.filter((entry) => !known.has(historyKey(entry)));
}

function historyKey(entry: CaseStatusEntry): string {
  return `${entry.status}\u0000${entry.at ?? ''}`;
}

/** Adds a note sent from Slack to a snapshot's notes (newest first). */
export function withSlackNote(c: Case, note: { text: string; slackUserId: string; at: string }): Case {
  const sent: CaseNote = {
    text: note.text,
    createdAt: note.at,
    source: 'slack',
    slackUserId: note.slackUserId,
  };
  return { ...c, notes: [sent, ...c.notes] };
}

function isSlackNote(note: CaseNote): boolean {
  return note.source === 'slack';
}

/** Vendor notes first, newest first, without those that only repeat a note sent from Slack; then Slack's. */
function withSlackNotes(vendorNotes: readonly CaseNote[], slackNotes: readonly CaseNote[]): CaseNote[] {
  const sent = new Set(slackNotes.map((note) => normalised(note.text)));
  const merged = [...vendorNotes.filter((note) => !sent.has(normalised(note.text))), ...slackNotes];
  return newestFirst(merged);
}

function noteKey(note: CaseNote): string {
  return `${note.createdAt ?? ''}\u0000${note.author ?? ''}\u0000${normalised(note.text)}`;
}

function normalised(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Dated notes by date; undated ones keep their place relative to each other, after the dated. */
function newestFirst(notes: readonly CaseNote[]): CaseNote[] {
  return notes
    .map((note, index) => ({ note, index, at: note.createdAt ? Date.parse(note.createdAt) : Number.NaN }))
    .sort((a, b) => {
      const aDated = !Number.isNaN(a.at);
      const bDated = !Number.isNaN(b.at);
      if (aDated && bDated && a.at !== b.at) return b.at - a.at;
      if (aDated !== bDated) return aDated ? -1 : 1;
      return a.index - b.index;
    })
    .map(({ note }) => note);
}

function oldestFirst(notes: readonly CaseNote[]): CaseNote[] {
  return newestFirst(notes).reverse();
}
