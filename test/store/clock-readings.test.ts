/**
 * The response clock read from recorded events on the real store (SQLite and PostgreSQL): the vendor's silence from its last
 * recorded activity (not its own "updated" time, not a note sent from Slack), waiting on us from the recorded
 * change into it, and the playground's aging of one case moving all of that (and its nudges) into the past.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Case, caseKey } from '../../src/domain/case.js';
import { recordedClockOf, recordedClocks, recordedClocksOfCases } from '../../src/domain/response-clock.js';
import { silentLogger } from '../../src/logging/logger.js';
import { clockWords } from '../../src/slack/words.js';
import { createStore, type Store } from '../../src/store/index.js';
import { temporaryDataDir } from '../scheduler/harness.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';

const postgres = await postgresForTests();
const schemas: TestSchema[] = [];
afterAll(async () => {
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
});

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-10T08:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

const base: Case = {
  vendor: 'cisco',
  id: '698000042',
  alternateIds: [],
  title: 'Fan tray alarm',
  status: 'Cisco Pending',
  state: 'waiting-on-vendor',
  // The vendor's own time, days before anything caseops saw: never the clock's start.
  updatedAt: '2026-03-01T00:00:00Z',
  notes: [],
  fields: [],
};

const dialects: Array<['sqlite' | 'postgres', boolean]> = [
  ['sqlite', true],
  ['postgres', postgres.available],
];

for (const [dialect, available] of dialects)
  describe.skipIf(!available)(`the clock from recorded events (${dialect})`, () => {
    let dataDir: ReturnType<typeof temporaryDataDir>;
    let store: Store;

    beforeEach(async () => {
      dataDir = temporaryDataDir();
      if (dialect === 'postgres') {
        const schema = await createTestSchema(postgres.url);
        schemas.push(schema);
        store = await createStore({ dataDir: dataDir.path, databaseUrl: schema.url, logger: silentLogger });
      } else {
        store = await createStore({ dataDir: dataDir.path, logger: silentLogger });
      }
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
      dataDir.remove();
    });

    const wordsAt = async (hours: number) => {
      const recorded = await recordedClockOf(store, 'cisco', base.id);
      return recorded?.clock && clockWords(recorded.clock, new Date(at(hours)), 'cisco');
    };

    it('counts the vendor silent from its latest recorded activity, waiting on us from the recorded change', async () => {
      await store.observeCase(base, at(0));
      expect(await wordsAt(50)).toBe('Cisco silent for 2 d');

      // The vendor writes a note (dated by the vendor a little earlier): its silence starts again when recorded.
      const withNote = {
        ...base,
        notes: [{ text: 'Replacement shipped', author: 'TAC', createdAt: at(9) }],
        updatedAt: at(9),
      };
      await store.observeCase(withNote, at(10));
      expect(await wordsAt(15)).toBe('Cisco silent for 5 h');

      // A note sent from Slack is ours, not the vendor's: the silence goes on.
      await store.recordSlackNote('cisco', base.id, {
        text: 'Any news?',
        slackUserId: 'U0ONCALL',
        at: at(12),
      });
      expect(await wordsAt(15)).toBe('Cisco silent for 5 h');

      // The vendor hands it to us: waiting on us from when that change was recorded.
      const onUs = { ...withNote, status: 'Customer Pending', state: 'waiting-on-customer' as const };
      await store.observeCase(onUs, at(20));
      expect(await wordsAt(25)).toBe('Waiting on us for 5 h');

      // A status change within the same state does not restart the stay.
      await store.observeCase({ ...onUs, status: 'Customer Action Required' }, at(22));
      expect(await wordsAt(25)).toBe('Waiting on us for 5 h');
    });

    it('reads the clocks of many cases, of several vendors, from the readings alone as from the snapshots', async () => {
      const cases: Case[] = [];
      for (const vendor of ['cisco', 'juniper', 'equinix'] as const) {
        for (let i = 0; i < 5; i++) {
          // The same ids at every vendor: a reading must never be another vendor's case.
          cases.push({ ...base, vendor, id: `6980001${i}`, state: i % 2 ? 'waiting-on-customer' : 'open' });
        }
      }
      for (const c of cases) await store.observeCase(c, at(0));
      // A third move to waiting on us, a third get a vendor's note (an event, no change of state), a third
      // have no event at all.
      for (const [index, c] of cases.entries()) {
        if (index % 3 === 0) {
          await store.observeCase({ ...c, status: 'Customer Pending', state: 'waiting-on-customer' }, at(4));
        } else if (index % 3 === 1) {
          const note = { text: 'Looking into it', author: 'TAC', createdAt: at(2) };
          await store.observeCase({ ...c, notes: [note] }, at(3));
        }
      }
      // Juniper's 69800011 is not asked for, though Cisco's is: it must not be read.
      const notAsked = 6;
      const withEvents = cases.filter((_, index) => index % 3 !== 2 && index !== notAsked);
      const asked = cases
        .filter((_, index) => index !== notAsked)
        .map((c) => ({ vendor: c.vendor, caseId: c.id }));

      const fromSnapshots = await recordedClocks(store, await store.getSnapshots(asked));
      const fromReadings = await recordedClocksOfCases(store, asked);
      expect([...fromReadings.keys()].sort()).toEqual(withEvents.map((c) => caseKey(c.vendor, c.id)).sort());
      for (const [key, clock] of fromReadings) expect(clock).toEqual(fromSnapshots.get(key));
      // Moved to waiting on us at 4 h; waiting on us since first seen, with a note in between.
      expect(fromReadings.get(caseKey('juniper', '69800014'))).toEqual({
        situation: 'waiting-on-us',
        since: at(4),
      });
      expect(fromReadings.get(caseKey('cisco', '69800011'))).toEqual({
        situation: 'waiting-on-us',
        since: at(0),
      });
    });

    it('counts from the first sighting when no change was recorded', async () => {
      await store.observeCase({ ...base, status: 'Customer Pending', state: 'waiting-on-customer' }, at(0));
      expect(await wordsAt(5)).toBe('Waiting on us for 5 h');
    });

    it('ages a case: its recorded times, watches and nudges move into the past by the same amount', async () => {
      await store.addWatch({ vendor: 'cisco', caseId: base.id, channelId: 'C0NOC', createdBy: 'U0ONCALL' });
      await store.observeCase({ ...base, status: 'Customer Pending', state: 'waiting-on-customer' }, at(0));
      await store.observeCase({ ...base, status: 'Cisco Pending' }, at(1));
      await store.observeCase({ ...base, status: 'Customer Pending', state: 'waiting-on-customer' }, at(2));
      const stay = {
        channelId: 'C0NOC',
        vendor: 'cisco',
        caseId: base.id,
        situation: 'waiting-on-us' as const,
        stayStart: at(2),
      };
      expect(await store.beginNudge({ key: 'k1', ...stay, sequence: 1 })).toBe(true);
      await store.settleNudge('k1', '1.000001', at(3));
      const watchedAt = (await store.watchesOfCase('cisco', base.id))[0]!.createdAt;

      expect(await store.ageCase('cisco', base.id, 24 * HOUR)).toBe(true);
      expect(await wordsAt(3)).toBe('Waiting on us for 25 h');
      const aged = { ...stay, stayStart: at(2 - 24) };
      expect((await store.nudgesOfStay(aged)).map((n) => [n.sequence, n.postedAt])).toEqual([
        [1, at(3 - 24)],
      ]);
      expect(Date.parse((await store.watchesOfCase('cisco', base.id))[0]!.createdAt)).toBe(
        Date.parse(watchedAt) - 24 * HOUR,
      );
      expect(await store.ageCase('cisco', 'no-such-case', HOUR)).toBe(false);
    });
  });
