/** A vendor's case id rule applied to what a person typed: no unvalidated text ever reaches a URL. */
import { InvalidInputError } from '../domain/errors.js';
import type { VendorTerms } from './plugin-types.js';

export function truncateForMessage(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The id trimmed, or InvalidInputError saying what this vendor's ids look like. */
export function parseCaseIdBy(terms: Pick<VendorTerms, 'name' | 'caseId'>, raw: string): string {
  const id = raw.trim();
  if (!terms.caseId.pattern.test(id)) {
    throw new InvalidInputError(
      `"${truncateForMessage(id)}" is not a valid ${terms.name} case id: ${terms.caseId.hint}`,
      'id',
    );
  }
  return id;
}
