/**
 * Migrations 0012 and 0016's parts of the store, on SQLite and PostgreSQL: a channel's update delivery choice, card
 * permalinks kept until the card is replaced, and the outbox of posts after writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
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
  const dir = mkdtempSync(join(tmpdir(), 'caseops-0012-'));
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

for (const [dialect, openStore, available] of dialects) {
  describe.skipIf(!available)(`update delivery, card permalinks and write posts (${dialect})`, () => {
    async function fresh(): Promise<Store> {
      const store = await openStore();
      stores.push(store);
      await store.migrate();
      return store;
    }

    it("keeps each channel's choice, replacing it on change", async () => {
      const store = await fresh();
      expect(await store.getUpdateDelivery('C1')).toBeUndefined();
      const at = '2030-01-01T00:00:00.000Z';
      await store.saveUpdateDelivery({ channelId: 'C1', mode: 'thread', updatedBy: 'U1', updatedAt: at });
      await store.saveUpdateDelivery({ channelId: 'C1', mode: 'digest', updatedBy: 'U2', updatedAt: at });
      expect(await store.getUpdateDelivery('C1')).toEqual({
        channelId: 'C1',
        mode: 'digest',
        updatedBy: 'U2',
        updatedAt: at,
      });
      expect(await store.getUpdateDelivery('C2')).toBeUndefined();
    });

    it("lists every channel's choice at once, as saved last", async () => {
      const store = await fresh();
      expect(await store.updateDeliveryChoices()).toEqual([]);
      const at = '2030-01-01T00:00:00.000Z';
      await store.saveUpdateDelivery({ channelId: 'C2', mode: 'thread', updatedBy: 'U1', updatedAt: at });
      await store.saveUpdateDelivery({ channelId: 'C1', mode: 'both', updatedBy: 'U1', updatedAt: at });
      await store.saveUpdateDelivery({ channelId: 'C2', mode: 'digest', updatedBy: 'U2', updatedAt: at });
      expect(await store.updateDeliveryChoices()).toEqual([
        { channelId: 'C1', mode: 'both', updatedBy: 'U1', updatedAt: at },
        { channelId: 'C2', mode: 'digest', updatedBy: 'U2', updatedAt: at },
      ]);
    });

    it("reads the cards of many channels at once, each as that channel's own read gives it", async () => {
      const store = await fresh();
      await store.rememberCard({ vendor: 'cisco', caseId: '2', channelId: 'C2', ts: '1.000200' });
      await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1.000100' });
      await store.rememberCard({ vendor: 'cisco', caseId: '3', channelId: 'C3', ts: '1.000300' });
      await store.rememberCardPermalink('C2', '1.000200', 'https://x.slack.com/archives/C2/p1000200');
      expect(await store.cardsInChannels([])).toEqual([]);
      expect(await store.cardsInChannels(['C2', 'C1'])).toEqual([
        ...(await store.cardsInChannel('C1')),
        ...(await store.cardsInChannel('C2')),
      ]);
      expect((await store.cardsInChannels(['C2']))[0]?.permalink).toBe(
        'https://x.slack.com/archives/C2/p1000200',
      );
    });

    it('keeps a permalink for its card, and drops it when a newer card replaces that one', async () => {
      const store = await fresh();
      await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1.000100' });
      await store.rememberCard({ vendor: 'cisco', caseId: '2', channelId: 'C1', ts: '1.000200' });
      await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C2', ts: '1.000300' });
      await store.rememberCardPermalink('C1', '1.000100', 'https://x.slack.com/archives/C1/p1000100');
      // A ts that is no longer a card's keeps nothing.
      await store.rememberCardPermalink('C1', '9.000000', 'https://x.slack.com/archives/C1/p9');
      expect(await store.cardsInChannel('C1')).toEqual([
        {
          vendor: 'cisco',
          caseId: '1',
          channelId: 'C1',
          ts: '1.000100',
          permalink: 'https://x.slack.com/archives/C1/p1000100',
        },
        { vendor: 'cisco', caseId: '2', channelId: 'C1', ts: '1.000200' },
      ]);
      // The same card remembered again keeps its permalink; a newer card does not inherit it.
      await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1.000100' });
      expect((await store.cardsFor('cisco', '1'))[0]?.permalink).toBe(
        'https://x.slack.com/archives/C1/p1000100',
      );
      await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '2.000100' });
      expect(await store.cardsInChannel('C1')).toContainEqual({
        vendor: 'cisco',
        caseId: '1',
        channelId: 'C1',
        ts: '2.000100',
      });
    });

    it('claims a write post for one attempt at a time, settles it, and forgets one Slack does not have', async () => {
      const store = await fresh();
      const post = { key: 'caseops_card:C1:open:x', eventType: 'caseops_card', channelId: 'C1' };
      const first = await store.claimWritePost(post, 'replica-a', 60_000);
      expect(first).toMatchObject({ kind: 'fresh', post: { ...post, state: 'pending' } });
      expect((await store.claimWritePost(post, 'replica-b', 60_000)).kind).toBe('busy');
      await store.settleWritePost(post.key, '1.000100', '2030-01-01T00:00:00.000Z');
      expect(await store.getWritePost(post.key)).toMatchObject({ state: 'posted', ts: '1.000100' });
      expect(await store.claimWritePost(post, 'replica-b', 60_000)).toMatchObject({
        kind: 'posted',
        post: { ts: '1.000100' },
      });
      const reply = { ...post, key: 'caseops_note_sent:C1:annotate:y', threadTs: '1.000100' };
      expect((await store.claimWritePost(reply, 'replica-a', 60_000)).post.threadTs).toBe('1.000100');
      await store.forgetWritePost(reply.key);
      expect(await store.getWritePost(reply.key)).toBeUndefined();
      expect((await store.claimWritePost(reply, 'replica-b', 60_000)).kind).toBe('fresh');
    });

    it('a released or lapsed claim on a pending post is taken by the next attempt, once', async () => {
      const store = await fresh();
      const post = { key: 'caseops_card:C1:open:z', eventType: 'caseops_card', channelId: 'C1' };
      await store.claimWritePost(post, 'replica-a', 60_000);
      await store.releaseWritePost(post.key, 'replica-b');
      expect((await store.claimWritePost(post, 'replica-b', 60_000)).kind).toBe('busy');
      await store.releaseWritePost(post.key, 'replica-a');
      const taken = await Promise.all([
        store.claimWritePost(post, 'replica-b', 60_000),
        store.claimWritePost(post, 'replica-c', 60_000),
      ]);
      expect(taken.map((claim) => claim.kind).sort()).toEqual(['busy', 'resumed']);

      const lapsing = { ...post, key: 'caseops_card:C1:open:lapse' };
      await store.claimWritePost(lapsing, 'replica-a', 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await store.claimWritePost(lapsing, 'replica-b', 60_000)).kind).toBe('resumed');
    });
  });
}
