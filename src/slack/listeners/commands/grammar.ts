/**
 * Pieces of the `/case` grammar shared by subcommands. Pure; every failure is an InvalidInputError whose
 * message is the specific problem and, on the next line, the usage of the subcommand.
 */

import type { VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { closestName } from '../../../text/suggest.js';
import { ALL_PLUGINS, resolveVendorName, vendorAliases } from '../../../vendors/plugin.js';
import type { CommandWords } from './words.js';

/** "equinix (eqx), cisco (csco), …": each vendor's id and its shortest alias, when that is shorter. */
export const VENDOR_CHOICES = ((): string => {
  const choices = ALL_PLUGINS.map((plugin) => {
    const short = [...plugin.aliases].sort((a, b) => a.length - b.length)[0];
    return short && short.length < plugin.id.length ? `${plugin.id} (${short})` : plugin.id;
  });
  return choices.length <= 1 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
})();

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
  if (!vendor) {
    const near = closestName(
      word,
      vendorAliases().map((a) => a.alias),
    );
    const guess = near ? ` Did you mean ${resolveVendorName(near) ?? near}?` : '';
    throw usageError(`${echo(word)} is not a vendor caseops knows.${guess} Use ${VENDOR_CHOICES}.`, usage);
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
