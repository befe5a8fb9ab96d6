/**
 * The real process, `node dist/main.js` in HTTP mode, SIGKILLed and started again on the same store (a
 * SQLite file in a temp DATA_DIR, then a PostgreSQL schema of its own), while people send signed Slack
 * requests (watch, note, open, cancel), Equinix cases change status, and the poller (every second) and
 * digests (every two seconds) run. Kills land at seeded random moments (SEED, FAULTS_KILLS to change them).
 * The Equinix simulator and the fake Slack Web API run in the test process and outlive every kill.
 *
 * Afterwards: every status change caseops recorded was posted in exactly one digest message (read from the
 * channel through each message's metadata) and, for the cases with a card, told in exactly one reply in the
 * card's thread; none is lost (each watched case's last change is its status at
 * Equinix), every person's request is done once or they were told it may have gone through, and Equinix holds
 * no case twice.
 *
 * Then three replicas on one PostgreSQL schema: the one in the middle of a digest is SIGKILLed and another is
 * restarted; each change is still posted once, and the time until another replica holds the digest lease is
 * measured. Last, a PostgreSQL cluster of the test's own (own-postgres.ts) is stopped and started under load:
 * people are told the database is away and try again, caseops carries on without a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { createStore } from '../../src/store/index.js';
import { createEquinixSimulator, type EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { AppProcess, buildCaseops, seededRandom } from './app-process.js';
import { findPostgresBin, OwnPostgres } from './own-postgres.js';
import { SlackProxy, sleep } from './processes.js';
import { CHANNEL, OPS, SIGNING_SECRET, TEAM, targetFor, Workload } from './workload.js';

const SEED = Number(process.env.SEED ?? 20261202);
const KILLS = Number(process.env.FAULTS_KILLS ?? 25);
const LEASE_TTL_MS = 2000;

const postgres = await postgresForTests();
const BACKENDS = postgres.available ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

beforeAll(() => {
  // FAULTS_PREBUILT=true runs the dist/ already there (repeated local runs); CI always builds.
  if (process.env.FAULTS_PREBUILT === 'true' && process.env.CI !== 'true') return;
  const ms = buildCaseops();
  console.log(`[real-process] built dist/ (npm run build) in ${ms} ms`);
}, 180_000);

interface World {
  dataDir: string;
  schema?: TestSchema;
  store: Store;
  fake: FakeSlackApi;
  equinix: EquinixSimulator;
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function startWorld(databaseUrl?: string, schema?: TestSchema): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-real-'));
  const equinix = createEquinixSimulator();
  await equinix.start();
  const fake = new FakeSlackApi({
    botToken: 'xoxb-faults-bot',
    teamId: TEAM,
    users: [{ id: OPS, name: 'alice', realName: 'Alice Ops', email: 'alice@example.com' }],
    channels: [{ id: CHANNEL, name: 'noc', members: [OPS] }],
  });
  await fake.start();
  const store = await createStore({ dataDir, databaseUrl, logger: silentLogger });
  await store.migrate();
  const env = {
    ...equinix.env(),
    EQUINIX_RATE_PER_SECOND: '500',
    VENDOR_TIMEOUT_MS: '3000',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${fake.url}/api/`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    POLL_CRON: '* * * * * *',
    DIGEST_CRON: '*/2 * * * * *',
    LEASE_TTL_MS: String(LEASE_TTL_MS),
  };
  return {
    dataDir,
    schema,
    store,
    fake,
    equinix,
    env,
    async stop() {
      await store.close();
      await fake.stop();
      await equinix.stop();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Digest messages Slack accepted in CHANNEL, with the event range their metadata names. */
function digestMessages(fake: FakeSlackApi) {
  return fake
    .okCallsTo('chat.postMessage')
    .filter((c) => c.args.channel === CHANNEL)
    .map((c) => {
      const metadata = c.args.metadata as
        | { event_type?: string; event_payload?: Record<string, unknown> }
        | undefined;
      return {
        type: metadata?.event_type,
        from: Number(metadata?.event_payload?.from_event_id),
        to: Number(metadata?.event_payload?.to_event_id),
        part: Number(metadata?.event_payload?.part),
        blocks: JSON.stringify(c.args.blocks),
      };
    })
    .filter((m) => m.type === 'caseops_digest' && m.part > 0);
}

/**
 * Every recorded change posted exactly once (one digest message's range covers it and shows its case), the
 * cursor past all of them, and nothing lost: each watched case's newest change is its status at Equinix.
 */
async function checkDigests(world: World, watched: readonly string[]) {
  const events = await world.store.eventsForChannel(CHANNEL, 0, 1_000_000);
  const messages = digestMessages(world.fake);
  let repeats = 0;
  let lost = 0;
  for (const event of events) {
    const showing = messages.filter((m) => m.from <= event.id && event.id <= m.to);
    if (showing.length === 0) lost++;
    if (showing.length > 1) repeats += showing.length - 1;
    expect(
      showing.every((m) => m.blocks.includes(event.caseId)),
      `event ${event.id}`,
    ).toBe(true);
  }
  let unseen = 0;
  for (const id of watched) {
    const mine = events.filter((e) => e.caseId === id && e.kind === 'status');
    const last = mine.at(-1);
    if (last && last.toStatus !== world.equinix.find(id)?.status) unseen++;
    // A change recorded twice would show as the same status twice in a row.
    for (let i = 1; i < mine.length; i++) expect(mine[i]?.toStatus).not.toBe(mine[i - 1]?.toStatus);
    // Each entry of Equinix's own status record is recorded once too.
    const record = events
      .filter((e) => e.caseId === id && e.kind === 'history')
      .map((e) => `${e.entry?.status} ${e.entry?.at}`);
    expect(new Set(record).size, `status record of ${id}`).toBe(record.length);
  }
  return { events: events.length, messages: messages.length, repeats, lost, unseen };
}

/** Waits until the poller has seen every case's status and the digest cursor is past every change. */
async function settle(world: World, watched: readonly string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await world.store.eventsForChannel(CHANNEL, 0, 1_000_000);
    const cursor = (await world.store.getDigestSettings(CHANNEL))?.cursor ?? 0;
    const snapshots = await world.store.getSnapshots(
      watched.map((caseId) => ({ vendor: 'equinix', caseId })),
    );
    // Caught up: caseops last saw each case in its status at Equinix, and recorded the change that led there
    // (a case that moved before caseops first saw it has no change to record).
    const caughtUp = watched.every((id) => {
      const status = world.equinix.find(id)?.status;
      const last = events.filter((e) => e.caseId === id).at(-1);
      const seen = snapshots.find((s) => s.caseId === id)?.status;
      return seen === status && (last === undefined || last.toStatus === status);
    });
    const pending = await world.store.pendingDigestAttempts(CHANNEL);
    if (caughtUp && cursor === (events.at(-1)?.id ?? 0) && pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not settled after ${timeoutMs} ms: caught up ${caughtUp}, cursor ${cursor}, last event ${events.at(-1)?.id}, pending attempts ${pending.length}`,
      );
    }
    await sleep(250);
  }
}

/** Posted cards of the watched cases (a message in CHANNEL each, remembered as their case's card). */
async function postCards(world: World, caseIds: readonly string[]): Promise<Map<string, string>> {
  const cards = new Map<string, string>();
  for (const caseId of caseIds) {
    const ts = world.fake.addMessage({ channel: CHANNEL, text: `Equinix case ${caseId}` });
    await world.store.rememberCard({ vendor: 'equinix', caseId, channelId: CHANNEL, ts });
    cards.set(caseId, ts);
  }
  return cards;
}

/** caseops' replies in a card's thread as Slack holds them, with the event range their metadata names. */
function threadReplies(fake: FakeSlackApi, cardTs: string) {
  return fake.messages
    .filter((m) => m.channel === CHANNEL && m.threadTs === cardTs)
    .map((m) => m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined)
    .filter((metadata) => metadata?.event_type === 'caseops_thread_update')
    .map((metadata) => ({
      after: Number(metadata?.event_payload?.after_event_id),
      to: Number(metadata?.event_payload?.to_event_id),
    }));
}

/** Waits until no thread reply is pending and every card's thread has replied up to its case's last event. */
async function settleThreads(world: World, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = (await world.store.pendingThreadReplies()).length;
    const behind = (await world.store.channelsWithThreadNews()).length;
    if (pending === 0 && behind === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`threads not settled after ${timeoutMs} ms: ${pending} pending, ${behind} behind`);
    }
    await sleep(500);
  }
}

/** Every change of a carded case told in exactly one reply of its card's thread, none lost. */
async function checkThreads(world: World, cards: ReadonlyMap<string, string>) {
  let replies = 0;
  let repeats = 0;
  let lost = 0;
  let events = 0;
  for (const [caseId, cardTs] of cards) {
    const thread = threadReplies(world.fake, cardTs);
    replies += thread.length;
    for (const event of await world.store.caseEventsAfter('equinix', caseId, 0, 1_000_000)) {
      events++;
      const telling = thread.filter((reply) => reply.after < event.id && event.id <= reply.to);
      if (telling.length === 0) lost++;
      if (telling.length > 1) repeats += telling.length - 1;
    }
  }
  return { threadEvents: events, threadReplies: replies, threadRepeats: repeats, threadLost: lost };
}

describe.each(BACKENDS)('node dist/main.js SIGKILLed again and again under load (%s)', (backend) => {
  let world: World;
  let schema: TestSchema | undefined;

  beforeAll(async () => {
    schema = backend === 'postgres' ? await createTestSchema() : undefined;
    world = await startWorld(schema?.url, schema);
  });
  // Every process this suite started, stopped however the test ends (a failed one must not leave caseops
  // running against a dropped schema).
  const processes: AppProcess[] = [];
  afterAll(async () => {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await world?.stop();
  });

  it(`(${backend}) posts every change once, does every write once or says it may have, opens no case twice`, async () => {
    const started = performance.now();
    const random = seededRandom(SEED + (backend === 'postgres' ? 1 : 0));
    const work = new Workload(world.fake, world.equinix, random);
    await work.seedWatched(world.store, 8);
    // Half of the watched cases have a card in the channel: their changes are told in its thread too.
    const cards = await postCards(world, work.watchedAtStart.slice(0, 4));

    let target: ReturnType<typeof targetFor> | undefined;
    let running = true;
    let cutOff = 0;
    const people = (async () => {
      while (running || work.unanswered > 0) {
        const now = target;
        if (!now) {
          await sleep(50);
          continue;
        }
        if (!(await work.next(now))) cutOff++;
        await sleep(20 + random() * 80);
      }
    })();
    let failure: unknown;
    people.catch((error: unknown) => {
      failure = error;
    });
    const vendor = (async () => {
      while (running) {
        work.advanceOne();
        await sleep(150 + random() * 250);
      }
    })();

    const lifetimes: number[] = [];
    let polls = 0;
    let digestsCut = 0;
    for (let kill = 0; kill < KILLS && failure === undefined; kill++) {
      const app = new AppProcess(world.env);
      processes.push(app);
      const url = await app.ready();
      let killed!: () => void;
      target = targetFor(world.fake, url, new Promise<void>((resolve) => (killed = resolve)));
      const life = 300 + random() * 2700;
      await sleep(life);
      await app.kill();
      killed();
      target = undefined;
      lifetimes.push(Math.round(performance.now() - app.startedAt));
      polls += app.count((l) => l.msg === 'poll finished');
      // A digest the kill cut off leaves its attempt open in the outbox for the next process.
      digestsCut += (await world.store.pendingDigestAttempts(CHANNEL)).length > 0 ? 1 : 0;
    }

    // The last life: everyone gets an answer, the poller and digests catch up.
    const last = new AppProcess(world.env);
    processes.push(last);
    const url = await last.ready();
    target = targetFor(world.fake, url, new Promise<void>(() => undefined));
    running = false;
    if (failure !== undefined) throw failure;
    await vendor;
    await people;
    await settle(world, work.watchedAtStart);
    // A reply whose fate a kill left unknown is looked for in its thread once it is old enough (2 min).
    await settleThreads(world, 200_000);
    await sleep(2500);
    const digests = await checkDigests(world, work.watchedAtStart);
    const threads = await checkThreads(world, cards);
    const writes = await work.check(world.store);
    await last.kill();

    const summary = {
      backend,
      seed: SEED,
      kills: KILLS,
      meanLifeMs: Math.round(lifetimes.reduce((a, b) => a + b, 0) / lifetimes.length),
      pollsFinishedBeforeKills: polls,
      requestsCutOffByAKill: cutOff,
      killsWithADigestAttemptOpen: digestsCut,
      ...digests,
      ...threads,
      writes,
      equinixCases: world.equinix.cases().length,
      runMs: Math.round(performance.now() - started),
    };
    console.log(`[real-process] ${JSON.stringify(summary)}`);
    // A person who submits again after a crash must hear something: done, nothing, or "may have gone through".
    expect
      .soft(writes.noAnswer, 'requests acknowledged by a live process that never answered the person')
      .toBe(0);
    expect(digests.repeats).toBe(0);
    expect(digests.lost).toBe(0);
    expect(digests.unseen).toBe(0);
    expect(digests.events).toBeGreaterThan(KILLS / 2);
    expect(threads.threadRepeats).toBe(0);
    expect(threads.threadLost).toBe(0);
    expect(threads.threadEvents).toBeGreaterThan(0);
    expect(cutOff).toBeGreaterThan(0);
  });
});

describe.runIf(postgres.available)('three replicas on one PostgreSQL schema', () => {
  it('posts each change once when one is killed mid-digest and one restarted; another takes over within the lease', async () => {
    const started = performance.now();
    const schema = await createTestSchema();
    const world = await startWorld(schema.url, schema);
    // Every digest message waits 1.5 s on its way to Slack, so the kill lands while a replica is posting.
    const proxy = new SlackProxy(world.fake.url);
    await proxy.start();
    proxy.hold = { kind: 'before-slack', ms: 1500 };
    const env = { ...world.env, SLACK_API_URL: proxy.apiUrl };
    const replicas: AppProcess[] = [];
    try {
      const work = new Workload(world.fake, world.equinix, seededRandom(SEED + 2));
      await work.seedWatched(world.store, 8);
      for (let i = 0; i < 3; i++) replicas.push(new AppProcess(env));
      await Promise.all(replicas.map((r) => r.ready()));
      let running = true;
      const vendor = (async () => {
        while (running) {
          work.advanceOne();
          await sleep(200);
        }
      })();
      const digestHolder = async () =>
        (
          await schema.query<{ holder: string }>('select holder from leases where name = $1', [
            `digest:${CHANNEL}`,
          ])
        )[0]?.holder;
      const pidOf = (holder: string | undefined) => Number(holder?.split(':')[1]);

      // Mid-digest: an attempt is open in the outbox and its message is on its way to Slack.
      const deadline = Date.now() + 60_000;
      let victim: AppProcess | undefined;
      while (!victim && Date.now() < deadline) {
        const pending = await world.store.pendingDigestAttempts(CHANNEL);
        const holder = await digestHolder();
        if (pending.length > 0) victim = replicas.find((r) => r.pid === pidOf(holder) && r.alive);
        if (!victim) await sleep(50);
      }
      if (!victim) throw new Error('no replica was caught in the middle of a digest within 60 s');
      const killedHolder = await digestHolder();
      const postsAtKill = digestMessages(world.fake).length;
      await victim.kill();
      const killedAt = performance.now();

      let takeoverMs: number | undefined;
      let nextPostMs: number | undefined;
      while (
        performance.now() - killedAt < 30_000 &&
        (takeoverMs === undefined || nextPostMs === undefined)
      ) {
        const holder = await digestHolder();
        if (takeoverMs === undefined && holder && holder !== killedHolder)
          takeoverMs = Math.round(performance.now() - killedAt);
        if (nextPostMs === undefined && digestMessages(world.fake).length > postsAtKill)
          nextPostMs = Math.round(performance.now() - killedAt);
        await sleep(25);
      }

      // Another replica is restarted (killed and started again) while digests go on.
      const restarted = replicas.find((r) => r !== victim && r.alive);
      await restarted?.kill();
      const fresh = new AppProcess(env);
      replicas.push(fresh);
      await fresh.ready();
      await sleep(6000);
      running = false;
      await vendor;
      proxy.hold = { kind: 'none' };
      await settle(world, work.watchedAtStart);
      await sleep(2500);
      const digests = await checkDigests(world, work.watchedAtStart);
      console.log(
        `[real-process] ${JSON.stringify({
          replicas: 3,
          leaseTtlMs: LEASE_TTL_MS,
          takeoverMs,
          nextDigestMessageAfterKillMs: nextPostMs,
          ...digests,
          runMs: Math.round(performance.now() - started),
        })}`,
      );
      expect(takeoverMs, 'another replica holds the digest lease').toBeDefined();
      // The lease lapses after LEASE_TTL_MS; the next two-second digest fire then takes it.
      expect(takeoverMs).toBeLessThanOrEqual(LEASE_TTL_MS + 2000 + 1000);
      expect(digests.repeats).toBe(0);
      expect(digests.lost).toBe(0);
      expect(digests.unseen).toBe(0);
      expect(digests.events).toBeGreaterThan(0);
    } finally {
      await Promise.allSettled(replicas.map((r) => r.stop()));
      await proxy.stop();
      await world.stop();
    }
  });
});

const ownServer = findPostgresBin();
if ('missing' in ownServer) {
  const why = `PostgreSQL restart test: no server binaries to start a cluster of its own (${ownServer.missing})`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}; install the PostgreSQL server package`);
  console.warn(`${why}. SKIPPED; install the PostgreSQL server package (initdb, pg_ctl) to run it.`);
}

describe.runIf('bin' in ownServer)('a real PostgreSQL restart under load (a cluster of its own)', () => {
  it('answers everyone in plain words meanwhile, recovers without restarting caseops, loses and doubles nothing', async () => {
    if (!('bin' in ownServer)) return;
    const started = performance.now();
    const cluster = await OwnPostgres.create(ownServer.bin);
    let world: World | undefined;
    let app: AppProcess | undefined;
    try {
      await cluster.start();
      world = await startWorld(cluster.url);
      app = new AppProcess(world.env);
      const random = seededRandom(SEED + 3);
      const work = new Workload(world.fake, world.equinix, random);
      await work.seedWatched(world.store, 8);
      const target = targetFor(world.fake, await app.ready(), new Promise<void>(() => undefined));
      let running = true;
      const people = (async () => {
        while (running || work.unanswered > 0) {
          await work.next(target);
          await sleep(20 + random() * 80);
        }
      })();
      const vendor = (async () => {
        while (running) {
          work.advanceOne();
          await sleep(150 + random() * 250);
        }
      })();

      const outages: number[] = [];
      await sleep(3000);
      for (let restart = 0; restart < 2; restart++) {
        const down = performance.now();
        await cluster.stop('fast');
        await sleep(2500);
        await cluster.start();
        outages.push(Math.round(performance.now() - down));
        await sleep(3000);
      }
      running = false;
      await vendor;
      await people;
      await settle(world, work.watchedAtStart);
      await sleep(2500);
      const digests = await checkDigests(world, work.watchedAtStart);
      const writes = await work.check(world.store);
      console.log(
        `[real-process] ${JSON.stringify({
          postgresRestarts: outages.length,
          outageMs: outages,
          databaseAnswers: work.databaseAnswers,
          sameProcess: app.alive,
          ...digests,
          writes,
          runMs: Math.round(performance.now() - started),
        })}`,
      );
      // caseops was never restarted, told people about its database, and everyone was answered in the end.
      expect(app.alive).toBe(true);
      expect(work.databaseAnswers).toBeGreaterThan(0);
      expect
        .soft(writes.noAnswer, 'requests acknowledged by a live process that never answered the person')
        .toBe(0);
      expect(digests.repeats).toBe(0);
      expect(digests.lost).toBe(0);
      expect(digests.unseen).toBe(0);
    } finally {
      await app?.stop();
      await world?.stop();
      await cluster.destroy();
    }
  });
});
