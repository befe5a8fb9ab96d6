/**
 * Opens the database behind the store: an embedded SQLite file (the default, no server) or a PostgreSQL pool
 * (DATABASE_URL, the way to run several replicas). Everything dialect-specific about connecting lives here.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import type * as Pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export const SQLITE_FILE_NAME = 'caseops.sqlite';
/** Pass as `dataDir` for a private in-memory database (tests, throwaway runs). */
export const IN_MEMORY = ':memory:';
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/**
 * SQLite's page cache, in KiB. better-sqlite3 builds SQLite with 16 MB per connection; a sweep of 10,000
 * watched cases fills it, and the C allocator keeps it after the sweep. This is SQLite's own default size;
 * a page it does not hold is read again from the operating system's file cache.
 */
export const SQLITE_CACHE_KIB = 2_000;
/**
 * PostgreSQL advisory lock key: held shared while migrating, exclusively while dropping a caseops schema
 * (see KyselyStore.migrate).
 */
export const SCHEMA_DROP_LOCK = 1_667_330_917;

/** Opens (creating the folder and file if needed) and tunes a SQLite database. */
export function openSqliteDatabase(dataDir: string): BetterSqlite3.Database {
  if (dataDir === IN_MEMORY) return tuneSqlite(new BetterSqlite3(IN_MEMORY));
  mkdirSync(dataDir, { recursive: true });
  return tuneSqlite(new BetterSqlite3(path.join(dataDir, SQLITE_FILE_NAME)));
}

function tuneSqlite(database: BetterSqlite3.Database): BetterSqlite3.Database {
  // WAL: readers never block the writer. NORMAL is durable in WAL except for the last commits on power loss.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.pragma('foreign_keys = ON');
  // A negative size is in KiB.
  database.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  return database;
}

/**
 * Every transaction starts with BEGIN IMMEDIATE: it takes the write lock up front (waiting up to the busy
 * timeout) so a read-compare-write can never be invalidated by another process writing to the same file.
 */
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite runs DDL inside transactions; saying so makes Kysely's Migrator apply each run atomically. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class CaseopsSqliteDialect extends SqliteDialect {
  constructor(private readonly database: BetterSqlite3.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver({ database: this.database });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export function connectSqlite(dataDir: string, logger: Logger): Kysely<Database> {
  const database = openSqliteDatabase(dataDir);
  logger.info(
    { dialect: 'sqlite', file: dataDir === IN_MEMORY ? IN_MEMORY : database.name },
    'store: opened SQLite database',
  );
  return new Kysely<Database>({ dialect: new CaseopsSqliteDialect(withStatementCache(database)) });
}

const requireModule = createRequire(import.meta.url);
/** The PostgreSQL driver, loaded on first use: a SQLite deployment never loads it. */
const pgDriver = (): typeof Pg => requireModule('pg') as typeof Pg;

const PG_INT8_OID = 20;

/**
 * int8 (bigint ids, cursors, counts) arrives as strings by default. Ids stay far below 2^53, so this pool
 * parses them into numbers; the override is local to our pool and leaves the global pg parsers alone.
 */
function pgTypesWithNumericInt8(): Pg.TypeOverrides {
  const types = new (pgDriver().TypeOverrides)();
  types.setTypeParser(PG_INT8_OID, (value: string) => Number(value));
  return types;
}

export function connectPostgres(databaseUrl: string, logger: Logger): Kysely<Database> {
  const pool = new (pgDriver().Pool)({
    connectionString: databaseUrl,
    max: 10,
    // Fail a ping or a query quickly instead of hanging when the server is away.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: pgTypesWithNumericInt8(),
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'store: idle PostgreSQL connection failed'));
  // A checked-out client has no pool listener (pg-pool removes it on checkout): one whose connection the
  // server ends between two queries (a restart, pg_terminate_backend) emits 'error' with nobody listening,
  // which would end the process too. Its next query fails instead, and the pool drops it when released.
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      logger.warn({ err: error }, 'store: a PostgreSQL connection in use failed'),
    );
  });
  logger.info({ dialect: 'postgres', server: describePostgresUrl(databaseUrl) }, 'store: using PostgreSQL');
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** host:port/database, never the user's password. */
export function describePostgresUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** DATABASE_URL names a server caseops cannot use: says where, why, and what to check, without a stack. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

const PG_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the server closed the connection',
  '28P01': 'the server refused the user name or password',
  '28000': 'the server refused this user (no such role, or pg_hba.conf does not let it connect from here)',
  '3D000': 'that database does not exist',
};

/**
 * Connects once and runs `select 1`, before anything else is opened, so an unreachable DATABASE_URL is one
 * clear line naming host and port rather than a driver stack trace from the first migration.
 */
export async function checkPostgresReachable(databaseUrl: string, timeoutMs = 5_000): Promise<void> {
  const client = new (pgDriver().Client)({
    connectionString: databaseUrl,
    connectionTimeoutMillis: timeoutMs,
  });
  // An error after connecting (the server going away) must not end the process while we still hold the client.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new DatabaseUnreachableError(describeUnreachable(databaseUrl, error, timeoutMs), { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

function describeUnreachable(databaseUrl: string, error: unknown, timeoutMs: number): string {
  let host = '(unparseable)';
  let port = '5432';
  let database = '';
  try {
    const url = new URL(databaseUrl);
    host = url.hostname;
    port = url.port || '5432';
    database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    // DATABASE_URL passed validation as a postgres:// URL; keep the placeholders if it still cannot be read.
  }
  const code = (error as { code?: string }).code;
  const timedOut = /timeout/i.test(error instanceof Error ? error.message : '');
  const reason =
    (code && PG_REASONS[code]) ??
    (timedOut ? `no answer within ${timeoutMs} ms` : code ? `error ${code}` : 'the connection failed');
  return `caseops cannot start: DATABASE_URL: cannot use PostgreSQL at ${host}:${port}${database ? ` (database ${database})` : ''}: ${reason}. Check that the server is running and listening on that host and port, that this machine may reach it (firewall, pg_hba.conf), and the user, password and database name in DATABASE_URL.`;
}
