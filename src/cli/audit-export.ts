/**
 * `npm run audit -- --since 2026-11-01 [--until …] [--vendor …] [--case …]`: writes the audit trail of vendor
 * writes made through caseops as JSON lines on stdout, oldest first, from the configured store (DATA_DIR or
 * DATABASE_URL, as the app uses). Logs go to stderr so the output stays machine-readable. It reads the trail in
 * pages, so a long trail never sits in memory at once.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ConfigError, type Env, loadEnv } from '../config/env.js';
import type { VendorId } from '../domain/case.js';
import type { AuditEntry, Store } from '../domain/ports/store.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createStore, SQLITE_FILE_NAME } from '../store/index.js';
import { VENDOR_IDS } from '../vendors/plugin.js';
import { resolveVendorName } from '../vendors/registry.js';

export const AUDIT_USAGE = `Usage: npm run audit -- [--since WHEN] [--until WHEN] [--vendor VENDOR] [--case ID]

Writes the audit trail of vendor writes made through caseops (open, annotate, cancel) as JSON lines on stdout,
oldest first. Reads the same store as the app: DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL).

  --since WHEN     entries at or after WHEN (default: the beginning)
  --until WHEN     entries before WHEN
  --vendor VENDOR  only this vendor: ${VENDOR_IDS.join(', ')}
  --case ID        only this case id (with --vendor, at that vendor only)
  --help           this text

WHEN is a date (2026-11-01, midnight UTC) or an ISO date and time (2026-11-01T08:30, 2026-11-01T08:30:00+01:00);
a time without a zone is UTC.

Example: npm run audit -- --since 2026-11-01 --vendor juniper > audit.jsonl`;

/** What a person typed is not usable; the message says what is expected. */
export class AuditUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditUsageError';
  }
}

export interface AuditQuery {
  /** ISO instants; `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
  vendor?: VendorId;
  caseId?: string;
}

const WHEN_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;

/** A date or date-time as an ISO instant; refuses what Date.parse would quietly roll over (2026-02-30). */
export function parseWhen(flag: string, text: string): string {
  const match = WHEN_PATTERN.exec(text.trim());
  if (!match) {
    throw new AuditUsageError(
      `${flag} "${text}" is not a date or time: expected 2026-11-01, 2026-11-01T08:30 (UTC) or 2026-11-01T08:30:00+01:00`,
    );
  }
  const [, date, time, zone] = match;
  const normalised = time ? `${date}T${time}${zone ?? 'Z'}` : `${date}T00:00:00Z`;
  const instant = Date.parse(normalised);
  const calendarDate = new Date(Date.parse(`${date}T00:00:00Z`));
  if (Number.isNaN(instant) || calendarDate.toISOString().slice(0, 10) !== date) {
    throw new AuditUsageError(`${flag} "${text}" is not a real date`);
  }
  return new Date(instant).toISOString();
}

export function parseAuditArgs(argv: readonly string[]): AuditQuery | 'help' {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // node's own wording ("Unknown option '--sinc'") plus what is accepted.
    throw new AuditUsageError(
      `${(error as Error).message.split('. ')[0]}; the options are --since, --until, --vendor, --case and --help`,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) {
    throw new AuditUsageError(
      `unexpected argument "${positionals[0]}"; give dates with --since and --until (npm needs "--" before them: npm run audit -- --since 2026-11-01)`,
    );
  }
  const query: AuditQuery = {};
  if (values.since !== undefined) query.since = parseWhen('--since', values.since);
  if (values.until !== undefined) query.until = parseWhen('--until', values.until);
  if (query.since && query.until && query.since >= query.until) {
    throw new AuditUsageError(`--until (${query.until}) must be later than --since (${query.since})`);
  }
  if (values.vendor !== undefined) {
    const vendor = resolveVendorName(values.vendor);
    if (!vendor) {
      throw new AuditUsageError(
        `--vendor "${values.vendor}" is not a vendor caseops knows: ${VENDOR_IDS.join(', ')}`,
      );
    }
    query.vendor = vendor;
  }
  if (values.case !== undefined) {
    const caseId = values.case.trim();
    if (!caseId) throw new AuditUsageError('--case needs a case id');
    query.caseId = caseId;
  }
  return query;
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      vendor: { type: 'string' },
      case: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The beginning of time for `auditSince` when no --since is given. */
const EPOCH = new Date(0).toISOString();

/**
 * Every entry the query selects, oldest first, read in pages of `pageSize`. Pages continue from the last
 * entry's instant; entries sharing that instant are told apart by id, and a page that holds nothing but one
 * instant is read again twice as large, so neither a busy second nor a small page can loop or drop entries.
 */
export async function* auditEntries(
  store: Pick<Store, 'auditSince'>,
  query: AuditQuery,
  pageSize = 1_000,
): AsyncGenerator<AuditEntry> {
  const until = query.until ? Date.parse(query.until) : Number.POSITIVE_INFINITY;
  let since = query.since ?? EPOCH;
  let last: { at: number; id: number } | undefined;
  let limit = pageSize;
  for (;;) {
    const page = await store.auditSince(since, limit);
    const fresh = page.filter((entry) => {
      const at = Date.parse(entry.at);
      return !last || at > last.at || (at === last.at && entry.id > last.id);
    });
    for (const entry of fresh) {
      if (Date.parse(entry.at) >= until) return;
      if (query.vendor && entry.vendor !== query.vendor) continue;
      if (query.caseId && entry.caseId !== query.caseId) continue;
      yield entry;
    }
    if (page.length < limit) return;
    if (fresh.length === 0) {
      limit *= 2;
      continue;
    }
    const newest = page[page.length - 1]!;
    since = newest.at;
    last = { at: Date.parse(newest.at), id: newest.id };
    limit = pageSize;
  }
}

/** One JSON object per line, fields in a fixed order. */
export function auditLine(entry: AuditEntry): string {
  return JSON.stringify({
    id: entry.id,
    at: entry.at,
    actorUserId: entry.actorUserId,
    channelId: entry.channelId ?? null,
    vendor: entry.vendor,
    caseId: entry.caseId ?? null,
    action: entry.action,
    outcome: entry.outcome,
    detail: entry.detail,
  });
}

export interface AuditExportIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Tests may pass a store; otherwise the configured one is opened and closed here. */
  store?: Pick<Store, 'auditSince'>;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  // Respect backpressure: a large export piped into a slow consumer must not pile up in memory.
  return stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve));
}

