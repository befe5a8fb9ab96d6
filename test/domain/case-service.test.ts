/**
 * CaseService against the real store (SQLite in a temp folder) and the real adapters pointed at the vendor
 * simulators: each write happens at most once per origin, repeats get the first outcome, uncertain outcomes
 * are recorded as unknown and never retried blindly, crashed writes are settled through the vendor key, every
 * write is audited, opens are remembered for App Home, and the policy seam is asked first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import type { Action } from '../../src/domain/actions.js';
import {
  DeniedError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorNotConfiguredError,
  VendorRejectedError,
} from '../../src/domain/errors.js';
import { vendorKey, type WriteOrigin, writeKey } from '../../src/domain/idempotency.js';
import { CaseService } from '../../src/domain/use-cases/case-service.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createCiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import type { EquinixOpenRequest } from '../../src/vendors/equinix/open-request.js';
import { createEquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createVendorRegistry } from '../../src/vendors/index.js';
import type { JuniperOpenRequest } from '../../src/vendors/juniper/open-request.js';
import { createJuniperSimulator } from '../../src/vendors/juniper/simulator.js';
import type { MotadataOpenRequest } from '../../src/vendors/motadata/open-request.js';
import { createMotadataSimulator } from '../../src/vendors/motadata/simulator.js';
import type { VendorRegistry } from '../../src/vendors/registry.js';
import { FAST_BUDGETS } from '../support/slack-harness.js';

const RETIRED = '0999-0999';
const equinix = createEquinixSimulator({ retiredCodes: [RETIRED] });
const juniper = createJuniperSimulator();
const motadata = createMotadataSimulator();
const cisco = createCiscoSimulator();
let dataDir: string;
let store: Store;
let vendors: VendorRegistry;
let storeNow = new Date('2026-03-01T10:00:00Z');
let serviceNow = new Date('2026-03-01T10:00:00Z');
const alice = { userId: 'UALICE01', channelId: 'CNOC0001' };

function service(authorize?: (action: Action) => void) {
  return new CaseService({ vendors, store, logger: silentLogger, now: () => serviceNow, authorize });
}

const creates = () => equinix.requests.filter((r) => r.method === 'POST' && r.path === '/support/v2/tickets');
const submits = () => juniper.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/submitCase'));
const motadataCreates = () =>
  motadata.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/incident');

let viewCounter = 0;
const freshView = (): WriteOrigin => ({ kind: 'view', viewId: `VTEST${++viewCounter}`, attempt: 0 });

const equinixRequest = (over: Partial<EquinixOpenRequest> = {}): EquinixOpenRequest => ({
  vendor: 'equinix',
  code: '0100-0200',
  description: 'Cross connect down between SV5 cages',
  primaryId: 'CC-SV5-000123',
  notificationContacts: [{ firstName: 'Alice', lastName: 'Ops', email: 'alice@example.com' }],
  ...over,
});

beforeAll(async () => {
  for (const sim of [equinix, juniper, motadata, cisco]) await sim.start();
  dataDir = mkdtempSync(join(tmpdir(), 'caseops-service-'));
  store = await createStore({ dataDir, logger: silentLogger, now: () => storeNow });
  await store.migrate();
  const env = loadEnv({
    ...equinix.env(),
    ...juniper.env(),
    ...motadata.env(),
    ...cisco.env(),
    VENDOR_TIMEOUT_MS: '800',
    ...FAST_BUDGETS,
  });
  vendors = createVendorRegistry(env, { logger: silentLogger });
});

afterAll(async () => {
  await vendors.close();
  await store.close();
  for (const sim of [equinix, juniper, motadata, cisco]) await sim.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  for (const sim of [equinix, juniper, motadata, cisco]) sim.clearFaults();
  storeNow = new Date('2026-03-01T10:00:00Z');
  serviceNow = new Date('2026-03-01T10:00:00Z');
});

describe('open', () => {
  it('opens once, audits it with the reference, and remembers it for App Home', async () => {
    const before = creates().length;
    const origin = freshView();
    const outcome = await service().open(alice, equinixRequest(), origin);
    expect(outcome.kind).toBe('done');
    if (outcome.kind !== 'done') return;
    expect(outcome.repeated).toBe(false);
    expect(creates().length).toBe(before + 1);
    const sent = JSON.parse(creates().at(-1)!.body) as { customerReferenceId?: string };
    expect(sent.customerReferenceId).toBe(vendorKey('open', 'equinix', origin));

    const audit = await store.auditForCase('equinix', outcome.value.case.id);
    expect(audit).toEqual([
      expect.objectContaining({
        actorUserId: 'UALICE01',
        channelId: 'CNOC0001',
        action: 'open',
        outcome: 'ok',
      }),
    ]);
    expect(audit[0]?.detail).toContain(sent.customerReferenceId);
    expect(await store.recentCases('UALICE01')).toContainEqual(
      expect.objectContaining({ vendor: 'equinix', caseId: outcome.value.case.id }),
    );
    const record = await store.getWrite(writeKey('open', 'equinix', origin));
    expect(record).toMatchObject({ state: 'succeeded', vendorKey: sent.customerReferenceId });
  });

  it('answers a repeated submit with the first case and no second create', async () => {
    const origin = freshView();
    const first = await service().open(alice, equinixRequest(), origin);
    const before = creates().length;
    const again = await service().open(alice, equinixRequest(), origin);
    expect(creates().length).toBe(before);
    expect(again).toMatchObject({ kind: 'done', repeated: true });
    if (first.kind === 'done' && again.kind === 'done') expect(again.value.case.id).toBe(first.value.case.id);
  });

  it('double-click: two submits at once make exactly one vendor create', async () => {
    const origin = freshView();
    const before = creates().length;
    equinix.latencyMs = 300;
    try {
      const outcomes = await Promise.all([
        service().open(alice, equinixRequest(), origin),
        service().open(alice, equinixRequest(), origin),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['done', 'in-progress']);
    } finally {
      equinix.latencyMs = 0;
    }
    expect(creates().length).toBe(before + 1);
  });

  it('a refusal is remembered for that attempt; the fixed form (next attempt) writes again', async () => {
    const origin = freshView();
    await expect(service().open(alice, equinixRequest({ code: RETIRED }), origin)).rejects.toBeInstanceOf(
      VendorRejectedError,
    );
    const afterRefusal = creates().length;
    await expect(service().open(alice, equinixRequest({ code: RETIRED }), origin)).rejects.toThrow(
      /not accepted/,
    );
    expect(creates().length).toBe(afterRefusal);
    const fixed = await service().open(alice, equinixRequest(), { ...origin, attempt: 1 } as WriteOrigin);
    expect(fixed.kind).toBe('done');
    expect(creates().length).toBe(afterRefusal + 1);
    const audit = (await store.auditSince('2000-01-01T00:00:00Z', 1000)).filter((a) => a.outcome === 'error');
    expect(audit.some((a) => a.detail.includes('not accepted'))).toBe(true);
  });

  it('an unanswered create is recorded as unknown and never sent again for that origin', async () => {
    const origin = freshView();
    equinix.injectFault({ fault: 'timeout-after-commit', pathIncludes: '/support/v2/tickets' });
    const error = await service()
      .open(alice, equinixRequest(), origin)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).idempotencyKey).toBe(vendorKey('open', 'equinix', origin));
    const record = await store.getWrite(writeKey('open', 'equinix', origin));
    expect(record?.state).toBe('unknown');
    const before = creates().length;
    await expect(service().open(alice, equinixRequest(), origin)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(creates().length).toBe(before);
    const audit = await store.auditSince('2000-01-01T00:00:00Z', 1000);
    expect(audit.some((a) => a.outcome === 'unknown' && a.action === 'open')).toBe(true);
  });

  it('Juniper: the tracking number is the vendor key', async () => {
    const origin = freshView();
    const request: JuniperOpenRequest = {
      vendor: 'juniper',
      incidentId: juniper.seed(),
      priority: '2 - High',
      followUpMethod: 'Email Full Text Update',
      synopsis: 'FPC 3 offline on mx-ams-01',
      ccEmails: [],
      trackingNumber: 'CO-20260301-AB12CD34',
    };
    const outcome = await service().open(alice, request, origin);
    expect(outcome).toMatchObject({ kind: 'done', value: { case: { id: 'CO-20260301-AB12CD34' } } });
    expect((await store.getWrite(writeKey('open', 'juniper', origin)))?.vendorKey).toBe(
      'CO-20260301-AB12CD34',
    );
  });

  describe('a write left pending by a crash', () => {
    async function crashedWrite(
      origin: WriteOrigin,
      vendor: 'juniper' | 'motadata' | 'equinix',
      key: string,
    ) {
      storeNow = new Date('2026-03-01T09:00:00Z');
      await store.beginWrite({
        key: writeKey('open', vendor, origin),
        operation: 'open',
        vendor,
        vendorKey: key,
      });
      storeNow = new Date('2026-03-01T10:00:00Z');
    }

    it('while young, belongs to a submit in flight: nothing is written', async () => {
      const origin = freshView();
      storeNow = serviceNow;
      await store.beginWrite({
        key: writeKey('open', 'equinix', origin),
        operation: 'open',
        vendor: 'equinix',
        vendorKey: vendorKey('open', 'equinix', origin),
      });
      const before = creates().length;
      const outcome = await service().open(alice, equinixRequest(), origin);
      expect(outcome.kind).toBe('in-progress');
      // A repeat settles it with the vendor once the record is stale (120 s by default), not before.
      expect(outcome.kind === 'in-progress' && outcome.settleableInMs).toBeGreaterThan(0);
      expect(outcome.kind === 'in-progress' && outcome.settleableInMs).toBeLessThanOrEqual(120_000);
      expect(creates().length).toBe(before);
    });

    it('is settled through the vendor key when the case exists (Juniper tracking number): no second submit', async () => {
      const origin = freshView();
      const request: JuniperOpenRequest = {
        vendor: 'juniper',
        incidentId: juniper.seed(),
        priority: '3 - Medium',
        followUpMethod: 'Phone Call',
        synopsis: 'PEM alarm',
        ccEmails: [],
        trackingNumber: 'CO-20260301-CRASH001',
      };
      // The crashed process had submitted it.
      await service().open(alice, request, { kind: 'command', triggerId: 'crashed-process' });
      await crashedWrite(origin, 'juniper', request.trackingNumber);
      const before = submits().length;
      const outcome = await service().open(alice, request, origin);
      expect(outcome).toMatchObject({
        kind: 'done',
        repeated: true,
        value: { case: { id: request.trackingNumber } },
      });
      expect(submits().length).toBe(before);
      expect((await store.getWrite(writeKey('open', 'juniper', origin)))?.state).toBe('succeeded');
    });

    it('writes once when the vendor key finds nothing (Motadata tag)', async () => {
      const origin = freshView();
      const request: MotadataOpenRequest = {
        vendor: 'motadata',
        subject: 'Core switch fan failure',
        requesterEmail: 'alice@example.com',
        tags: [],
      };
      await crashedWrite(origin, 'motadata', vendorKey('open', 'motadata', origin));
      const before = motadataCreates().length;
      const outcome = await service().open(alice, request, origin);
      expect(outcome).toMatchObject({ kind: 'done', repeated: false });
      expect(motadataCreates().length).toBe(before + 1);
    });

    it('is reported unknown, without a write, where the vendor offers no way to check (Equinix)', async () => {
      const origin = freshView();
      await crashedWrite(origin, 'equinix', vendorKey('open', 'equinix', origin));
      const before = creates().length;
      await expect(service().open(alice, equinixRequest(), origin)).rejects.toBeInstanceOf(
        OutcomeUnknownError,
      );
      expect(creates().length).toBe(before);
      expect((await store.getWrite(writeKey('open', 'equinix', origin)))?.state).toBe('unknown');
    });
  });
});

describe('annotate and cancel', () => {
  it('a note sent twice from the same command is added once', async () => {
    const id = equinix.seed();
    const origin: WriteOrigin = { kind: 'command', triggerId: `trig-${id}` };
    const notes = () => equinix.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/notes'));
    const before = notes().length;
    await service().annotate(alice, 'equinix', id, { text: 'Optic replaced' }, origin);
    const again = await service().annotate(alice, 'equinix', id, { text: 'Optic replaced' }, origin);
    expect(again).toMatchObject({ kind: 'done', repeated: true });
    expect(notes().length).toBe(before + 1);
    expect(await store.auditForCase('equinix', id)).toContainEqual(
      expect.objectContaining({ action: 'annotate', outcome: 'ok' }),
    );
  });

  it('cancels once and returns the case as it now stands', async () => {
    const id = equinix.seed();
    const origin = freshView();
    const outcome = await service().cancel(alice, 'equinix', id, 'Opened by mistake', origin);
    expect(outcome).toMatchObject({ kind: 'done', value: { state: 'cancelled' } });
    const audit = await store.auditForCase('equinix', id);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'cancel', outcome: 'ok' }));
    expect(audit[0]?.detail).toContain('Opened by mistake');
  });

  it('refuses what the vendor does not allow, with its reason, before any write', async () => {
    const error = await service()
      .annotate(alice, 'cisco', '682299374', { text: 'x' }, freshView())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as UnsupportedOperationError).why).toMatch(/read-only/);
  });

  it('refuses a vendor that is not configured', async () => {
    const only = new CaseService({
      vendors: createVendorRegistry(loadEnv({}), { logger: silentLogger }),
      store,
      logger: silentLogger,
    });
    await expect(only.lookup(alice, 'equinix', '11150929')).rejects.toBeInstanceOf(VendorNotConfiguredError);
  });
});

describe('policy seam', () => {
  it('asks authorize before anything reaches the vendor or the store', async () => {
    const asked: Action[] = [];
    const denying = service((action) => {
      asked.push(action);
      throw new DeniedError('defaults.open', {
        kind: 'not-allowed',
        action: 'open',
        vendor: 'equinix',
        rules: { name: 'defaults.open' },
        whoMay: [],
      });
    });
    const origin = freshView();
    const before = creates().length;
    await expect(denying.open(alice, equinixRequest(), origin)).rejects.toBeInstanceOf(DeniedError);
    expect(asked).toEqual(['open']);
    expect(creates().length).toBe(before);
    expect(await store.getWrite(writeKey('open', 'equinix', origin))).toBeUndefined();
  });
});

describe('watch', () => {
  it('watches an existing case once per channel, with a first snapshot, and unwatches it', async () => {
    const id = equinix.seed();
    const first = await service().watch(alice, 'equinix', id, 'CWATCH01');
    const second = await service().watch(alice, 'equinix', id, 'CWATCH01');
    expect([first.added, second.added]).toEqual([true, false]);
    expect(await store.getSnapshot('equinix', id)).toMatchObject({ caseId: id });
    expect((await service().watching('CWATCH01', alice)).map((w) => w.watch.caseId)).toEqual([id]);
    expect(await service().unwatch(alice, 'equinix', id, 'CWATCH01')).toBe(true);
    expect(await service().watching('CWATCH01', alice)).toEqual([]);
  });

  it('does not watch a case that does not exist', async () => {
    await expect(service().watch(alice, 'equinix', '19999999', 'CWATCH02')).rejects.toThrow(/19999999/);
    expect(await store.watchesInChannel('CWATCH02')).toEqual([]);
  });
});
