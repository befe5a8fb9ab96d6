/**
 * Pieces of the `/case` grammar shared by subcommands. Pure; every failure is an InvalidInputError whose
 * message is the specific problem and, on the next line, the usage of the subcommand.
 */
import { VENDOR_IDS, type VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { resolveVendorName, VENDOR_ALIASES } from '../../../vendors/registry.js';
import type { CommandWords } from './words.js';

export const VENDOR_CHOICES = 'equinix (eqx), cisco, juniper (jnpr) or motadata';

/** The usage line appended to every problem, as the person will read it. */
export function withUsage(problem: string, usage: string): string {
  return `${problem}\nUsage: ${usage}`;
}

export function usageError(problem: string, usage: string): InvalidInputError {
  return new InvalidInputError(withUsage(problem, usage), 'usage');
}

/** Echoes what someone typed back to them, short and without characters that break formatting. */
export function echo(word: string, max = 40): string {
  const clean = word.replace(/[`*_~<>&\p{Cc}]/gu, '');
  const cut = clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
  return `"${cut}"`;
}

export function vendorArg(words: CommandWords, index: number, usage: string): VendorId {
  const word = words.at(index);
  if (word === undefined) throw usageError(`Which vendor? Name one of ${VENDOR_CHOICES}.`, usage);
  const vendor = resolveVendorName(word);
  if (!vendor || !VENDOR_IDS.includes(vendor)) {
    const guess = closestVendorName(word);
    const hint = guess ? ` Did you mean ${guess}?` : '';
    throw usageError(`${echo(word)} is not a vendor caseops knows.${hint} Use ${VENDOR_CHOICES}.`, usage);
  }
  return vendor;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function typoDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + same,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The vendor name (or alias) a mistyped word is closest to, when it is only a typo or two away. */
export function closestVendorName(word: string): string | undefined {
  const typed = word.trim().toLowerCase();
  if (typed.length < 3) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(VENDOR_ALIASES)) {
    const distance = typoDistance(typed, name);
    if (distance <= (name.length <= 4 ? 1 : 2) && (!best || distance < best.distance))
      best = { name, distance };
  }
  return best?.name;
}

/** A case id as typed; the vendor's own rules are applied later by its adapter (parseCaseId). */
export function caseIdArg(words: CommandWords, index: number, usage: string): string {
  const word = words.at(index);
  if (word === undefined) throw usageError('Which case? Add the case id after the vendor.', usage);
  if (word.length > 80) throw usageError(`${echo(word)} is too long to be a case id.`, usage);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(word))
    throw usageError('That case id contains characters no vendor uses.', usage);
  return word;
}

export function noMoreWords(words: CommandWords, from: number, usage: string): void {
  if (words.length > from) {
    throw usageError(`I don't know what to do with ${echo(words.rest(from))}.`, usage);
  }
}
