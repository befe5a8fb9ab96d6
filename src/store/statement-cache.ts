/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running the small indexed
 * queries the store makes (it was the largest single cost in a `/case show`). The store's queries come from
 * a handful of builders, so the same SQL recurs: this keeps the prepared statements, a bounded number of them.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** Enough for every query shape the store builds; `in (…)` lists of many lengths push out the oldest. */
export const STATEMENT_CACHE_SIZE = 256;

/** `database` with `prepare` answered from a cache; everything else passes through. */
export function withStatementCache(
  database: BetterSqlite3.Database,
  size = STATEMENT_CACHE_SIZE,
): BetterSqlite3.Database {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    const cached = statements.get(sql);
    // A statement still being iterated cannot run again; such a caller gets a fresh one.
    if (cached && !cached.busy) {
      // Re-inserting keeps the map in least-recently-used order for eviction.
      statements.delete(sql);
      statements.set(sql, cached);
      return cached;
    }
    const statement = database.prepare(sql);
    if (!cached) {
      statements.set(sql, statement);
      if (statements.size > size) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
    }
    return statement;
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
