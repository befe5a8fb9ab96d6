import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditUsageError,
  auditEntries,
  parseAuditArgs,
  parseWhen,
  runAuditExport,
} from '../../src/cli/audit-export.js';
import type { AuditEntry, Store } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore } from '../../src/store/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const stdout = capture();
  const stderr = capture();
  const code = await runAuditExport({ argv, env, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('audit export from a real SQLite store', () => {
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'caseops-audit-'));
    store = await createStore({ dataDir, logger: silentLogger });
    await store.migrate();
    const entry = (at: string, vendor: AuditEntry['vendor'], caseId: string, action: AuditEntry['action']) =>
      store.appendAudit({
        at,
        actorUserId: 'U0ALICE',
        channelId: 'C0NOC',
        vendor,
        caseId,
        action,
        outcome: 'ok',
        detail: `${action} ${caseId}`,
      });
    await entry('2026-10-31T23:59:59.000Z', 'juniper', '2026-1031-0001', 'open');
    await entry('2026-11-01T00:00:00.000Z', 'juniper', '2026-1031-0001', 'annotate');
    await entry('2026-11-01T09:30:00.000Z', 'equinix', '5-123456', 'cancel');
    await entry('2026-11-02T08:00:00.000Z', 'juniper', '2026-1102-0002', 'open');
    await store.appendAudit({
      at: '2026-11-02T08:00:01.000Z',
      actorUserId: 'U0BOB',
      vendor: 'motadata',
      action: 'open',
      outcome: 'unknown',
      detail: 'open: timed out after sending',
    });
  });

  afterAll(async () => {
    await store.close();
  });

  it('writes every entry since a date as JSON lines, oldest first, with a count on stderr', async () => {
    const result = await run(['--since', '2026-11-01'], { DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out.map((e) => e.detail)).toEqual([
      'annotate 2026-1031-0001',
      'cancel 5-123456',
      'open 2026-1102-0002',
      'open: timed out after sending',
    ]);
    expect(out[0]).toEqual({
      id: 2,
      at: '2026-11-01T00:00:00.000Z',
      actorUserId: 'U0ALICE',
      channelId: 'C0NOC',
      vendor: 'juniper',
      caseId: '2026-1031-0001',
      action: 'annotate',
      outcome: 'ok',
      detail: 'annotate 2026-1031-0001',
    });
    expect(out[3]).toMatchObject({ channelId: null, caseId: null, outcome: 'unknown' });
    expect(result.stderr).toBe('audit: 4 entries exported\n');
  });

  it('filters by --until (exclusive), --vendor (aliases too) and --case', async () => {
    const until = await run(['--since', '2026-11-01', '--until', '2026-11-02T08:00'], { DATA_DIR: dataDir });
    expect(lines(until.stdout).map((e) => e.id)).toEqual([2, 3]);

    const juniper = await run(['--vendor', 'JNPR'], { DATA_DIR: dataDir });
    expect(lines(juniper.stdout).map((e) => e.id)).toEqual([1, 2, 4]);

    const oneCase = await run(['--vendor', 'juniper', '--case', '2026-1031-0001'], { DATA_DIR: dataDir });
    expect(lines(oneCase.stdout).map((e) => e.action)).toEqual(['open', 'annotate']);
  });

  it('honours a time zone offset', async () => {
    const result = await run(['--since', '2026-11-01T10:30:00+01:00'], { DATA_DIR: dataDir });
    expect(lines(result.stdout).map((e) => e.id)).toEqual([3, 4, 5]);
  });

  it('exports nothing, successfully, when nothing matches', async () => {
    const result = await run(['--since', '2027-01-01'], { DATA_DIR: dataDir });
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'audit: 0 entries exported\n' });
  });

  it('runs as a script through tsx, writing only JSON lines on stdout', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/audit-export.ts', '--since', '2026-11-02', '--vendor', 'motadata'],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' } },
    );
    expect(lines(stdout)).toEqual([
      expect.objectContaining({ id: 5, vendor: 'motadata', actorUserId: 'U0BOB' }),
    ]);
    expect(stderr).toContain('audit: 1 entry exported');
  });
});

