/**
 * The one behavioural contract of `Store`, registered once per dialect (sqlite-store.test.ts and
 * postgres-store.test.ts). Each test gets a fresh, empty database from the harness.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Case, CaseState, VendorId } from '../../src/domain/case.js';
import { StaleLeaseError, type Store } from '../../src/domain/ports/store.js';
import {
  CLAIM_RETENTION_MS,
  CLAIM_WINDOW_MS,
  RECENT_CASES_KEPT_PER_USER,
} from '../../src/store/kysely-store.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';

export interface TestDatabase {
  /** Opens a store on this database; it is not migrated yet. */
  openStore(options?: { now?: () => Date }): Promise<Store>;
  /** Counts a table's rows from outside the store (for facts the interface does not expose). */
  countRows(table: string): Promise<number>;
}

export interface StoreHarness {
  dialect: 'sqlite' | 'postgres';
  /** A new, empty database: a SQLite file in its own folder, or a PostgreSQL schema of its own. */
  createDatabase(): Promise<TestDatabase>;
  /**
   * Whether two stores may work one database at once in this process, like two replicas. True for
   * PostgreSQL. SQLite is single-process by design and better-sqlite3 waits for locks synchronously, so a
   * second connection in the same process would block the event loop that the first one needs to commit.
   */
  concurrentStores: boolean;
}

