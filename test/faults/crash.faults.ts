/**
 * caseops killed with SIGKILL and started again (crash-child.ts in a child process, its store a SQLite file in
 * a temp DATA_DIR, then a PostgreSQL schema; the vendor simulator and the fake Slack live in the test
 * process, so they outlive it):
 * - during a poll: no status change is lost or recorded twice, and each reaches the channel's digest once;
 * - during a digest, before Slack has the message: every change is posted exactly once;
 * - during a digest, after Slack accepted a message but before the cursor moved past it: nothing is lost
 *   and nothing is repeated. The killed process could not know the message went out; the restarted one
 *   finds the attempt still pending in the digest outbox, reads the channel back (conversations.history
 *   with metadata), finds its own tagged message, records it as posted and posts only the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { CaseEvent } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi, type RecordedCall } from '../../src/playground/fake-slack-api.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createEquinixSimulator, type EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { CaseopsProcess, SlackProxy, sleep, waitUntil } from './processes.js';

const CHANNEL = 'CCRASH01';
const OPS = 'UOPS0001';
const EVERY_SECOND = '* * * * * *';
const NEVER = '0 0 0 1 1 *';

type Backend = 'sqlite' | 'postgres';
const postgres = await postgresForTests();
const BACKENDS: Backend[] = postgres.available ? ['sqlite', 'postgres'] : ['sqlite'];

interface World {
  dataDir: string;
  schema?: TestSchema;
  store: Store;
  fake: FakeSlackApi;
  proxy: SlackProxy;
  equinix: EquinixSimulator;
  processes: CaseopsProcess[];
  start(env: Record<string, string>): CaseopsProcess;
}

let world: World | undefined;

async function startWorld(backend: Backend): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-crash-'));
  const schema = backend === 'postgres' ? await createTestSchema() : undefined;
  const equinix = createEquinixSimulator();
  await equinix.start();
  const fake = new FakeSlackApi({
    botToken: 'xoxb-crash-test',
    users: [{ id: OPS, name: 'ops' }],
    channels: [{ id: CHANNEL, name: 'noc', members: [OPS] }],
  });
  await fake.start();
  const proxy = new SlackProxy(fake.url);
  await proxy.start();
  const store = await createStore({ dataDir, databaseUrl: schema?.url, logger: silentLogger });
  await store.migrate();
  const processes: CaseopsProcess[] = [];
  const base = {
    ...equinix.env(),
    EQUINIX_RATE_PER_SECOND: '500',
    // One call at a time, so a slow vendor spreads a poll out and a kill lands in its middle.
    EQUINIX_MAX_CONCURRENT: '1',
    VENDOR_TIMEOUT_MS: '5000',
    DATA_DIR: dataDir,
    ...(schema ? { DATABASE_URL: schema.url } : {}),
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: proxy.apiUrl,
    // Only the poller and digests run in the child; the config check wants HTTP mode's secret all the same.
    SLACK_SIGNING_SECRET: 'crash-test-signing-secret',
    // Longer than any hold below, as the real 30 s are longer than any post: a restart waits this out.
    LEASE_TTL_MS: '5000',
  };
  return {
    dataDir,
    schema,
    store,
    fake,
    proxy,
    equinix,
    processes,
    start(env) {
      const child = new CaseopsProcess({ ...base, ...env });
      processes.push(child);
      return child;
    },
  };
}

afterEach(async () => {
  const w = world;
  world = undefined;
  if (!w) return;
  await Promise.allSettled(w.processes.map((p) => p.stop()));
  await w.store.close();
  await w.proxy.stop();
  await w.fake.stop();
  await w.equinix.stop();
  await w.schema?.drop();
  rmSync(w.dataDir, { recursive: true, force: true });
});

/** Digest posts Slack accepted in the channel. */
function digestPosts(fake: FakeSlackApi): RecordedCall[] {
  return fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
}

