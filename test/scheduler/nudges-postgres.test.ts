/**
 * Two replicas on one PostgreSQL database running nudges at the same moments (as after one lost the poller
 * lease mid-run): each nudge is still posted once, because it is recorded under its unique key before the
 * post and a young pending record is never taken for a lost one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { NudgeStay } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type DueNudge, NudgeRunner } from '../../src/scheduler/nudge-runner.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const postgres = await postgresForTests();
const CHANNEL = 'CNOC0001';
const MIN = 60_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');

describe.skipIf(!postgres.available)(
  postgres.available ? 'nudges on two PostgreSQL replicas' : `nudges on PostgreSQL — ${postgres.skipMessage}`,
  () => {
    let schema: TestSchema;
    const stores: Store[] = [];
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await schema?.drop();
    });

    it('posts each nudge once when both replicas run at the same time', async () => {
      schema = await createTestSchema(postgres.url);
      let time = T0;
      const clock = { now: () => time, sleep: async () => {} };
      const open = async () => {
        const store = await createStore({
          dataDir: 'unused',
          databaseUrl: schema.url,
          logger: silentLogger,
          now: () => new Date(time),
        });
        stores.push(store);
        await store.migrate();
        return store;
      };
      const [a, b] = [await open(), await open()];
      await a.addWatch({ vendor: 'cisco', caseId: '698000002', channelId: CHANNEL, createdBy: 'UALICE01' });
      await a.recordObservation(
        {
          vendor: 'cisco',
          id: '698000002',
          alternateIds: [],
          title: 'Fan tray failure',
          status: 'Customer Pending',
          state: 'waiting-on-customer',
          notes: [],
          fields: [],
        },
        new Date(T0).toISOString(),
      );
      await a.saveNudgeSettings({
        channelId: CHANNEL,
        rules: { 'waiting-on-us': 10 * MIN },
        updatedBy: 'UALICE01',
        updatedAt: new Date(T0).toISOString(),
      });
      const posted: DueNudge[] = [];
      const publisher = {
        post: async (nudge: DueNudge) => {
          posted.push(nudge);
          return `${posted.length}.000000`;
        },
        findPosted: async (_c: string, _t: string | undefined) =>
          posted.map((n, i) => ({ key: n.key, ts: `${i + 1}.000000` })),
      };
      const runner = (store: Store) =>
        new NudgeRunner({
          store,
          publisher,
          digestDefaults: { cron: '0 9 * * 1-5', timezone: 'UTC' },
          logger: silentLogger,
          clock,
        });
      const [ra, rb] = [runner(a), runner(b)];
      for (let minute = 1; minute <= 60; minute++) {
        time = T0 + minute * MIN;
        await Promise.all([ra.runOnce(), rb.runOnce()]);
      }
      expect(posted.map((n) => n.sequence)).toEqual([1, 2, 3]);
      const stay: NudgeStay = posted[0]!.stay;
      expect((await b.nudgesOfStay(stay)).map((r) => [r.sequence, r.state])).toEqual([
        [1, 'posted'],
        [2, 'posted'],
        [3, 'posted'],
      ]);
    });
  },
);
