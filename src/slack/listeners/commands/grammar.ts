/**
 * Pieces of the `/case` grammar shared by subcommands. Pure; every failure is an InvalidInputError whose
 * message is the specific problem and, on the next line, the usage of the subcommand.
 */
import { VENDOR_IDS, type VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { resolveVendorName } from '../../../vendors/registry.js';
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
    throw usageError(`${echo(word)} is not a vendor caseops knows. Use ${VENDOR_CHOICES}.`, usage);
  }
  return vendor;
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