/** How many accepted digest posts mention each case. */
function timesPosted(fake: FakeSlackApi, caseIds: readonly string[]): Map<string, number> {
  const posts = digestPosts(fake).map((c) => JSON.stringify(c.args.blocks));
  return new Map(caseIds.map((id) => [id, posts.filter((p) => p.includes(id)).length]));
}

async function eventsInChannel(store: Store) {
  return store.eventsForChannel(CHANNEL, 0, 100_000);
}

/** The status changes among them (Equinix also has its own status record, recorded as `history` events). */
async function statusChangesInChannel(store: Store) {
  return (await eventsInChannel(store)).filter((e) => e.kind === 'status');
}

/** No entry of a case's status record recorded twice. */
function expectHistoryOnce(events: readonly CaseEvent[]) {
  const entries = events
    .filter((e) => e.kind === 'history')
    .map((e) => `${e.caseId} ${e.entry?.status} ${e.entry?.at}`);
  expect(new Set(entries).size).toBe(entries.length);
}

describe.each(BACKENDS)('SIGKILL during a poll, then a restart (%s)', (backend) => {
  it('loses no status change, records none twice, and each reaches the digest once', async () => {
    world = await startWorld(backend);
    const { store, fake, equinix } = world;
    const ids = Array.from({ length: 8 }, () => equinix.seed());
    for (const caseId of ids) {
      await store.addWatch({
        vendor: 'equinix',
        caseId,
        channelId: CHANNEL,
        createdBy: OPS,
        createdAt: new Date(Date.now() - 60_000).toISOString(),
      });
    }

    const first = world.start({ POLL_CRON: EVERY_SECOND, DIGEST_CRON: NEVER });
    await first.waitForLine(
      (l) => l.msg === 'poll finished' && l.refreshed === ids.length,
      'a first full poll',
    );
    expect(await eventsInChannel(store)).toEqual([]);

    // Every case moves on; the vendor slows down so the next poll takes a while, and is killed halfway.
    equinix.latencyMs = 400;
    const moved = new Map(ids.map((id) => [id, equinix.advance(id).status]));
    const mark = equinix.requests.length;
    await waitUntil(
      () => (equinix.requests.slice(mark).filter((r) => r.method === 'GET').length >= 4 ? true : undefined),
      'the poll half way through the cases',
      20_000,
    );
    await first.kill();
    const atKill = await statusChangesInChannel(store);
    expect(atKill.length).toBeLessThan(ids.length);

    equinix.latencyMs = 0;
    const second = world.start({ POLL_CRON: EVERY_SECOND, DIGEST_CRON: '*/2 * * * * *' });
    await waitForAsync(async () => {
      const events = await eventsInChannel(store);
      const changes = events.filter((e) => e.kind === 'status');
      const cursor = (await store.getDigestSettings(CHANNEL))?.cursor ?? 0;
      return changes.length === ids.length && cursor === events.at(-1)?.id ? true : undefined;
    }, 'every change recorded and digested after the restart');
    // Another poll and digest: nothing more may appear.
    await sleep(2500);
    await second.kill();

    const events = await statusChangesInChannel(store);
    expect(events.map((e) => e.caseId).sort()).toEqual([...ids].sort());
    for (const event of events) expect(event.toStatus).toBe(moved.get(event.caseId));
    expectHistoryOnce(await eventsInChannel(store));
    expect([...timesPosted(fake, ids).values()]).toEqual(ids.map(() => 1));
  });
});

/** Observations that give each case one status change (store only: digests read nothing else). */
async function seedChanges(store: Store, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => String(30_000_001 + i));
  const seen = (id: string, status: string): Case => ({
    vendor: 'equinix',
    id,
    alternateIds: [],
    // Long titles, so the digest needs several messages.
    title: `Cross connect ${id} down between cage 4 and the carrier meet-me room, light levels zero on both sides`,
    status,
    state: 'open',
    notes: [],
    fields: [],
  });
  const past = new Date(Date.now() - 60_000).toISOString();
  for (const id of ids) {
    await store.addWatch({
      vendor: 'equinix',
      caseId: id,
      channelId: CHANNEL,
      createdBy: OPS,
      createdAt: past,
    });
    await store.recordObservation(seen(id, 'SUBMITTED'), new Date().toISOString());
    await store.recordObservation(seen(id, 'IN_PROGRESS'), new Date().toISOString());
  }
  return ids;
}