/** A clock the test moves by hand. */
export class TestClock {
  private current: number;
  constructor(start = '2025-06-02T08:00:00.000Z') {
    this.current = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.current);
  iso(): string {
    return new Date(this.current).toISOString();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export function makeCase(overrides: Partial<Case> & { id: string }): Case {
  return {
    vendor: 'cisco',
    alternateIds: [],
    title: `Case ${overrides.id}`,
    status: 'Customer Updated',
    state: 'open',
    notes: [],
    fields: [],
    ...overrides,
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function describeStoreContract(harness: StoreHarness): void {
  const openStores: Store[] = [];

  afterEach(async () => {
    await Promise.all(openStores.splice(0).map((store) => store.close()));
  });

  async function open(database: TestDatabase, clock?: TestClock): Promise<Store> {
    const store = await database.openStore(clock ? { now: clock.now } : {});
    openStores.push(store);
    return store;
  }

  /** A migrated store on a fresh database, with a hand-moved clock. */
  async function fresh(): Promise<{ store: Store; database: TestDatabase; clock: TestClock }> {
    const database = await harness.createDatabase();
    const clock = new TestClock();
    const store = await open(database, clock);
    await store.migrate();
    return { store, database, clock };
  }

  /** Records a first sighting, then each later status in turn; returns the events. */
  async function driveStatuses(
    store: Store,
    base: Case,
    statuses: Array<[status: string, state: CaseState, at: string]>,
  ) {
    const events = [];
    for (const [status, state, at] of statuses) {
      const event = await store.recordObservation({ ...base, status, state }, at);
      if (event) events.push(event);
    }
    return events;
  }

  describe(`Store contract (${harness.dialect})`, () => {
    describe('lifecycle and migrations', () => {
      it('reports its dialect', async () => {
        const { store } = await fresh();
        expect(store.dialect).toBe(harness.dialect);
      });

      it('migrates an empty database and is a no-op when run again', async () => {
        const { store, database } = await fresh();
        expect(await database.countRows('kysely_migration')).toBe(MIGRATIONS.length);
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        await store.migrate();
        expect(await database.countRows('kysely_migration')).toBe(MIGRATIONS.length);
        expect(await store.watchesInChannel('C1')).toHaveLength(1);
      });

      it('survives migrate() called concurrently on one store', async () => {
        const database = await harness.createDatabase();
        const store = await open(database);
        await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
        expect(await database.countRows('kysely_migration')).toBe(MIGRATIONS.length);
        expect(await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' })).toBe(
          true,
        );
      });

      it.runIf(harness.concurrentStores)(
        'lets two replicas migrate the same fresh database at once',
        async () => {
          const database = await harness.createDatabase();
          const replicas = await Promise.all([open(database), open(database)]);
          await Promise.all(replicas.map((replica) => replica.migrate()));
          expect(await database.countRows('kysely_migration')).toBe(MIGRATIONS.length);
          const [first, second] = replicas as [Store, Store];
          await first.addWatch({ vendor: 'juniper', caseId: '9', channelId: 'C1', createdBy: 'U1' });
          expect(await second.watchesInChannel('C1')).toHaveLength(1);
        },
      );

      it('pings while open and throws once closed; close is idempotent', async () => {
        const { store } = await fresh();
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
        await expect(store.close()).resolves.toBeUndefined();
      });

      it('keeps everything across close and reopen', async () => {
        const { store, database, clock } = await fresh();
        await store.addWatch({ vendor: 'equinix', caseId: 'E-1', channelId: 'C1', createdBy: 'U1' });
        await store.recordObservation(
          makeCase({ vendor: 'equinix', id: 'E-1', status: 'OPEN' }),
          clock.iso(),
        );
        clock.advance(MINUTE);
        const event = await store.recordObservation(
          makeCase({ vendor: 'equinix', id: 'E-1', status: 'CLOSED', state: 'closed' }),
          clock.iso(),
        );
        await store.beginWrite({ key: 'k1', operation: 'open', vendor: 'equinix', vendorKey: 'ref-1' });
        await store.close();

        const reopened = await open(database, clock);
        await reopened.migrate();
        expect(await reopened.watchesInChannel('C1')).toHaveLength(1);
        expect((await reopened.getSnapshot('equinix', 'E-1'))?.status).toBe('CLOSED');
        expect(await reopened.eventsForChannel('C1', 0)).toEqual([event]);
        expect((await reopened.getWrite('k1'))?.state).toBe('pending');
      });
    });

    describe('watches', () => {
      it('adds a watch once per channel and case, stamping it with the store clock', async () => {
        const { store, clock } = await fresh();
        expect(
          await store.addWatch({ vendor: 'cisco', caseId: '6900', channelId: 'C1', createdBy: 'U1' }),
        ).toBe(true);
        expect(
          await store.addWatch({ vendor: 'cisco', caseId: '6900', channelId: 'C1', createdBy: 'U2' }),
        ).toBe(false);
        expect(await store.watchesInChannel('C1')).toEqual([
          { vendor: 'cisco', caseId: '6900', channelId: 'C1', createdBy: 'U1', createdAt: clock.iso() },
        ]);
      });

      it('normalises an explicit createdAt to UTC ISO-8601', async () => {
        const { store } = await fresh();
        await store.addWatch({
          vendor: 'cisco',
          caseId: '1',
          channelId: 'C1',
          createdBy: 'U1',
          createdAt: '2025-06-02T10:00:00+02:00',
        });
        expect((await store.watchesInChannel('C1'))[0]?.createdAt).toBe('2025-06-02T08:00:00.000Z');
      });

      it('rejects a createdAt that is not an instant', async () => {
        const { store } = await fresh();
        await expect(
          store.addWatch({
            vendor: 'cisco',
            caseId: '1',
            channelId: 'C1',
            createdBy: 'U1',
            createdAt: 'soon',
          }),
        ).rejects.toThrow(/ISO-8601/);
      });

      it('removes a watch and says whether there was one', async () => {
        const { store } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        expect(await store.removeWatch('cisco', '1', 'C1')).toBe(true);
        expect(await store.removeWatch('cisco', '1', 'C1')).toBe(false);
        expect(await store.watchesInChannel('C1')).toEqual([]);
      });

      it('lists watches by channel and by case, and each watched case once', async () => {
        const { store } = await fresh();
        const add = (vendor: VendorId, caseId: string, channelId: string) =>
          store.addWatch({ vendor, caseId, channelId, createdBy: 'U1' });
        await add('cisco', '1', 'C1');
        await add('cisco', '1', 'C2');
        await add('juniper', '2024-0101-0001', 'C1');
        await add('motadata', '77', 'C3');

        expect((await store.watchesInChannel('C1')).map((w) => `${w.vendor}:${w.caseId}`).sort()).toEqual([
          'cisco:1',
          'juniper:2024-0101-0001',
        ]);
        expect((await store.watchesOfCase('cisco', '1')).map((w) => w.channelId).sort()).toEqual([
          'C1',
          'C2',
        ]);
        expect(await store.watchesOfCase('cisco', 'nope')).toEqual([]);
        expect(await store.watchedCases()).toEqual([
          { vendor: 'cisco', caseId: '1' },
          { vendor: 'juniper', caseId: '2024-0101-0001' },
          { vendor: 'motadata', caseId: '77' },
        ]);
      });

      it('counts the cases each watching channel watches, and forgets a channel whose last watch goes', async () => {
        const { store } = await fresh();
        expect(await store.watchCountsByChannel()).toEqual(new Map());
        const add = (vendor: VendorId, caseId: string, channelId: string) =>
          store.addWatch({ vendor, caseId, channelId, createdBy: 'U1' });
        await add('cisco', '1', 'C1');
        await add('cisco', '1', 'C2');
        await add('juniper', '2024-0101-0001', 'C1');
        await add('motadata', '77', 'C1');
        await add('motadata', '77', 'C3');
        expect(await store.watchCountsByChannel()).toEqual(
          new Map([
            ['C1', 3],
            ['C2', 1],
            ['C3', 1],
          ]),
        );
        await store.removeWatch('motadata', '77', 'C3');
        expect(await store.watchCountsByChannel()).toEqual(
          new Map([
            ['C1', 3],
            ['C2', 1],
          ]),
        );
      });
    });

    describe('case homes and watches of many channels', () => {
      it('keeps the first home of a case and reads many in one call', async () => {
        const { store } = await fresh();
        const first = await store.claimCaseHome({
          vendor: 'cisco',
          caseId: '1',
          channelId: 'G1',
          isPrivate: true,
        });
        expect(first).toMatchObject({ vendor: 'cisco', caseId: '1', channelId: 'G1', isPrivate: true });
        const again = await store.claimCaseHome({
          vendor: 'cisco',
          caseId: '1',
          channelId: 'C2',
          isPrivate: false,
        });
        expect(again).toEqual(first);
        await store.claimCaseHome({ vendor: 'juniper', caseId: '1', channelId: 'C3', isPrivate: false });
        const homes = await store.caseHomes([
          { vendor: 'cisco', caseId: '1' },
          { vendor: 'juniper', caseId: '1' },
          { vendor: 'motadata', caseId: '1' },
        ]);
        expect(homes.map((h) => `${h.vendor}:${h.channelId}:${h.isPrivate}`).sort()).toEqual([
          'cisco:G1:true',
          'juniper:C3:false',
        ]);
        expect(await store.caseHomes([])).toEqual([]);
      });

      it('reads the watches of several channels at once, and none for no channels', async () => {
        const { store } = await fresh();
        const add = (caseId: string, channelId: string) =>
          store.addWatch({ vendor: 'cisco', caseId, channelId, createdBy: 'U1' });
        await add('1', 'C1');
        await add('2', 'C2');
        await add('3', 'C3');
        const found = await store.watchesInChannels(['C1', 'C3', 'C9']);
        expect(found.map((w) => `${w.caseId}@${w.channelId}`).sort()).toEqual(['1@C1', '3@C3']);
        expect(await store.watchesInChannels([])).toEqual([]);
      });
    });

    describe('snapshots and status changes', () => {
      it('stores the first sighting without an event', async () => {
        const { store, clock } = await fresh();
        const seen = makeCase({
          id: '6900',
          url: 'https://mycase.example/6900',
          severity: '3',
          notes: [{ text: 'hello', author: 'TAC' }],
          fields: [{ label: 'Contract', value: '123' }],
        });
        expect(await store.recordObservation(seen, clock.iso())).toBeUndefined();
        expect(await store.getSnapshot('cisco', '6900')).toEqual({
          vendor: 'cisco',
          caseId: '6900',
          title: 'Case 6900',
          status: 'Customer Updated',
          state: 'open',
          url: 'https://mycase.example/6900',
          case: seen,
          lastSyncedAt: clock.iso(),
          statusSince: clock.iso(),
        });
        expect(await store.getSnapshot('cisco', 'other')).toBeUndefined();
      });

      it('refreshes a same-status observation without an event and keeps statusSince', async () => {
        const { store, clock } = await fresh();
        const firstSeenAt = clock.iso();
        await store.recordObservation(makeCase({ id: '1', title: 'Old title' }), firstSeenAt);
        clock.advance(5 * MINUTE);
        const again = makeCase({ id: '1', title: 'New title', notes: [{ text: 'new note' }] });
        expect(await store.recordObservation(again, clock.iso())).toBeUndefined();

        const snapshot = await store.getSnapshot('cisco', '1');
        expect(snapshot?.lastSyncedAt).toBe(clock.iso());
        expect(snapshot?.statusSince).toBe(firstSeenAt);
        expect(snapshot?.title).toBe('New title');
        expect(snapshot?.case).toEqual(again);
      });

      it('records exactly one event per status change, with from and to', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        await store.recordObservation(makeCase({ id: '1', status: 'Open', state: 'open' }), clock.iso());
        clock.advance(MINUTE);
        const changedAt = clock.iso();
        const event = await store.recordObservation(
          makeCase({ id: '1', status: 'Closed', state: 'closed', url: 'https://x/1' }),
          changedAt,
        );
        expect(event).toEqual({
          id: expect.any(Number),
          vendor: 'cisco',
          caseId: '1',
          kind: 'status',
          title: 'Case 1',
          url: 'https://x/1',
          fromStatus: 'Open',
          fromState: 'open',
          toStatus: 'Closed',
          toState: 'closed',
          observedAt: changedAt,
        });
        const snapshot = await store.getSnapshot('cisco', '1');
        expect(snapshot?.status).toBe('Closed');
        expect(snapshot?.state).toBe('closed');
        expect(snapshot?.statusSince).toBe(changedAt);
        clock.advance(MINUTE);
        expect(
          await store.recordObservation(
            makeCase({ id: '1', status: 'Closed', state: 'closed' }),
            clock.iso(),
          ),
        ).toBeUndefined();
        expect(await store.eventsForChannel('C1', 0)).toEqual([event]);
      });

      it('gives events strictly increasing ids', async () => {
        const { store } = await fresh();
        const events = await driveStatuses(store, makeCase({ id: '1' }), [
          ['A', 'open', '2025-06-02T08:00:00Z'],
          ['B', 'waiting-on-vendor', '2025-06-02T08:01:00Z'],
          ['C', 'waiting-on-customer', '2025-06-02T08:02:00Z'],
          ['A', 'open', '2025-06-02T08:03:00Z'],
        ]);
        expect(events.map((e) => e.toStatus)).toEqual(['B', 'C', 'A']);
        const ids = events.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(3);
      });

      it('marks a sync failure without touching status or recording an event, until the next good sync', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        const seen = makeCase({ id: '1', status: 'Open' });
        await store.recordObservation(seen, clock.iso());
        const before = await store.getSnapshot('cisco', '1');
        clock.advance(MINUTE);
        await store.recordSyncFailure('cisco', '1', 'vendor answered 503', clock.iso());

        const failed = await store.getSnapshot('cisco', '1');
        expect(failed).toEqual({ ...before, lastError: 'vendor answered 503', lastErrorAt: clock.iso() });
        expect(await store.eventsForChannel('C1', 0)).toEqual([]);

        clock.advance(MINUTE);
        await store.recordObservation(seen, clock.iso());
        const recovered = await store.getSnapshot('cisco', '1');
        expect(recovered?.lastError).toBeUndefined();
        expect(recovered?.lastErrorAt).toBeUndefined();
        expect(recovered?.status).toBe('Open');
      });

      it('ignores a sync failure for a case it has never seen', async () => {
        const { store, clock } = await fresh();
        await expect(store.recordSyncFailure('cisco', 'ghost', 'boom', clock.iso())).resolves.toBeUndefined();
        expect(await store.getSnapshot('cisco', 'ghost')).toBeUndefined();
      });

      it('reads many snapshots at once, skipping unknown keys', async () => {
        const { store, clock } = await fresh();
        const keys = Array.from({ length: 450 }, (_, i) => ({ vendor: 'cisco' as const, caseId: `c${i}` }));
        for (const key of keys.slice(0, 430))
          await store.recordObservation(makeCase({ id: key.caseId }), clock.iso());
        await store.recordObservation(makeCase({ vendor: 'juniper', id: 'c1' }), clock.iso());

        const found = await store.getSnapshots([...keys, { vendor: 'juniper', caseId: 'c1' }]);
        expect(found).toHaveLength(431);
        expect(new Set(found.map((s) => `${s.vendor}:${s.caseId}`)).size).toBe(431);
        expect(await store.getSnapshots([])).toEqual([]);
        expect(await store.getSnapshots([{ vendor: 'equinix', caseId: 'c1' }])).toEqual([]);
      });

      it('records one event when the same change is observed concurrently', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        await store.recordObservation(makeCase({ id: '1', status: 'Open' }), clock.iso());
        clock.advance(MINUTE);
        const changed = makeCase({ id: '1', status: 'Resolved', state: 'resolved' });
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store.recordObservation(changed, clock.iso())),
        );
        expect(results.filter((event) => event !== undefined)).toHaveLength(1);
        expect(await store.eventsForChannel('C1', 0)).toHaveLength(1);
      });

      it('records no event when a case is first seen by concurrent observers', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        const results = await Promise.all(
          Array.from({ length: 6 }, () => store.recordObservation(makeCase({ id: '1' }), clock.iso())),
        );
        expect(results).toEqual(Array(6).fill(undefined));
        expect((await store.getSnapshot('cisco', '1'))?.status).toBe('Customer Updated');
      });

      it.runIf(harness.concurrentStores)(
        'records one event when two replicas observe the same change at once',
        async () => {
          const { store, database, clock } = await fresh();
          const replica = await open(database, clock);
          await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
          await store.recordObservation(makeCase({ id: '1', status: 'Open' }), clock.iso());
          for (let round = 0; round < 5; round++) {
            clock.advance(MINUTE);
            const changed = makeCase({ id: '1', status: `Status ${round}` });
            const results = await Promise.all(
              [store, replica, store, replica].map((s) => s.recordObservation(changed, clock.iso())),
            );
            expect(results.filter((event) => event !== undefined)).toHaveLength(1);
          }
          expect(await store.eventsForChannel('C1', 0)).toHaveLength(5);
        },
      );
    });

