/**
 * The access rules in the domain, against the real store (SQLite in a temp folder): watch and audit follow
 * lookup unless the policy lists them; a case's home channel decides who may see it elsewhere; and a write's
 * card re-render carries its new notes only into channels the writer is in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/policy-file.js';
import type { Case, CaseNote } from '../../src/domain/case.js';
import { CaseElsewhereError } from '../../src/domain/errors.js';
import type { ChannelKind, ChannelMembership } from '../../src/domain/ports/channels.js';
import type { PostedCard, Store } from '../../src/domain/ports/store.js';
import { CaseAccess } from '../../src/domain/use-cases/case-access.js';
import { CaseCards } from '../../src/domain/use-cases/case-cards.js';
import { CaseService } from '../../src/domain/use-cases/case-service.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore } from '../../src/store/index.js';
import { VendorRegistry } from '../../src/vendors/registry.js';

const ALICE = 'UALICE01';
const BOB = 'UBOB0001';
const CAROL = 'UCAROL01';
const PRIV = 'CPRIV0001';
const LAB = 'CLAB00001';
const NOC = 'CNOC0001';

/** Membership as the chat service would answer it, counting the questions. */
class Channels implements ChannelMembership {
  asked = 0;
  constructor(
    private readonly members: Record<string, string[]>,
    private readonly privateChannels: string[],
  ) {}
  async channelsOf(userId: string): Promise<ReadonlySet<string>> {
    this.asked += 1;
    return new Set(Object.entries(this.members).flatMap(([c, users]) => (users.includes(userId) ? [c] : [])));
  }
  async isMember(userId: string, channelId: string): Promise<boolean> {
    return (await this.channelsOf(userId)).has(channelId);
  }
  async kindOf(channelId: string): Promise<ChannelKind> {
    if (channelId.startsWith('D')) return 'not-a-channel';
    return this.privateChannels.includes(channelId) ? 'private' : 'public';
  }
}

let dataDir: string;
let store: Store;
const channels = new Channels({ [PRIV]: [ALICE], [LAB]: [ALICE, BOB], [NOC]: [ALICE, BOB, CAROL] }, [PRIV]);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'caseops-access-'));
  store = await createStore({ dataDir, logger: silentLogger });
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function aCase(id: string, notes: CaseNote[]): Case {
  return {
    vendor: 'cisco',
    id,
    alternateIds: [],
    title: `Case ${id}`,
    status: 'Open',
    state: 'open',
    notes,
    fields: [],
  };
}

describe('policy: watch and audit follow lookup unless listed', () => {
  const policy = (yaml: string) => parsePolicy(`version: 1\n${yaml}`, 'policy.yaml');

  it('a restricted lookup restricts watch and audit at that vendor, not elsewhere', () => {
    const p = policy(`vendors:\n  cisco:\n    lookup:\n      - name: readers\n        users: [${ALICE}]\n`);
    for (const action of ['watch', 'audit'] as const) {
      expect(p.evaluate(action, { vendor: 'cisco', userId: BOB, userGroupIds: [] }).allowed).toBe(false);
      expect(p.evaluate(action, { vendor: 'cisco', userId: ALICE, userGroupIds: [] }).allowed).toBe(true);
      expect(p.evaluate(action, { vendor: 'equinix', userId: BOB, userGroupIds: [] }).allowed).toBe(true);
    }
  });

  it('a listed watch keeps its own rules; a default lookup governs every vendor’s audit', () => {
    const p = policy(
      `defaults:\n  lookup:\n    - name: readers\n      users: [${ALICE}]\n  watch:\n    - name: anyone watches\n      anyone: true\n`,
    );
    expect(p.evaluate('watch', { vendor: 'cisco', userId: BOB, userGroupIds: [] }).allowed).toBe(true);
    const audit = p.evaluate('audit', { vendor: 'equinix', userId: BOB, userGroupIds: [] });
    expect(audit).toMatchObject({ allowed: false, rule: expect.stringContaining('defaults.lookup') });
  });
});

