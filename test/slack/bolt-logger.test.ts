import { Writable } from 'node:stream';
import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';

function capture(level: string) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

/** An argument that counts how often it is turned into text. */
function countedArgument() {
  const counted = { times: 0 };
  return {
    counted,
    argument: {
      toJSON() {
        counted.times += 1;
        return { body: 'ack' };
      },
    },
  };
}

/** Bolt's logger over ours at `level`, after Bolt logged one debug line with an argument that counts its use. */
function debugLineAt(level: 'info' | 'debug') {
  const { logger, lines } = capture(level);
  const bolt = boltLogger(logger);
  bolt.setLevel(LogLevel.DEBUG);
  const { counted, argument } = countedArgument();
  bolt.debug('ack() call begins', argument);
  return { lines, textBuilt: counted.times };
}

describe("Bolt's logger over ours", () => {
  it('builds no text for a debug line the level leaves out (Bolt logs one on every ack)', () => {
    const { lines, textBuilt } = debugLineAt('info');
    expect(textBuilt).toBe(0);
    expect(lines).toEqual([]);
  });

  it('writes the debug line, as text, when the level lets it through', () => {
    const { lines, textBuilt } = debugLineAt('debug');
    expect(textBuilt).toBe(1);
    expect(lines.join('')).toContain('ack() call begins {\\"body\\":\\"ack\\"}');
  });
});