    describe('case activity', () => {
      const detail = (overrides: Partial<Case> = {}) =>
        makeCase({
          id: '1',
          status: 'Cisco Pending',
          state: 'waiting-on-vendor',
          owner: 'Priya Raman',
          severity: 'Sev 3',
          updatedAt: '2026-03-01T08:00:00.000Z',
          notes: [{ text: 'Case opened.', author: 'NOC', createdAt: '2026-03-01T08:00:00.000Z' }],
          fields: [
            { label: 'Technology', value: 'Routing' },
            { label: 'Problem code', value: 'Hardware Failure' },
            { label: 'RMAs', value: '800000001' },
          ],
          ...overrides,
        });
      /** What a bulk summary carries: no owner, no notes, only some fields. */
      const summary = (overrides: Partial<Case> = {}) =>
        makeCase({
          id: '1',
          status: 'Cisco Pending',
          state: 'waiting-on-vendor',
          severity: 'Sev 3',
          updatedAt: '2026-03-01T08:00:00.000Z',
          fields: [{ label: 'Technology', value: 'Routing - BGP' }],
          ...overrides,
        });

      it('merges a summary into the snapshot, keeping what only the detail answer carries', async () => {
        const { store, clock } = await fresh();
        await store.recordObservation(detail(), clock.iso());
        clock.advance(MINUTE);
        const observed = await store.observeCase(
          summary({ status: 'Customer Pending', state: 'waiting-on-customer' }),
          clock.iso(),
          { summary: true },
        );
        expect(observed.events.map((e) => e.kind)).toEqual(['status']);
        const kept = (await store.getSnapshot('cisco', '1'))!.case;
        expect(observed.case).toEqual(kept);
        expect(kept).toMatchObject({ status: 'Customer Pending', owner: 'Priya Raman', severity: 'Sev 3' });
        expect(kept.notes.map((n) => n.text)).toEqual(['Case opened.']);
        expect(kept.fields).toEqual([
          { label: 'Technology', value: 'Routing - BGP' },
          { label: 'Problem code', value: 'Hardware Failure' },
          { label: 'RMAs', value: '800000001' },
        ]);

        // A detail answer is the whole case: what it no longer has is gone.
        clock.advance(MINUTE);
        await store.observeCase(
          detail({ status: 'Customer Pending', state: 'waiting-on-customer', fields: [] }),
          clock.iso(),
        );
        expect((await store.getSnapshot('cisco', '1'))!.case.fields).toEqual([]);
      });

      it('records every change once, in order: status, owner, severity, then new notes oldest first', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({
          vendor: 'cisco',
          caseId: '1',
          channelId: 'C1',
          createdBy: 'U1',
          createdAt: clock.iso(),
        });
        await store.recordObservation(detail(), clock.iso());
        clock.advance(MINUTE);
        const moved = detail({
          status: 'Customer Pending',
          state: 'waiting-on-customer',
          owner: 'Marco Bianchi',
          severity: 'Sev 2',
          notes: [
            { text: 'Please send the logs.', author: 'Marco Bianchi', createdAt: '2026-03-01T09:30:00.000Z' },
            { text: 'Taking over.', author: 'Marco Bianchi', createdAt: '2026-03-01T09:00:00.000Z' },
            { text: 'Case opened.', author: 'NOC', createdAt: '2026-03-01T08:00:00.000Z' },
          ],
        });
        const observed = await store.observeCase(moved, clock.iso());
        expect(observed.events.map((e) => [e.kind, e.note?.text ?? e.to ?? e.toStatus])).toEqual([
          ['status', 'Customer Pending'],
          ['owner', 'Marco Bianchi'],
          ['severity', 'Sev 2'],
          ['note', 'Taking over.'],
          ['note', 'Please send the logs.'],
        ]);
        const ids = observed.events.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(observed.events[1]).toMatchObject({
          from: 'Priya Raman',
          to: 'Marco Bianchi',
          toStatus: 'Customer Pending',
        });
        expect(observed.events[3]!.note).toEqual({
          text: 'Taking over.',
          author: 'Marco Bianchi',
          createdAt: '2026-03-01T09:00:00.000Z',
          source: 'vendor',
        });

        // Seen again (another poll, another replica): nothing new.
        clock.advance(MINUTE);
        expect((await store.observeCase(moved, clock.iso())).events).toEqual([]);
        expect(
          (
            await store.observeCase(
              summary({ status: 'Customer Pending', state: 'waiting-on-customer', severity: 'Sev 2' }),
              clock.iso(),
              { summary: true },
            )
          ).events,
        ).toEqual([]);
        expect(await store.eventsForChannel('C1', 0)).toEqual(observed.events);
      });

      it('keeps the events and their order across a restart', async () => {
        const { store, database, clock } = await fresh();
        await store.addWatch({
          vendor: 'cisco',
          caseId: '1',
          channelId: 'C1',
          createdBy: 'U1',
          createdAt: clock.iso(),
        });
        await store.recordObservation(detail(), clock.iso());
        clock.advance(MINUTE);
        await store.observeCase(detail({ owner: 'Aiko Tanaka' }), clock.iso());
        const before = await store.eventsForChannel('C1', 0);
        await store.close();
        const reopened = await open(database, clock);
        await reopened.migrate();
        expect(await reopened.eventsForChannel('C1', 0)).toEqual(before);
        clock.advance(MINUTE);
        const next = await reopened.observeCase(
          detail({ owner: 'Aiko Tanaka', severity: 'Sev 1' }),
          clock.iso(),
        );
        expect(next.events.map((e) => e.kind)).toEqual(['severity']);
        expect(next.events[0]!.id).toBeGreaterThan(before[before.length - 1]!.id);
      });

      it('records a note sent from Slack once and keeps it on the case, even when the vendor never echoes it', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({
          vendor: 'equinix',
          caseId: 'E1',
          channelId: 'C1',
          createdBy: 'U1',
          createdAt: clock.iso(),
        });
        expect(
          await store.recordSlackNote('equinix', 'E1', { text: 'hi', slackUserId: 'U1', at: clock.iso() }),
        ).toBeUndefined();
        const equinix = makeCase({ vendor: 'equinix', id: 'E1', status: 'Open', state: 'open' });
        await store.recordObservation(equinix, clock.iso());
        clock.advance(MINUTE);
        const sentAt = clock.iso();
        const event = await store.recordSlackNote('equinix', 'E1', {
          text: '  Circuit tested end to end.  ',
          slackUserId: 'UALICE01',
          at: sentAt,
        });
        expect(event).toMatchObject({
          kind: 'note',
          vendor: 'equinix',
          caseId: 'E1',
          toStatus: 'Open',
          note: {
            text: 'Circuit tested end to end.',
            source: 'slack',
            slackUserId: 'UALICE01',
            createdAt: sentAt,
          },
        });
        clock.advance(MINUTE);
        // The vendor's case answer carries no notes: the Slack note stays on the snapshot.
        expect((await store.observeCase(equinix, clock.iso())).events).toEqual([]);
        expect((await store.getSnapshot('equinix', 'E1'))!.case.notes).toEqual([
          { text: 'Circuit tested end to end.', createdAt: sentAt, source: 'slack', slackUserId: 'UALICE01' },
        ]);
        // A vendor that does echo it: not news, and not shown twice.
        clock.advance(MINUTE);
        const echoed = await store.observeCase(
          {
            ...equinix,
            notes: [{ text: 'Circuit tested end to end.', author: 'api-user', createdAt: clock.iso() }],
          },
          clock.iso(),
        );
        expect(echoed.events).toEqual([]);
        expect(echoed.case.notes).toHaveLength(1);
        expect(await store.eventsForChannel('C1', 0)).toEqual([event]);
      });

