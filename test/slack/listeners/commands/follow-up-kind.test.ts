/** Which follow-ups open a form with the command's trigger id (those may be held back only briefly). */
import { describe, expect, it } from 'vitest';
import { parseCaseCommand } from '../../../../src/slack/listeners/commands/parser.js';

const kindOf = (text: string) => {
  const parsed = parseCaseCommand(text);
  return parsed.subcommand.followUpKind(parsed.args);
};

describe('follow-up kinds', () => {
  it.each([
    ['open', 'form'],
    ['open eqx', 'form'],
    ['cancel eqx 11150929', 'form'],
    ['note eqx 11150929', 'form'],
    ['note eqx 11150929 Optics replaced', 'reply'],
    ['show eqx 11150929', 'reply'],
    ['help', 'reply'],
    ['watching', 'reply'],
  ])('"/case %s" is a %s follow-up', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });
});
