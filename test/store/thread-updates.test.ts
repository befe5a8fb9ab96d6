/**
 * Migration 0013's parts of the store, on SQLite and PostgreSQL: each posted card's thread cursor (started at
 * the case's newest event when the card is remembered), the outbox of thread replies, and the reply count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { StaleLeaseError } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const postgres = await postgresForTests();
const schemas: TestSchema[] = [];
const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'caseops-0013-'));
  dirs.push(dir);
  return createStore({ dataDir: dir, logger: silentLogger });
}

async function postgresStore(): Promise<Store> {
  const schema = await createTestSchema(postgres.url);
  schemas.push(schema);
  return createStore({ dataDir: 'unused', databaseUrl: schema.url, logger: silentLogger });
}

const dialects: Array<[string, () => Promise<Store>, boolean]> = [
  ['sqlite', sqliteStore, true],
  ['postgres', postgresStore, postgres.available],
];

const CASE: Case = {
  vendor: 'cisco',
  id: '690000001',
  alternateIds: [],
  title: 'Fan tray failure',
  status: 'Cisco Pending',
  state: 'waiting-on-vendor',
  notes: [],
  fields: [],
};
const AT = '2030-01-01T00:00:00.000Z';

async function statusTo(store: Store, status: string, state: Case['state']) {
  const event = await store.recordObservation({ ...CASE, status, state }, AT);
  return event!.id;
}

for (const [dialect, openStore, available] of dialects) {
  describe.skipIf(!available)(`card threads (${dialect})`, () => {
    async function fresh(): Promise<Store> {
      const store = await openStore();
      stores.push(store);
      await store.migrate();
      return store;
    }

    it("starts a card's thread at its case's newest event and lists it once the case moves on", async () => {
      const store = await fresh();
      await store.recordObservation(CASE, AT);
      const before = await statusTo(store, 'Customer Pending', 'waiting-on-customer');
      await store.rememberCard({ vendor: 'cisco', caseId: CASE.id, channelId: 'C1', ts: '100.000001' });
      expect(await store.channelsWithThreadNews()).toEqual([]);

      const after = await statusTo(store, 'Cisco Pending', 'waiting-on-vendor');
      expect(await store.channelsWithThreadNews()).toEqual(['C1']);
      expect(await store.threadsWithNews('C2', 10)).toEqual([]);
      expect(await store.threadsWithNews('C1', 10)).toEqual([
        {
          channelId: 'C1',
          cardTs: '100.000001',
          vendor: 'cisco',
          caseId: CASE.id,
          lastEventId: before,
          replies: 0,
        },
      ]);
      const events = await store.caseEventsAfter('cisco', CASE.id, before, 10);
      expect(events.map((e) => e.id)).toEqual([after]);
    });

    it('settles a reply and moves its cursor in one step, once; counts the replies of the current card only', async () => {
      const store = await fresh();
      await store.recordObservation(CASE, AT);
      await store.rememberCard({ vendor: 'cisco', caseId: CASE.id, channelId: 'C1', ts: '100.000001' });
      const to = await statusTo(store, 'Customer Pending', 'waiting-on-customer');
      const record = {
        key: 'k1',
        channelId: 'C1',
        cardTs: '100.000001',
        vendor: 'cisco',
        caseId: CASE.id,
        afterEventId: 0,
        toEventId: to,
      };
      expect(await store.beginThreadReply(record)).toBe(true);
      expect(await store.beginThreadReply(record)).toBe(false);
      expect(await store.pendingThreadReplies()).toEqual([
        expect.objectContaining({ key: 'k1', state: 'pending', toEventId: to }),
      ]);
      expect(await store.settleThreadReply('k1', '100.000002', AT)).toBe(true);
      expect(await store.settleThreadReply('k1', '100.000002', AT)).toBe(false);
      expect(await store.pendingThreadReplies()).toEqual([]);
      expect(await store.threadsWithNews('C1', 10)).toEqual([]);
      expect(await store.threadReplyCount('C1', 'cisco', CASE.id)).toBe(1);
      expect(await store.threadReplyCount('C2', 'cisco', CASE.id)).toBe(0);

      // A newer card of the case in the channel has a thread of its own.
      await store.rememberCard({ vendor: 'cisco', caseId: CASE.id, channelId: 'C1', ts: '200.000001' });
      expect(await store.threadReplyCount('C1', 'cisco', CASE.id)).toBe(0);
      await statusTo(store, 'Cisco Pending', 'waiting-on-vendor');
      expect((await store.threadsWithNews('C1', 10)).map((t) => [t.cardTs, t.lastEventId])).toEqual([
        ['200.000001', to],
      ]);
    });

    it('refuses fenced writes once the poller lease changed hands; a forgotten reply can be begun again', async () => {
      const store = await fresh();
      await store.recordObservation(CASE, AT);
      await store.rememberCard({ vendor: 'cisco', caseId: CASE.id, channelId: 'C1', ts: '100.000001' });
      const to = await statusTo(store, 'Customer Pending', 'waiting-on-customer');
      const record = {
        key: 'k1',
        channelId: 'C1',
        cardTs: '100.000001',
        vendor: 'cisco',
        caseId: CASE.id,
        afterEventId: 0,
        toEventId: to,
      };
      const grant = (await store.acquireLease('poller', 'a', 60_000))!;
      expect(await store.beginThreadReply(record, grant)).toBe(true);
      await store.forgetThreadReply('k1', grant);
      expect(await store.pendingThreadReplies()).toEqual([]);
      expect(await store.beginThreadReply(record, grant)).toBe(true);

      await store.releaseLease('poller', 'a');
      expect(await store.acquireLease('poller', 'b', 60_000)).toBeDefined();
      await expect(store.settleThreadReply('k1', '100.000002', AT, grant)).rejects.toBeInstanceOf(
        StaleLeaseError,
      );
      await expect(store.beginThreadReply({ ...record, key: 'k2' }, grant)).rejects.toBeInstanceOf(
        StaleLeaseError,
      );
      expect(await store.threadReplyCount('C1', 'cisco', CASE.id)).toBe(0);
      expect(await store.pendingThreadReplies()).toHaveLength(1);
    });
  });
}