      it('refuses a fenced observation once the lease changed hands, writing nothing', async () => {
        const { store, clock } = await fresh();
        await store.recordObservation(detail(), clock.iso());
        const grant = (await store.acquireLease('poller', 'a', 60_000))!;
        await store.releaseLease('poller', 'a');
        expect(await store.acquireLease('poller', 'b', 60_000)).toBeDefined();
        await expect(
          store.observeCase(detail({ owner: 'Someone Else' }), clock.iso(), { fence: grant }),
        ).rejects.toBeInstanceOf(StaleLeaseError);
        expect((await store.getSnapshot('cisco', '1'))!.case.owner).toBe('Priya Raman');
      });

      it.runIf(harness.concurrentStores)(
        'records each change once when two replicas observe it at once',
        async () => {
          const { store, database, clock } = await fresh();
          const replica = await open(database, clock);
          await store.addWatch({
            vendor: 'cisco',
            caseId: '1',
            channelId: 'C1',
            createdBy: 'U1',
            createdAt: clock.iso(),
          });
          await store.recordObservation(detail(), clock.iso());
          for (let round = 0; round < 4; round++) {
            clock.advance(MINUTE);
            const changed = detail({
              owner: `Owner ${round}`,
              notes: [{ text: `Note ${round}`, createdAt: clock.iso() }],
            });
            const results = await Promise.all(
              [store, replica, store, replica].map((s) => s.observeCase(changed, clock.iso())),
            );
            expect(
              results
                .flatMap((r) => r.events)
                .map((e) => e.kind)
                .sort(),
            ).toEqual(['note', 'owner']);
          }
          const events = await store.eventsForChannel('C1', 0);
          expect(events).toHaveLength(8);
          expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
        },
      );
    });

    describe('eventsForChannel', () => {
      it("returns only the channel's watched cases, after the cursor and since each watch began, oldest first", async () => {
        const { store, clock } = await fresh();
        // Case 1: changes before C1 watches it, then after.
        await store.recordObservation(makeCase({ id: '1', status: 'A' }), clock.iso());
        clock.advance(MINUTE);
        const beforeWatch = await store.recordObservation(makeCase({ id: '1', status: 'B' }), clock.iso());
        clock.advance(MINUTE);
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        await store.addWatch({ vendor: 'cisco', caseId: '2', channelId: 'C2', createdBy: 'U1' });
        await store.recordObservation(makeCase({ id: '2', status: 'A' }), clock.iso());
        clock.advance(MINUTE);
        const first = await store.recordObservation(makeCase({ id: '1', status: 'C' }), clock.iso());
        const otherChannel = await store.recordObservation(makeCase({ id: '2', status: 'B' }), clock.iso());
        clock.advance(MINUTE);
        const second = await store.recordObservation(makeCase({ id: '1', status: 'D' }), clock.iso());

        expect(beforeWatch).toBeDefined();
        expect(otherChannel).toBeDefined();
        expect(await store.eventsForChannel('C1', 0)).toEqual([first, second]);
        expect(await store.eventsForChannel('C1', first!.id)).toEqual([second]);
        expect(await store.eventsForChannel('C1', second!.id)).toEqual([]);
        expect(await store.eventsForChannel('C1', 0, 1)).toEqual([first]);
        expect(await store.eventsForChannel('C2', 0)).toEqual([otherChannel]);
        expect(await store.eventsForChannel('C-none', 0)).toEqual([]);
      });

      it('includes an event observed at the very instant the watch began', async () => {
        const { store, clock } = await fresh();
        await store.recordObservation(makeCase({ id: '1', status: 'A' }), clock.iso());
        clock.advance(MINUTE);
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        const event = await store.recordObservation(makeCase({ id: '1', status: 'B' }), clock.iso());
        expect(await store.eventsForChannel('C1', 0)).toEqual([event]);
      });

      it('stops reporting a case once the channel unwatches it', async () => {
        const { store, clock } = await fresh();
        await store.addWatch({ vendor: 'cisco', caseId: '1', channelId: 'C1', createdBy: 'U1' });
        await driveStatuses(store, makeCase({ id: '1' }), [
          ['A', 'open', clock.iso()],
          ['B', 'open', clock.iso()],
        ]);
        await store.removeWatch('cisco', '1', 'C1');
        expect(await store.eventsForChannel('C1', 0)).toEqual([]);
      });

      it('rejects a limit that is not a positive integer', async () => {
        const { store } = await fresh();
        await expect(store.eventsForChannel('C1', 0, 0)).rejects.toThrow(/limit/);
      });
    });

    describe('digest settings', () => {
      const settings = (overrides: Partial<Parameters<Store['saveDigestSettings']>[0]> = {}) => ({
        channelId: 'C1',
        cron: '0 9 * * 1-5',
        schedule: 'weekdays 09:00',
        timezone: 'Europe/Berlin',
        enabled: true,
        postWhenEmpty: false,
        updatedBy: 'U1',
        updatedAt: '2025-06-02T08:00:00.000Z',
        ...overrides,
      });

      it('saves new settings with cursor 0 and reads them back', async () => {
        const { store } = await fresh();
        expect(await store.getDigestSettings('C1')).toBeUndefined();
        const saved = await store.saveDigestSettings(settings());
        expect(saved).toEqual({ ...settings(), cursor: 0 });
        expect(await store.getDigestSettings('C1')).toEqual(saved);
      });

      it('round-trips both booleans both ways', async () => {
        const { store } = await fresh();
        await store.saveDigestSettings(settings({ enabled: false, postWhenEmpty: true }));
        expect(await store.getDigestSettings('C1')).toMatchObject({ enabled: false, postWhenEmpty: true });
        await store.saveDigestSettings(settings({ enabled: true, postWhenEmpty: false }));
        expect(await store.getDigestSettings('C1')).toMatchObject({ enabled: true, postWhenEmpty: false });
      });

      it('keeps the cursor and last post when the schedule changes', async () => {
        const { store } = await fresh();
        await store.saveDigestSettings(settings());
        expect(await store.advanceDigestCursor('C1', 0, 42, '2025-06-02T09:00:00Z')).toBe(true);
        const updated = await store.saveDigestSettings(
          settings({
            cron: '0 17 * * *',
            schedule: 'daily 17:00',
            updatedBy: 'U2',
            updatedAt: '2025-06-02T10:00:00Z',
          }),
        );
        expect(updated).toEqual({
          ...settings({ cron: '0 17 * * *', schedule: 'daily 17:00', updatedBy: 'U2' }),
          updatedAt: '2025-06-02T10:00:00.000Z',
          cursor: 42,
          lastPostedAt: '2025-06-02T09:00:00.000Z',
        });
      });

      it('lists every channel with settings', async () => {
        const { store } = await fresh();
        await store.saveDigestSettings(settings({ channelId: 'C2', enabled: false }));
        await store.saveDigestSettings(settings({ channelId: 'C1' }));
        expect((await store.digestChannels()).map((d) => [d.channelId, d.enabled])).toEqual([
          ['C1', true],
          ['C2', false],
        ]);
      });

      it('advances the cursor only from the expected value (compare-and-set)', async () => {
        const { store } = await fresh();
        await store.saveDigestSettings(settings());
        expect(await store.advanceDigestCursor('C1', 0, 5, '2025-06-02T09:00:00Z')).toBe(true);
        expect(await store.advanceDigestCursor('C1', 0, 9, '2025-06-02T09:01:00Z')).toBe(false);
        expect(await store.getDigestSettings('C1')).toMatchObject({
          cursor: 5,
          lastPostedAt: '2025-06-02T09:00:00.000Z',
        });
        expect(await store.advanceDigestCursor('C1', 5, 9, '2025-06-02T09:02:00Z')).toBe(true);
        expect((await store.getDigestSettings('C1'))?.cursor).toBe(9);
        expect(await store.advanceDigestCursor('C-unknown', 0, 1, '2025-06-02T09:00:00Z')).toBe(false);
      });

      it('lets exactly one of several concurrent runs advance the cursor', async () => {
        const { store } = await fresh();
        await store.saveDigestSettings(settings());
        const results = await Promise.all(
          [3, 4, 5, 6].map((next) => store.advanceDigestCursor('C1', 0, next, '2025-06-02T09:00:00Z')),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = [3, 4, 5, 6][results.indexOf(true)];
        expect((await store.getDigestSettings('C1'))?.cursor).toBe(winner);
      });
    });

    describe('idempotent vendor writes', () => {
      const request = {
        key: 'view:V123:submit',
        operation: 'open' as const,
        vendor: 'equinix' as const,
        vendorKey: 'caseops-abc',
      };

      it('begins a fresh pending write, then returns the first one for a repeat', async () => {
        const { store, clock } = await fresh();
        const first = await store.beginWrite(request);
        expect(first).toEqual({
          fresh: true,
          record: { ...request, state: 'pending', createdAt: clock.iso(), updatedAt: clock.iso() },
        });
        clock.advance(MINUTE);
        const repeat = await store.beginWrite({ ...request, vendorKey: 'different' });
        expect(repeat).toEqual({ fresh: false, record: first.record });
      });

      it('finishes a write with its outcome and keeps caseId', async () => {
        const { store, clock } = await fresh();
        await store.beginWrite({ ...request, key: 'a', operation: 'annotate', caseId: 'E-1' });
        clock.advance(MINUTE);
        await store.finishWrite('a', 'succeeded', { caseId: 'E-1', notes: ['ok', 1, null] });
        expect(await store.getWrite('a')).toEqual({
          ...request,
          key: 'a',
          operation: 'annotate',
          caseId: 'E-1',
          state: 'succeeded',
          result: { caseId: 'E-1', notes: ['ok', 1, null] },
          createdAt: '2025-06-02T08:00:00.000Z',
          updatedAt: clock.iso(),
        });
        const repeat = await store.beginWrite({ ...request, key: 'a', operation: 'annotate', caseId: 'E-1' });
        expect(repeat.fresh).toBe(false);
        expect(repeat.record.state).toBe('succeeded');
      });

      it('finishes without a result, and refuses to finish an unknown write', async () => {
        const { store } = await fresh();
        await store.beginWrite(request);
        await store.finishWrite(request.key, 'unknown');
        const record = await store.getWrite(request.key);
        expect(record?.state).toBe('unknown');
        expect(record && 'result' in record).toBe(false);
        await expect(store.finishWrite('never-begun', 'failed')).rejects.toThrow(/unknown write/);
        expect(await store.getWrite('never-begun')).toBeUndefined();
      });

      it('lists only pending writes older than the given instant', async () => {
        const { store, clock } = await fresh();
        await store.beginWrite({ ...request, key: 'old-pending' });
        await store.beginWrite({ ...request, key: 'old-done' });
        await store.finishWrite('old-done', 'succeeded');
        clock.advance(10 * MINUTE);
        const cutoff = clock.iso();
        await store.beginWrite({ ...request, key: 'new-pending' });
        expect((await store.staleWrites(cutoff)).map((w) => w.key)).toEqual(['old-pending']);
      });

      it('lets exactly one of several concurrent submits begin the write', async () => {
        const { store } = await fresh();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.beginWrite({ ...request, vendorKey: `attempt-${i}` })),
        );
        const fresh_ = results.filter((r) => r.fresh);
        expect(fresh_).toHaveLength(1);
        for (const result of results) expect(result.record).toEqual(fresh_[0]?.record);
      });
    });

    describe('audit log', () => {
      const entry = {
        actorUserId: 'U1',
        channelId: 'C1',
        vendor: 'cisco' as const,
        caseId: '1',
        action: 'annotate' as const,
        outcome: 'ok' as const,
        detail: 'added a note (42 characters)',
      };

      it('appends entries with increasing ids, stamping them with the store clock', async () => {
        const { store, clock } = await fresh();
        const first = await store.appendAudit(entry);
        expect(first).toEqual({ ...entry, id: expect.any(Number), at: clock.iso() });
        const second = await store.appendAudit({ ...entry, at: '2025-06-02T07:00:00Z' });
        expect(second.id).toBeGreaterThan(first.id);
        expect(second.at).toBe('2025-06-02T07:00:00.000Z');
        const minimal = await store.appendAudit({
          actorUserId: 'U2',
          vendor: 'equinix',
          action: 'open',
          outcome: 'unknown',
          detail: 'timed out',
        });
        expect(minimal).toEqual({
          id: expect.any(Number),
          at: clock.iso(),
          actorUserId: 'U2',
          vendor: 'equinix',
          action: 'open',
          outcome: 'unknown',
          detail: 'timed out',
        });
      });

      it('lists a case newest first, with a limit', async () => {
        const { store } = await fresh();
        const a = await store.appendAudit(entry);
        const b = await store.appendAudit({ ...entry, outcome: 'error' });
        await store.appendAudit({ ...entry, caseId: '2' });
        const c = await store.appendAudit({ ...entry, action: 'cancel' });
        expect(await store.auditForCase('cisco', '1')).toEqual([c, b, a]);
        expect(await store.auditForCase('cisco', '1', 2)).toEqual([c, b]);
        expect(await store.auditForCase('juniper', '1')).toEqual([]);
      });

      it('lists from an instant onwards, oldest first, with a limit', async () => {
        const { store } = await fresh();
        await store.appendAudit({ ...entry, at: '2025-06-01T23:59:59.999Z' });
        const onTheDot = await store.appendAudit({ ...entry, at: '2025-06-02T00:00:00Z' });
        const later = await store.appendAudit({ ...entry, at: '2025-06-02T05:00:00Z' });
        const between = await store.appendAudit({ ...entry, at: '2025-06-02T01:00:00Z' });
        expect(await store.auditSince('2025-06-02T00:00:00Z')).toEqual([onTheDot, between, later]);
        expect(await store.auditSince('2025-06-02T02:00:00+02:00', 1)).toEqual([onTheDot]);
      });
    });

    describe('cards and recent cases', () => {
      it('remembers one card per case and channel, the newest replacing the older', async () => {
        const { store } = await fresh();
        await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C2', ts: '1700000000.000100' });
        await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1700000000.000200' });
        await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C2', ts: '1700000000.000300' });
        await store.rememberCard({ vendor: 'cisco', caseId: '2', channelId: 'C1', ts: '1700000000.000400' });
        expect(await store.cardsFor('cisco', '1')).toEqual([
          { vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1700000000.000200' },
          { vendor: 'cisco', caseId: '1', channelId: 'C2', ts: '1700000000.000300' },
        ]);
        expect(await store.cardsFor('juniper', '1')).toEqual([]);
      });

      it('finds a card by the channel and ts it was posted as (a thread root), only while it is remembered', async () => {
        const { store } = await fresh();
        await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1700000000.000100' });
        await store.rememberCard({
          vendor: 'equinix',
          caseId: '7',
          channelId: 'C1',
          ts: '1700000000.000200',
        });
        expect(await store.cardAt('C1', '1700000000.000200')).toEqual({
          vendor: 'equinix',
          caseId: '7',
          channelId: 'C1',
          ts: '1700000000.000200',
        });
        expect(await store.cardAt('C2', '1700000000.000200')).toBeUndefined();
        await store.rememberCard({ vendor: 'cisco', caseId: '1', channelId: 'C1', ts: '1700000000.000300' });
        expect(await store.cardAt('C1', '1700000000.000100')).toBeUndefined();
      });

      it('keeps one entry per case and user, at its latest time, newest first', async () => {
        const { store, clock } = await fresh();
        await store.recordRecentCase({ userId: 'U1', vendor: 'cisco', caseId: '1', title: 'One' });
        clock.advance(MINUTE);
        await store.recordRecentCase({ userId: 'U1', vendor: 'juniper', caseId: '2', title: 'Two' });
        await store.recordRecentCase({ userId: 'U2', vendor: 'cisco', caseId: '1', title: 'Other user' });
        clock.advance(MINUTE);
        await store.recordRecentCase({ userId: 'U1', vendor: 'cisco', caseId: '1', title: 'One, renamed' });
        // An older report for the same case updates nothing but the title.
        await store.recordRecentCase({
          userId: 'U1',
          vendor: 'juniper',
          caseId: '2',
          title: 'Two, renamed',
          at: '2025-06-01T00:00:00Z',
        });

        expect(await store.recentCases('U1')).toEqual([
          { userId: 'U1', vendor: 'cisco', caseId: '1', title: 'One, renamed', at: clock.iso() },
          {
            userId: 'U1',
            vendor: 'juniper',
            caseId: '2',
            title: 'Two, renamed',
            at: '2025-06-02T08:01:00.000Z',
          },
        ]);
        expect(await store.recentCases('U1', 1)).toHaveLength(1);
        expect(await store.recentCases('U-nobody')).toEqual([]);
      });

      it(`keeps at most ${RECENT_CASES_KEPT_PER_USER} recent cases per user, dropping the oldest`, async () => {
        const { store, clock, database } = await fresh();
        await store.recordRecentCase({ userId: 'U2', vendor: 'cisco', caseId: 'x', title: 'x' });
        for (let i = 0; i < RECENT_CASES_KEPT_PER_USER + 5; i++) {
          clock.advance(MINUTE);
          await store.recordRecentCase({ userId: 'U1', vendor: 'cisco', caseId: `c${i}`, title: `c${i}` });
        }
        const kept = await store.recentCases('U1', 1_000);
        expect(kept).toHaveLength(RECENT_CASES_KEPT_PER_USER);
        expect(kept[0]?.caseId).toBe(`c${RECENT_CASES_KEPT_PER_USER + 4}`);
        expect(kept.at(-1)?.caseId).toBe('c5');
        expect(await database.countRows('recent_cases')).toBe(RECENT_CASES_KEPT_PER_USER + 1);
      });
    });

    describe('scheduled runs', () => {
      it('claims each task fire once', async () => {
        const { store } = await fresh();
        const fire = '2025-06-02T08:00:00.000Z';
        expect(await store.claimRun('digest:C1', fire, 'replica-a')).toBe(true);
        expect(await store.claimRun('digest:C1', fire, 'replica-a')).toBe(false);
        expect(await store.claimRun('digest:C1', fire, 'replica-b')).toBe(false);
        // The same instant written differently is the same fire.
        expect(await store.claimRun('digest:C1', '2025-06-02T10:00+02:00', 'replica-b')).toBe(false);
        expect(await store.claimRun('digest:C2', fire, 'replica-b')).toBe(true);
        expect(await store.claimRun('digest:C1', '2025-06-02T08:01:00Z', 'replica-b')).toBe(true);
      });

      it('gives exactly one of many concurrent claimants the fire', async () => {
        const { store } = await fresh();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.claimRun('poll', '2025-06-02T08:05:00Z', `r${i}`)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it.runIf(harness.concurrentStores)('gives exactly one replica the fire', async () => {
        const { store, database, clock } = await fresh();
        const replica = await open(database, clock);
        for (let minute = 0; minute < 5; minute++) {
          const fire = new Date(Date.parse('2025-06-02T08:00:00Z') + minute * MINUTE).toISOString();
          const results = await Promise.all(
            [store, replica, store, replica].map((s, i) => s.claimRun('poll', fire, `r${i}`)),
          );
          expect(results.filter(Boolean)).toHaveLength(1);
        }
      });

      it('refuses fires older than the claim window and prunes claims past retention', async () => {
        const { store, clock, database } = await fresh();
        const tooOld = new Date(clock.now().getTime() - CLAIM_WINDOW_MS - MINUTE).toISOString();
        expect(await store.claimRun('poll', tooOld, 'r1')).toBe(false);
        expect(await database.countRows('scheduled_runs')).toBe(0);

        expect(await store.claimRun('poll', clock.iso(), 'r1')).toBe(true);
        clock.advance(CLAIM_WINDOW_MS);
        expect(await store.claimRun('poll', clock.iso(), 'r1')).toBe(true);
        expect(await database.countRows('scheduled_runs')).toBe(2);
        clock.advance(CLAIM_RETENTION_MS - CLAIM_WINDOW_MS + MINUTE);
        expect(await store.claimRun('poll', clock.iso(), 'r1')).toBe(true);
        expect(await database.countRows('scheduled_runs')).toBe(2);
      });
    });

    describe('digest outbox', () => {
      async function withSettings() {
        const f = await fresh();
        await f.store.saveDigestSettings({
          channelId: 'C1',
          cron: '0 9 * * *',
          schedule: 'daily 09:00',
          timezone: 'UTC',
          enabled: true,
          postWhenEmpty: false,
          updatedBy: 'U1',
          updatedAt: f.clock.iso(),
        });
        return f;
      }

      it('records an attempt as pending, stamped with the store clock, until it is settled', async () => {
        const { store, clock } = await withSettings();
        const attempt = await store.beginDigestAttempt({
          channelId: 'C1',
          fromEventId: 3,
          toEventId: 9,
          part: 2,
        });
        expect(attempt).toMatchObject({
          channelId: 'C1',
          fromEventId: 3,
          toEventId: 9,
          part: 2,
          state: 'pending',
        });
        expect(attempt.startedAt).toBe(clock.iso());
        const other = await store.beginDigestAttempt({
          channelId: 'C2',
          fromEventId: 1,
          toEventId: 1,
          part: 1,
        });
        expect(await store.pendingDigestAttempts('C1')).toEqual([attempt]);
        await store.settleDigestAttempt(attempt.id, 'absent');
        expect(await store.pendingDigestAttempts('C1')).toEqual([]);
        expect(await store.pendingDigestAttempts('C2')).toEqual([other]);
      });

      it('never prunes a pending attempt, however old: its fate is still to be found out', async () => {
        const { store, clock } = await withSettings();
        const pending = await store.beginDigestAttempt({
          channelId: 'C1',
          fromEventId: 1,
          toEventId: 2,
          part: 1,
        });
        clock.advance(90 * 24 * 60 * MINUTE);
        await store.pruneSettledDigestAttempts();
        expect(await store.pendingDigestAttempts('C1')).toEqual([pending]);
      });

      it('settles an attempt as posted together with the cursor move, and not when the move is refused', async () => {
        const { store, clock } = await withSettings();
        const first = await store.beginDigestAttempt({
          channelId: 'C1',
          fromEventId: 1,
          toEventId: 4,
          part: 1,
        });
        expect(
          await store.advanceDigestCursor('C1', 7, 4, clock.iso(), {
            postedAttempt: { id: first.id, ts: '1.000001' },
          }),
        ).toBe(false);
        expect(await store.pendingDigestAttempts('C1')).toEqual([first]);
        expect(
          await store.advanceDigestCursor('C1', 0, 4, clock.iso(), {
            postedAttempt: { id: first.id, ts: '1.000001' },
          }),
        ).toBe(true);
        expect(await store.pendingDigestAttempts('C1')).toEqual([]);
        expect((await store.getDigestSettings('C1'))?.cursor).toBe(4);
      });
    });

    describe('leases', () => {
      /**
       * Lease expiry follows the database's clock on PostgreSQL and the store's clock on SQLite: time passes
       * for both (the test clock moves, and the test waits), so one test reads the same on either.
       */
      const TTL = 600;
      async function elapse(clock: TestClock, ms: number): Promise<void> {
        clock.advance(ms);
        if (harness.dialect === 'postgres') await new Promise((resolve) => setTimeout(resolve, ms));
      }

      it('is held by one holder until it expires, then taken over', async () => {
        const { store, clock } = await fresh();
        expect(await store.tryAcquireLease('poller', 'a', TTL)).toBe(true);
        expect(await store.tryAcquireLease('poller', 'b', TTL)).toBe(false);
        expect(await store.tryAcquireLease('other', 'b', TTL)).toBe(true);
        await elapse(clock, TTL / 2);
        expect(await store.tryAcquireLease('poller', 'b', TTL)).toBe(false);
        await elapse(clock, TTL / 2 + 100);
        expect(await store.tryAcquireLease('poller', 'b', TTL)).toBe(true);
        expect(await store.tryAcquireLease('poller', 'a', TTL)).toBe(false);
      });

      it('is renewed by its holder, extending the expiry', async () => {
        const { store, clock } = await fresh();
        const grant = await store.acquireLease('poller', 'a', TTL);
        expect(grant).toBeDefined();
        await elapse(clock, TTL / 2 + 100);
        expect(await store.renewLease(grant!, TTL)).toBe(true);
        await elapse(clock, TTL / 2 + 100);
        expect(await store.tryAcquireLease('poller', 'b', TTL)).toBe(false);
        await elapse(clock, TTL / 2 + 100);
        expect(await store.tryAcquireLease('poller', 'b', TTL)).toBe(true);
      });

      it('raises the generation each time it changes hands, and keeps it on a renewal', async () => {
        const { store, clock } = await fresh();
        const first = await store.acquireLease('poller', 'a', TTL);
        expect(first).toMatchObject({ name: 'poller', holder: 'a' });
        expect(await store.acquireLease('poller', 'a', TTL)).toEqual(first);
        await store.releaseLease('poller', 'a');
        const second = await store.acquireLease('poller', 'b', TTL);
        expect(second!.generation).toBeGreaterThan(first!.generation);
        await elapse(clock, TTL + 100);
        // Even the first holder, coming back after expiry, gets a new generation: its old grant stays dead.
        const third = await store.acquireLease('poller', 'a', TTL);
        expect(third!.generation).toBeGreaterThan(second!.generation);
        expect(await store.renewLease(first!, TTL)).toBe(false);
        expect(await store.renewLease(third!, TTL)).toBe(true);
      });

      it('cannot be renewed once taken over', async () => {
        const { store, clock } = await fresh();
        const mine = await store.acquireLease('poller', 'a', TTL);
        await elapse(clock, TTL + 100);
        expect(await store.acquireLease('poller', 'b', TTL)).toBeDefined();
        expect(await store.renewLease(mine!, TTL)).toBe(false);
        expect(await store.tryAcquireLease('poller', 'a', TTL)).toBe(false);
      });

      it("refuses the fenced writes of a holder whose lease was taken over, and keeps the new holder's", async () => {
        const { store, clock } = await fresh();
        await store.addWatch({
          vendor: 'cisco',
          caseId: '700',
          channelId: 'C1',
          createdBy: 'U1',
          createdAt: clock.iso(),
        });
        await store.saveDigestSettings({
          channelId: 'C1',
          cron: '0 9 * * *',
          schedule: 'daily 09:00',
          timezone: 'UTC',
          enabled: true,
          postWhenEmpty: false,
          updatedBy: 'U1',
          updatedAt: clock.iso(),
        });
        const stalePoller = (await store.acquireLease('poller', 'a', TTL))!;
        const staleDigest = (await store.acquireLease('digest:C1', 'a', TTL))!;
        expect(
          await store.recordObservation(makeCase({ id: '700', status: 'New' }), clock.iso(), stalePoller),
        ).toBeUndefined();
        await elapse(clock, TTL + 100);
        const poller = (await store.acquireLease('poller', 'b', TTL))!;
        const digest = (await store.acquireLease('digest:C1', 'b', TTL))!;

        await expect(
          store.recordObservation(makeCase({ id: '700', status: 'Closed' }), clock.iso(), stalePoller),
        ).rejects.toMatchObject({ name: 'StaleLeaseError' });
        expect((await store.getSnapshot('cisco', '700'))?.status).toBe('New');
        expect(await store.eventsForChannel('C1', 0)).toEqual([]);

        const event = await store.recordObservation(
          makeCase({ id: '700', status: 'Closed' }),
          clock.iso(),
          poller,
        );
        expect(event?.toStatus).toBe('Closed');
        await expect(
          store.advanceDigestCursor('C1', 0, event!.id, clock.iso(), { fence: staleDigest }),
        ).rejects.toMatchObject({ name: 'StaleLeaseError' });
        expect((await store.getDigestSettings('C1'))?.cursor).toBe(0);
        expect(await store.advanceDigestCursor('C1', 0, event!.id, clock.iso(), { fence: digest })).toBe(
          true,
        );
        expect((await store.getDigestSettings('C1'))?.cursor).toBe(event!.id);
      });

      it('is released only by its holder', async () => {
        const { store } = await fresh();
        await store.tryAcquireLease('poller', 'a', HOUR);
        await store.releaseLease('poller', 'b');
        expect(await store.tryAcquireLease('poller', 'b', HOUR)).toBe(false);
        await store.releaseLease('poller', 'a');
        expect(await store.tryAcquireLease('poller', 'b', HOUR)).toBe(true);
      });

      it('goes to exactly one of several concurrent claimants', async () => {
        const { store } = await fresh();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.tryAcquireLease('poller', `r${i}`, HOUR)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('rejects a non-positive ttl', async () => {
        const { store } = await fresh();
        await expect(store.tryAcquireLease('poller', 'a', 0)).rejects.toThrow(/ttl/);
        await expect(store.acquireLease('poller', 'a', 1.5)).rejects.toThrow(/ttl/);
      });
    });
  });
}
