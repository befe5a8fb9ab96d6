/**
 * PostgreSQL ending a connection caseops holds between two queries (a server restart, pg_terminate_backend):
 * the store must log it and fail that work, not let pg's unheard 'error' event end the process. Found by
 * the outage test in test/faults/postgres-outage.faults.ts.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../src/store/connect.js';
import { isDatabaseUnavailable } from '../../src/store/errors.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const availability = await postgresForTests();

describe.runIf(availability.available)('a PostgreSQL connection ended while caseops holds it', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema();
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it('is logged and fails the transaction holding it, as a database outage, without an uncaught error', async () => {
    const application = `caseops-held-${process.pid}`;
    const url = new URL(schema.url);
    url.searchParams.set('application_name', application);
    const warnings: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          warnings.push(String((JSON.parse(chunk.toString()) as { msg?: string }).msg));
          done();
        },
      }),
    );
    const db = connectPostgres(url.toString(), logger);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          // The connection is checked out and idle between two statements when the server ends it.
          const admin = new pg.Client({ connectionString: schema.url });
          await admin.connect();
          await admin.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
            [application],
          );
          await admin.end();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await sql`select 2`.execute(trx);
          return 'committed';
        })
        .catch((error: unknown) => error);

      expect(outcome).not.toBe('committed');
      expect(isDatabaseUnavailable(outcome)).toBe(true);
      expect(warnings).toContain('store: a PostgreSQL connection in use failed');
      expect(uncaught).toEqual([]);
      // The pool dropped the dead connection: the next query gets a fresh one.
      expect((await sql<{ n: number }>`select 3 as n`.execute(db)).rows[0]?.n).toBe(3);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.destroy();
    }
  });
});
