import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore, type Store } from '../../src/store/index.js';
import {
  createTestSchema,
  postgresForTests,
  type TestSchema,
  urlWithSearchPath,
} from '../support/postgres.js';
import { describeStoreContract, makeCase, type StoreHarness } from './store-contract.js';

const postgres = await postgresForTests();
const schemas: TestSchema[] = [];

async function freshSchema(): Promise<TestSchema> {
  const schema = await createTestSchema(postgres.url);
  schemas.push(schema);
  return schema;
}

const harness: StoreHarness = {
  dialect: 'postgres',
  concurrentStores: true,
  async createDatabase() {
    const schema = await freshSchema();
    return {
      openStore: (options = {}) =>
        createStore({
          dataDir: 'unused-with-postgres',
          databaseUrl: schema.url,
          logger: silentLogger,
          ...options,
        }),
      countRows: async (table) =>
        Number((await schema.query<{ n: string }>(`select count(*) as n from "${table}"`))[0]?.n),
    };
  },
};

describe.skipIf(!postgres.available)(
  postgres.available ? 'PostgreSQL store' : `PostgreSQL store — ${postgres.skipMessage}`,
  () => {
    afterAll(async () => {
      await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
    });

    describeStoreContract(harness);

    describe('PostgreSQL specifics', () => {
      const stores: Store[] = [];
      afterEach(async () => {
        await Promise.all(stores.splice(0).map((store) => store.close()));
      });
      async function open(url: string, now?: () => Date): Promise<Store> {
        const store = await createStore({
          dataDir: 'unused',
          databaseUrl: url,
          logger: silentLogger,
          ...(now ? { now } : {}),
        });
        stores.push(store);
        return store;
      }

      it('creates its tables and migration history in its own schema only', async () => {
        const [a, b] = [await freshSchema(), await freshSchema()];
        const storeA = await open(a.url);
        await storeA.migrate();
        const tablesIn = async (schema: TestSchema) =>
          (
            await schema.query<{ table_name: string }>(
              'select table_name from information_schema.tables where table_schema = $1 order by table_name',
              [schema.name],
            )
          ).map((row) => row.table_name);
        expect(await tablesIn(a)).toEqual([
          'audit_log',
          'case_homes',
          'case_snapshots',
          'digest_attempts',
          'digest_settings',
          'kysely_migration',
          'kysely_migration_lock',
          'leases',
          'nudge_holds',
          'nudge_settings',
          'nudges',
          'posted_cards',
          'recent_cases',
          'scheduled_runs',
          'status_events',
          'subscriber_settings',
          'subscription_dms',
          'subscriptions',
          'thread_cursors',
          'thread_replies',
          'update_delivery',
          'vendor_writes',
          'watches',
          'write_posts',
        ]);
        expect(await tablesIn(b)).toEqual([]);

        // A second schema in the same database migrates on its own despite the first one's history.
        const storeB = await open(b.url);
        await storeB.migrate();
        await storeA.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        expect(await storeB.watchedCases()).toEqual([]);
        expect(await storeA.watchedCases()).toEqual([{ vendor: 'cisco', caseId: '1' }]);
      });

      it('fails to migrate with a clear message when the search_path schema does not exist', async () => {
        const store = await open(urlWithSearchPath(postgres.url, 'caseops_no_such_schema'));
        await expect(store.migrate()).rejects.toThrow(/no current schema/);
      });

      it('throws from ping when the server cannot be reached', async () => {
        const store = await open('postgres://postgres@127.0.0.1:1/test');
        await expect(store.ping()).rejects.toThrow();
      });

      it("judges lease expiry by the database's clock, not a replica's", async () => {
        const schema = await freshSchema();
        const HOUR = 60 * 60_000;
        const onTime = await open(schema.url);
        await onTime.migrate();
        const ahead = await open(schema.url, () => new Date(Date.now() + HOUR));
        const behind = await open(schema.url, () => new Date(Date.now() - HOUR));

        // A replica whose clock runs an hour ahead does not see a live 2 s lease as expired.
        const held = await onTime.acquireLease('poller', 'on-time', 2_000);
        expect(held).toBeDefined();
        expect(await ahead.acquireLease('poller', 'ahead', 2_000)).toBeUndefined();

        // A replica whose clock runs an hour behind takes a lease that did expire, as soon as it did.
        const short = await behind.acquireLease('digest:C1', 'behind', 300);
        expect(short).toBeDefined();
        expect(await onTime.acquireLease('digest:C1', 'on-time', 300)).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(await onTime.acquireLease('digest:C1', 'on-time', 300)).toBeDefined();
        expect(await behind.renewLease(short!, 300)).toBe(false);
        expect(await onTime.renewLease(held!, 2_000)).toBe(true);
      });

      it('never lets a digest reader skip an event while many are recorded concurrently', async () => {
        const schema = await freshSchema();
        const writer = await open(schema.url);
        const reader = await open(schema.url);
        await writer.migrate();
        const cases = Array.from({ length: 60 }, (_, i) => makeCase({ id: `c${i}`, status: 'Open' }));
        for (const seen of cases) {
          await writer.addWatch({
            vendor: 'cisco',
            caseId: seen.id,
            channelId: 'C1',
            createdBy: 'U1',
            createdAt: '2025-06-02T00:00:00Z',
          });
          await writer.recordObservation(seen, '2025-06-02T08:00:00Z');
        }

        let writing = true;
        const delivered: number[] = [];
        const readLoop = (async () => {
          let cursor = 0;
          for (;;) {
            const stillWriting = writing;
            const events = await reader.eventsForChannel('C1', cursor);
            delivered.push(...events.map((event) => event.id));
            cursor = events.at(-1)?.id ?? cursor;
            if (!stillWriting) return;
          }
        })();
        const recorded = await Promise.all(
          cases.map((seen) =>
            writer.recordObservation({ ...seen, status: 'Closed' }, '2025-06-02T08:01:00Z'),
          ),
        );
        writing = false;
        await readLoop;

        expect(recorded.every((event) => event !== undefined)).toBe(true);
        expect(delivered).toEqual(recorded.map((event) => event!.id).sort((a, b) => a - b));
      });
    });
  },
);