describe('audit paging', () => {
  /** A store whose auditSince behaves like the real one: at >= since, ordered by (at, id), limited. */
  function fakeStore(entries: AuditEntry[]) {
    const calls: Array<[string, number]> = [];
    return {
      calls,
      auditSince: async (since: string, limit = 1_000) => {
        calls.push([since, limit]);
        return entries
          .filter((e) => e.at >= since)
          .sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id)
          .slice(0, limit);
      },
    };
  }
  const entry = (id: number, at: string): AuditEntry => ({
    id,
    at,
    actorUserId: 'U0ALICE',
    vendor: 'cisco',
    action: 'annotate',
    outcome: 'ok',
    detail: `#${id}`,
  });

  it('reads every entry once across pages, even when many share one instant', async () => {
    const busySecond = '2026-11-01T10:00:00.000Z';
    const entries = [
      entry(1, '2026-11-01T09:00:00.000Z'),
      ...[2, 3, 4, 5, 6].map((id) => entry(id, busySecond)),
      entry(7, '2026-11-01T11:00:00.000Z'),
    ];
    const store = fakeStore(entries);
    const seen: number[] = [];
    for await (const e of auditEntries(store, {}, 2)) seen.push(e.id);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The page full of one instant was widened rather than re-read forever.
    expect(store.calls.some(([, limit]) => limit > 2)).toBe(true);
  });
});

describe('audit arguments', () => {
  it('accepts dates and date-times, UTC unless told otherwise', () => {
    expect(parseWhen('--since', '2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(parseWhen('--since', '2026-11-01T08:30')).toBe('2026-11-01T08:30:00.000Z');
    expect(parseWhen('--since', '2026-11-01T08:30:00.5-05:00')).toBe('2026-11-01T13:30:00.500Z');
  });

  it.each([
    [['--since', 'yesterday'], '--since "yesterday" is not a date or time: expected 2026-11-01'],
    [['--since', '2026-02-30'], '--since "2026-02-30" is not a real date'],
    [['--until', '2026-11-01T25:00'], '--until "2026-11-01T25:00" is not a real date'],
    [
      ['--since', '2026-11-02', '--until', '2026-11-01'],
      '--until (2026-11-01T00:00:00.000Z) must be later than --since',
    ],
    [
      ['--vendor', 'oracle'],
      '--vendor "oracle" is not a vendor caseops knows: equinix, cisco, juniper, motadata',
    ],
    [['--case', '  '], '--case needs a case id'],
    [
      ['--sinc', '2026-11-01'],
      "Unknown option '--sinc'; the options are --since, --until, --vendor, --case and --help",
    ],
    [['2026-11-01'], 'unexpected argument "2026-11-01"'],
    [['--since'], "Option '--since <value>' argument missing"],
  ])('%j → %s', (argv, message) => {
    expect(() => parseAuditArgs(argv)).toThrow(AuditUsageError);
    expect(() => parseAuditArgs(argv)).toThrow(message);
  });

  it('prints usage with exit code 2 on bad arguments, and on --help with 0', async () => {
    const bad = await run(['--since', 'soon'], {});
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^audit: --since "soon" is not a date or time/);
    expect(bad.stderr).toContain('Usage: npm run audit --');

    const help = await run(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--vendor VENDOR');
  });

  it('refuses a DATA_DIR without a database instead of creating one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'caseops-audit-empty-'));
    const result = await run([], { DATA_DIR: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`there is no caseops database at ${join(empty, 'caseops.sqlite')}`);
  });

  it('reports bad configuration with exit code 2', async () => {
    const result = await run([], { DATABASE_URL: 'mysql://nope' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  });
});