/** Polls an async probe every 100 ms until it returns something. */
async function waitForAsync<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe.each(BACKENDS)('SIGKILL during a digest, then a restart (%s)', (backend) => {
  it('killed before Slack has the next message: every change is posted exactly once', async () => {
    world = await startWorld(backend);
    const { store, fake, proxy } = world;
    const ids = await seedChanges(store, 150);

    proxy.hold = { kind: 'before-slack', ms: 3000 };
    const first = world.start({ POLL_CRON: NEVER, DIGEST_CRON: EVERY_SECOND });
    // The first message goes through; the second is held on its way to Slack, and caseops is killed then.
    await waitUntil(
      () => (proxy.postsReceived >= 2 ? true : undefined),
      'a second digest message on its way',
      30_000,
    );
    await first.kill();
    const accepted = digestPosts(fake).length;
    expect(accepted).toBe(1);

    proxy.hold = { kind: 'none' };
    const second = world.start({ POLL_CRON: NEVER, DIGEST_CRON: EVERY_SECOND });
    await waitForAsync(async () => {
      const cursor = (await store.getDigestSettings(CHANNEL))?.cursor ?? 0;
      return cursor === (await eventsInChannel(store)).at(-1)?.id ? true : undefined;
    }, 'the digest finished after the restart');
    await sleep(2500);
    await second.kill();

    expect(digestPosts(fake).length).toBeGreaterThan(2);
    expect([...timesPosted(fake, ids).values()]).toEqual(ids.map(() => 1));
  });

  it('killed after Slack accepted a message, before the cursor moved: nothing lost, nothing posted twice', async () => {
    world = await startWorld(backend);
    const { store, fake, proxy } = world;
    const ids = await seedChanges(store, 150);

    proxy.hold = { kind: 'after-slack', ms: 3000 };
    const first = world.start({ POLL_CRON: NEVER, DIGEST_CRON: EVERY_SECOND });
    // Slack has accepted two messages; caseops has heard back about the first only, and is killed.
    await waitUntil(
      () => (digestPosts(fake).length >= 2 ? true : undefined),
      'Slack accepting a second message',
      30_000,
    );
    await first.kill();
    const [firstPost, secondPost] = digestPosts(fake);
    const inSecond = ids.filter((id) => JSON.stringify(secondPost?.args.blocks).includes(id));
    expect(inSecond.length).toBeGreaterThan(0);
    const cursorAtKill = (await store.getDigestSettings(CHANNEL))?.cursor ?? 0;
    const events = await eventsInChannel(store);
    const inFirst = ids.filter((id) => JSON.stringify(firstPost?.args.blocks).includes(id));
    // The cursor covers the first message at most: the second's changes are still undigested in the store.
    expect(events.filter((e) => e.id <= cursorAtKill).every((e) => inFirst.includes(e.caseId))).toBe(true);

    proxy.hold = { kind: 'none' };
    const second = world.start({ POLL_CRON: NEVER, DIGEST_CRON: EVERY_SECOND });
    await waitForAsync(async () => {
      const cursor = (await store.getDigestSettings(CHANNEL))?.cursor ?? 0;
      return cursor === events.at(-1)?.id ? true : undefined;
    }, 'the digest finished after the restart');
    await sleep(2500);
    await second.kill();

    // Every change posted exactly once: the message in the window was found in the channel, not reposted.
    expect([...timesPosted(fake, ids).values()]).toEqual(ids.map(() => 1));
    expect(fake.okCallsTo('conversations.history').length).toBeGreaterThan(0);
    expect(await store.pendingDigestAttempts(CHANNEL)).toEqual([]);
  });
});
