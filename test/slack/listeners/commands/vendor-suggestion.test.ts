/** A mistyped vendor name gets the name it is closest to, in the refusal the person reads. */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/domain/errors.js';
import { parseCaseCommand } from '../../../../src/slack/listeners/commands/parser.js';

function refusal(text: string): string {
  try {
    parseCaseCommand(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('/case with a vendor name one or two typos away', () => {
  it.each([
    ['show cisko 690000001', 'cisko', 'cisco'],
    ['show Juniperr CO-20260101-1A2B3C4D', 'Juniperr', 'juniper'],
    ['watch equnix 11150929', 'equnix', 'equinix'],
    ['open motdata', 'motdata', 'motadata'],
    ['note exq 11150929 swapped letters', 'exq', 'equinix'],
  ])('"/case %s" suggests the vendor', (text, typed, meant) => {
    const message = refusal(text);
    expect(message).toContain(`"${typed}" is not a vendor caseops knows. Did you mean ${meant}?`);
    expect(message).toMatch(/\nUsage: \/case /);
  });

  it('suggests nothing for a name that is not close to any vendor', () => {
    const message = refusal('show oracle 1');
    expect(message).toContain('"oracle" is not a vendor caseops knows.');
    expect(message).not.toContain('Did you mean');
  });
});