async function openConfiguredStore(env: Env, logger: Logger): Promise<Store> {
  if (!env.DATABASE_URL) {
    // Opening SQLite creates the file: check first so a wrong DATA_DIR says so instead of exporting nothing.
    const file = join(env.DATA_DIR, SQLITE_FILE_NAME);
    if (!existsSync(file)) {
      throw new Error(
        `there is no caseops database at ${file}; set DATA_DIR to the app's data folder, or DATABASE_URL for PostgreSQL`,
      );
    }
  }
  return createStore({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, logger });
}

/** Runs the export; returns the process exit code (0 done, 1 failed, 2 bad arguments or configuration). */
export async function runAuditExport(io: AuditExportIo): Promise<number> {
  let query: AuditQuery | 'help';
  try {
    query = parseAuditArgs(io.argv);
  } catch (error) {
    if (!(error instanceof AuditUsageError)) throw error;
    await write(io.stderr, `audit: ${error.message}\n\n${AUDIT_USAGE}\n`);
    return 2;
  }
  if (query === 'help') {
    await write(io.stdout, `${AUDIT_USAGE}\n`);
    return 0;
  }

  let store = io.store;
  let owned: Store | undefined;
  try {
    if (!store) {
      let env: Env;
      try {
        env = loadEnv(io.env);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        await write(io.stderr, `audit: ${error.message}\n`);
        return 2;
      }
      const logger = createLogger({
        level: env.LOG_LEVEL === 'silent' ? 'silent' : 'warn',
        destination: pino.destination(2),
      });
      owned = await openConfiguredStore(env, logger);
      store = owned;
    }
    let count = 0;
    for await (const entry of auditEntries(store, query)) {
      await write(io.stdout, `${auditLine(entry)}\n`);
      count++;
    }
    await write(io.stderr, `audit: ${count} entr${count === 1 ? 'y' : 'ies'} exported\n`);
    return 0;
  } catch (error) {
    await write(io.stderr, `audit: cannot read the audit trail: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await owned?.close();
  }
}
