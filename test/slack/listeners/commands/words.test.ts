import { describe, expect, it } from 'vitest';
import { CommandWords } from '../../../../src/slack/listeners/commands/words.js';

const TEXTS = [
  '',
  '   ',
  'show eqx 11150929',
  '  note  cisco 682299374   link flapping\n  since 02:10\tUTC  ',
  'cancel jnpr 2024-1130-0001 duplicate of\n\nthe other one',
  'help',
  'x',
];

describe('the words after /case', () => {
  it('from a word on, are what the remainder of the line splits into, with the raw rest kept', () => {
    for (const text of TEXTS) {
      const all = new CommandWords(text);
      for (let i = 0; i <= all.length + 1; i++) {
        const tail = all.from(i);
        const again = new CommandWords(all.rest(i));
        expect(tail.text).toBe(again.text);
        expect(tail.words).toEqual(again.words);
        for (let j = 0; j <= tail.length + 1; j++) {
          expect(tail.rest(j), `${JSON.stringify(text)} from ${i}, rest ${j}`).toBe(again.rest(j));
        }
      }
    }
  });

  it('keep a note as typed: its spacing and line breaks, trimmed at the ends', () => {
    const words = new CommandWords('note eqx 1 first line\n  second  line  ').from(3);
    expect(words.at(0)).toBe('first');
    expect(words.rest(0)).toBe('first line\n  second  line');
    expect(words.rest(2)).toBe('second  line');
  });
});
