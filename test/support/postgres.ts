/**
 * PostgreSQL for tests. Each run gets its own freshly created schema (the pool's `search_path` points at it),
 * so parallel test files and CI jobs sharing one server never see each other's rows; the schema is dropped
 * afterwards. When the server cannot be reached the PostgreSQL suites are skipped with a message saying how to
 * enable them; under CI=true an unreachable server fails the run instead.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_DROP_LOCK } from '../../src/store/connect.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;
}

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** The same server and database, with every connection's search_path set to `schema`. */
export function urlWithSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

export type PostgresAvailability =
  | { available: true; url: string }
  | { available: false; url: string; reason: string; skipMessage: string };

/** Connects once with a short timeout. Never throws; `reason` says what went wrong. */
export async function probePostgres(url = testDatabaseUrl()): Promise<PostgresAvailability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, url };
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return {
      available: false,
      url,
      reason,
      skipMessage:
        `PostgreSQL tests SKIPPED: cannot reach ${displayUrl(url)} (${reason}). ` +
        `To run them, start PostgreSQL there (trust auth, database "test") or set TEST_DATABASE_URL=postgres://user@host:port/db. ` +
        'With CI=true an unreachable PostgreSQL fails the run instead of skipping.',
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Probes once per test file. Under CI=true an unreachable server throws (the file fails); otherwise the
 * skip message is printed and returned so the suite title can carry it too.
 */
export async function postgresForTests(): Promise<PostgresAvailability> {
  const availability = await probePostgres();
  if (!availability.available) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI=true and PostgreSQL is unreachable at ${displayUrl(availability.url)}: ${availability.reason}. ` +
          'CI must provide PostgreSQL (or TEST_DATABASE_URL); refusing to skip the PostgreSQL suite.',
      );
    }
    console.warn(availability.skipMessage);
  }
  return availability;
}

export interface TestSchema {
  name: string;
  /** A URL whose connections use this schema. */
  url: string;
  /** Runs SQL with `search_path` set to the schema (for assertions the Store interface cannot make). */
  query<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/** Creates a uniquely named, empty schema. */
export async function createTestSchema(baseUrl = testDatabaseUrl()): Promise<TestSchema> {
  const name = `caseops_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  const url = urlWithSearchPath(baseUrl, name);
  await withClient(baseUrl, (client) => client.query(`create schema "${name}"`));
  return {
    name,
    url,
    query: async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      withClient(url, async (client) => (await client.query<Row>(text, values)).rows),
    // Exclusively under the lock migrations hold shared: a migration elsewhere reads every schema's tables.
    drop: () =>
      withClient(baseUrl, async (client) => {
        await client.query('select pg_advisory_lock($1)', [SCHEMA_DROP_LOCK]);
        try {
          await client.query(`drop schema if exists "${name}" cascade`);
        } finally {
          await client.query('select pg_advisory_unlock($1)', [SCHEMA_DROP_LOCK]);
        }
      }),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
