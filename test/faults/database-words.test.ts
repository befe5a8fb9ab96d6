/**
 * What a person reads when caseops' database is unreachable: the database named and "safe to try again",
 * not the generic failure with a reference (the outage itself is in postgres-outage.faults.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/domain/ports/store.js';
import { describeError } from '../../src/slack/words.js';
import { raisingUnavailable } from '../../src/store/unavailable.js';

/** A store whose every call fails with `error`, behind the same guard the real store gets. */
async function failureThroughTheStore(error: unknown): Promise<unknown> {
  const failing = { ping: () => Promise.reject(error) } as unknown as Store;
  return raisingUnavailable(failing)
    .ping()
    .then(
      () => undefined,
      (raised: unknown) => raised,
    );
}

const pgTerminated = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('a database that cannot be reached, in words', () => {
  it.each([
    ['the server ended the connection (57P01)', pgTerminated],
    ['a connection that died under a query', new Error('Connection terminated unexpectedly')],
    ['no connection within the pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'the server refusing connections, inside an AggregateError',
      new AggregateError([refused], 'connect failed'),
    ],
    ['a wrapped cause', new Error('query failed', { cause: refused })],
    [
      'SQLite locked past its busy timeout',
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
    ],
  ])('%s', async (_what, error) => {
    const words = describeError(await failureThroughTheStore(error));
    expect(words.text).toMatch(/could not reach its database just now\. Try again in a minute/);
    expect(words.text).not.toMatch(/Something went wrong/);
    expect(words.retryable).toBe(true);
  });

  it('other failures keep the generic answer with a reference', async () => {
    expect(describeError(await failureThroughTheStore(new TypeError('x is not a function'))).text).toMatch(
      /Something went wrong inside caseops/,
    );
  });
});
