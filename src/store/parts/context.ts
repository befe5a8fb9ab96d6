/**
 * What every part of the Kysely store shares: the connection, the dialect, the logger and the clock, plus the
 * row <-> domain conversions that are not specific to one table (ISO text, 0/1 flags, counts, limits).
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../logging/logger.js';
import type { Database, Flag, SqlDialect } from '../schema.js';

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  readonly logger: Logger;
  /** The store's clock for defaults and pruning (and lease expiry on SQLite); tests pass a controllable one. */
  readonly now: () => Date;
}

export function nowIso(context: StoreContext): string {
  return context.now().toISOString();
}

/** Normalises any ISO-8601 instant to `Date#toISOString` form so text comparison is time comparison. */
export function isoInstant(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`store: ${what} is not an ISO-8601 instant: ${value}`);
  return new Date(time).toISOString();
}

export function countOf(rows: bigint | undefined): number {
  return rows === undefined ? 0 : Number(rows);
}

export function positiveLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit <= 0)
    throw new RangeError(`store: limit must be a positive integer, got ${limit}`);
  return limit;
}

export function toFlag(value: boolean): Flag {
  return value ? 1 : 0;
}

export function fromFlag(value: Flag): boolean {
  return Number(value) !== 0;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