describe('where a case lives', () => {
  let access: CaseAccess;
  beforeAll(() => {
    access = new CaseAccess({ store, channels, namedForLookup: (_vendor, userId) => userId === CAROL });
  });

  it('the first channel is the home; a private home is refused to non-members elsewhere', async () => {
    await access.settleHome('cisco', '700000001', PRIV);
    await access.settleHome('cisco', '700000001', NOC);
    expect(await store.caseHomes([{ vendor: 'cisco', caseId: '700000001' }])).toEqual([
      expect.objectContaining({ channelId: PRIV, isPrivate: true }),
    ]);
    await expect(
      access.requireVisible({ userId: BOB, channelId: NOC }, 'cisco', '700000001'),
    ).rejects.toEqual(new CaseElsewhereError('cisco', '700000001', PRIV));
    await expect(
      access.requireVisible({ userId: ALICE, channelId: NOC }, 'cisco', '700000001'),
    ).resolves.toBe(undefined);
    // A lookup rule naming the person lets them see it anywhere.
    await expect(
      access.requireVisible({ userId: CAROL, channelId: NOC }, 'cisco', '700000001'),
    ).resolves.toBe(undefined);
  });

  it('a DM homes nothing; a public home limits nobody', async () => {
    await access.settleHome('cisco', '700000002', 'DBOB00001');
    expect(await store.caseHomes([{ vendor: 'cisco', caseId: '700000002' }])).toEqual([]);
    await access.settleHome('cisco', '700000003', LAB);
    await expect(access.requireVisible({ userId: CAROL }, 'cisco', '700000003')).resolves.toBe(undefined);
  });

  it('visibleOf keeps what the viewer may see, asking membership once', async () => {
    const keys = ['700000001', '700000002', '700000003'].map((caseId) => ({ vendor: 'cisco', caseId }));
    channels.asked = 0;
    expect((await access.visibleOf(BOB, keys)).map((k) => k.caseId)).toEqual(['700000002', '700000003']);
    expect(channels.asked).toBe(1);
    expect(await access.visibleOf(ALICE, keys)).toHaveLength(3);
  });
});

describe('a write’s card re-render', () => {
  let cards: CaseCards;
  beforeAll(() => {
    cards = new CaseCards({
      cases: new CaseService({ vendors: new VendorRegistry([]), store, logger: silentLogger }),
      store,
      logger: silentLogger,
      access: new CaseAccess({ store, channels }),
    });
  });
  const older: CaseNote = { text: 'Optics ordered', author: 'TAC', createdAt: '2026-03-01T09:00:00.000Z' };
  const written: CaseNote = {
    text: 'Bob: door code 4711',
    author: 'Bob',
    createdAt: '2026-03-01T10:00:00.000Z',
  };

  async function refreshed(id: string, writer?: { userId: string; channelId?: string }) {
    const shown = new Map<string, string[]>();
    const count = await cards.refresh(
      aCase(id, [written, older]),
      async (card: PostedCard, _context, c) => {
        shown.set(
          card.channelId,
          c.notes.map((n) => n.text),
        );
      },
      writer,
    );
    return { count, shown };
  }

  it('shows the new note only where its writer is (or wrote from); elsewhere the notes seen before', async () => {
    const id = '700000010';
    await store.recordObservation(aCase(id, [older]), '2026-03-01T09:30:00.000Z');
    for (const channelId of [PRIV, LAB])
      await store.rememberCard({ vendor: 'cisco', caseId: id, channelId, ts: '1.1' });

    const fromDm = await refreshed(id, { userId: BOB, channelId: 'DBOB00001' });
    expect(fromDm.count).toBe(2);
    expect(fromDm.shown.get(LAB)).toEqual([written.text, older.text]);
    expect(fromDm.shown.get(PRIV)).toEqual([older.text]);

    // The poller's update (no writer) shows the vendor's case as it is.
    const byPoller = await refreshed(id);
    expect(byPoller.shown.get(PRIV)).toEqual([written.text, older.text]);
  });

  it('without a snapshot, a channel the writer is not in gets no notes at all', async () => {
    const id = '700000011';
    await store.rememberCard({ vendor: 'cisco', caseId: id, channelId: PRIV, ts: '2.2' });
    const { shown } = await refreshed(id, { userId: BOB, channelId: LAB });
    expect(shown.get(PRIV)).toEqual([]);
  });
});
