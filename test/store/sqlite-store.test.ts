import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { openSqliteDatabase, SQLITE_BUSY_TIMEOUT_MS, SQLITE_CACHE_KIB } from '../../src/store/connect.js';
import { createStore, IN_MEMORY, SQLITE_FILE_NAME, type Store } from '../../src/store/index.js';
import { describeStoreContract, makeCase, type StoreHarness } from './store-contract.js';

const root = mkdtempSync(path.join(tmpdir(), 'caseops-sqlite-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function readSqlite<T>(dataDir: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const harness: StoreHarness = {
  dialect: 'sqlite',
  concurrentStores: false,
  async createDatabase() {
    const dataDir = mkdtempSync(path.join(root, 'db-'));
    return {
      openStore: (options = {}) => createStore({ dataDir, logger: silentLogger, ...options }),
      countRows: async (table) =>
        readSqlite(
          dataDir,
          (db) => (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n,
        ),
    };
  },
};

describeStoreContract(harness);

describe('SQLite specifics', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('creates a missing (nested) DATA_DIR and a WAL-mode database file in it', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    expect(existsSync(dataDir)).toBe(false);
    const store = await createStore({ dataDir, logger: silentLogger });
    stores.push(store);
    await store.migrate();
    expect(existsSync(path.join(dataDir, SQLITE_FILE_NAME))).toBe(true);
    // journal_mode=WAL is recorded in the file itself, so a second connection sees it.
    expect(readSqlite(dataDir, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('tunes the connection: synchronous NORMAL, a busy timeout, foreign keys on', () => {
    const db = openSqliteDatabase(mkdtempSync(path.join(root, 'pragmas-')));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // 1 = NORMAL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(SQLITE_BUSY_TIMEOUT_MS);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    } finally {
      db.close();
    }
  });

  it('runs in memory without touching the disk', async () => {
    const store = await createStore({ dataDir: IN_MEMORY, logger: silentLogger });
    stores.push(store);
    await store.migrate();
    await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
    expect(await store.recordObservation(makeCase({ id: '1' }), '2025-06-02T08:00:00Z')).toBeUndefined();
    expect(existsSync(IN_MEMORY)).toBe(false);
    expect(await store.watchedCases()).toEqual([{ vendor: 'cisco', caseId: '1' }]);
  });

  it('keeps ids increasing after the newest event is deleted (AUTOINCREMENT, no id reuse)', async () => {
    const dataDir = mkdtempSync(path.join(root, 'ids-'));
    const store = await createStore({ dataDir, logger: silentLogger });
    stores.push(store);
    await store.migrate();
    await store.addWatch({
      vendor: 'cisco',
      caseId: '1',
      channelId: 'C1',
      createdBy: 'U1',
      createdAt: '2025-06-02T00:00:00Z',
    });
    await store.recordObservation(makeCase({ id: '1', status: 'A' }), '2025-06-02T08:00:00Z');
    const first = await store.recordObservation(makeCase({ id: '1', status: 'B' }), '2025-06-02T08:01:00Z');
    await store.close();
    const db = new BetterSqlite3(path.join(dataDir, SQLITE_FILE_NAME));
    db.prepare('delete from status_events').run();
    db.close();

    const reopened = await createStore({ dataDir, logger: silentLogger });
    stores.push(reopened);
    const second = await reopened.recordObservation(
      makeCase({ id: '1', status: 'C' }),
      '2025-06-02T08:02:00Z',
    );
    expect(second!.id).toBeGreaterThan(first!.id);
  });
});
