/**
 * The thread replies runner over the real store (SQLite) with a controlled clock and a Slack that keeps what it
 * was given: one reply per card per run covering every new event, a lost answer settled from the thread and
 * never posted twice, a refusal posted again, a young pending reply left alone, a digest-only channel skipped,
 * and a run whose lease was taken over writing nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { Clock } from '../../src/domain/ports/clock.js';
import { StaleLeaseError } from '../../src/domain/ports/store.js';
import { silentLogger } from '../../src/logging/logger.js';
import {
  type PostedThreadReply,
  type ThreadReply,
  ThreadReplyNotPostedError,
  type ThreadReplyPublisher,
  ThreadReplyRunner,
  threadReplyKey,
} from '../../src/scheduler/thread-replies.js';
import { createStore, type Store } from '../../src/store/index.js';

const T0 = Date.parse('2030-01-01T09:00:00Z');
const MIN = 60_000;
const CHANNEL = 'CNOC0001';
const CARD_TS = '1893488400.000001';
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

class ManualClock implements Clock {
  constructor(private time: number) {}
  now() {
    return this.time;
  }
  async sleep() {}
  advance(ms: number) {
    this.time += ms;
  }
}

/** Keeps what was posted; `next` decides how the next post goes. */
class MemorySlack implements ThreadReplyPublisher {
  readonly thread: Array<{ reply: ThreadReply; ts: string }> = [];
  next: 'ok' | 'lost' | 'refused' = 'ok';
  reads = 0;
  private seq = 1;

  async post(reply: ThreadReply): Promise<string> {
    const outcome = this.next;
    this.next = 'ok';
    if (outcome === 'refused') throw new ThreadReplyNotPostedError('msg_too_long');
    const ts = `1893488400.${String(++this.seq).padStart(6, '0')}`;
    this.thread.push({ reply, ts });
    if (outcome === 'lost') throw new Error('socket hang up');
    return ts;
  }

  async findPosted(channelId: string, cardTs: string): Promise<PostedThreadReply[]> {
    this.reads++;
    return this.thread
      .filter(({ reply }) => reply.channelId === channelId && reply.cardTs === cardTs)
      .map(({ reply, ts }) => ({
        key: threadReplyKey(reply.cardTs, reply.channelId, reply.afterEventId, reply.toEventId),
        ts,
      }));
  }
}

let dir: string;
let store: Store;
let clock: ManualClock;
let slack: MemorySlack;
let wantsThread: boolean;
let refreshed: Array<{ status: string; channelId: string; count: number }>;

function runner(): ThreadReplyRunner {
  return new ThreadReplyRunner({
    store,
    publisher: slack,
    wantsThreadReplies: async () => wantsThread,
    refreshCard: async (current, channelId) => {
      refreshed.push({
        status: current.status,
        channelId,
        count: await store.threadReplyCount(channelId, current.vendor, current.id),
      });
    },
    logger: silentLogger,
    clock,
  });
}

async function observe(change: Partial<Case>) {
  await store.observeCase({ ...CASE, ...change }, new Date(clock.now()).toISOString());
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caseops-threads-'));
  clock = new ManualClock(T0);
  slack = new MemorySlack();
  wantsThread = true;
  refreshed = [];
  store = await createStore({ dataDir: dir, logger: silentLogger, now: () => new Date(clock.now()) });
  await store.migrate();
  await store.addWatch({ vendor: 'cisco', caseId: CASE.id, channelId: CHANNEL, createdBy: 'UALICE01' });
  await observe({});
  await store.rememberCard({ vendor: 'cisco', caseId: CASE.id, channelId: CHANNEL, ts: CARD_TS });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('thread replies runner', () => {
  it('posts one reply per card covering every event since the last, then updates the card with the count', async () => {
    expect(await runner().runOnce()).toEqual({ posted: 0, reconciled: 0, skipped: 0 });
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer', owner: 'Josh Engineer' });
    expect(await runner().runOnce()).toEqual({ posted: 1, reconciled: 0, skipped: 0 });
    expect(slack.thread).toHaveLength(1);
    const { reply } = slack.thread[0]!;
    expect(reply.cardTs).toBe(CARD_TS);
    expect(reply.events.map((e) => e.kind)).toEqual(['status', 'owner']);
    expect(refreshed).toEqual([{ status: 'Customer Pending', channelId: CHANNEL, count: 1 }]);

    expect((await runner().runOnce()).posted).toBe(0);
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor', owner: 'Josh Engineer' });
    await runner().runOnce();
    expect(slack.thread).toHaveLength(2);
    expect(slack.thread[1]!.reply.afterEventId).toBe(reply.toEventId);
    expect(refreshed.at(-1)?.count).toBe(2);
  });

  it('a lost answer blocks the card until the thread is read; found there, it is recorded, not posted again', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    slack.next = 'lost';
    expect((await runner().runOnce()).posted).toBe(0);
    expect(slack.thread).toHaveLength(1);
    expect(refreshed).toEqual([]);

    // Young: maybe still in flight on a replica that lost the lease; not read, not posted again.
    clock.advance(MIN);
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor' });
    expect(await runner().runOnce()).toEqual({ posted: 0, reconciled: 0, skipped: 0 });
    expect(slack.reads).toBe(0);

    clock.advance(2 * MIN);
    expect(await runner().runOnce()).toEqual({ posted: 1, reconciled: 1, skipped: 0 });
    expect(slack.reads).toBe(1);
    expect(slack.thread).toHaveLength(2);
    // The second reply starts where the found one ended.
    expect(slack.thread[1]!.reply.afterEventId).toBe(slack.thread[0]!.reply.toEventId);
    expect(await store.threadReplyCount(CHANNEL, 'cisco', CASE.id)).toBe(2);
  });

  it('a lost post that never reached Slack is posted again after the thread is read', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    slack.next = 'lost';
    await runner().runOnce();
    slack.thread.splice(0);
    clock.advance(3 * MIN);
    expect(await runner().runOnce()).toEqual({ posted: 1, reconciled: 0, skipped: 0 });
    expect(slack.thread).toHaveLength(1);
    expect(await store.threadReplyCount(CHANNEL, 'cisco', CASE.id)).toBe(1);
  });

  it('a refused reply leaves nothing pending and is posted by the next run', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    slack.next = 'refused';
    expect((await runner().runOnce()).posted).toBe(0);
    expect(await store.pendingThreadReplies()).toEqual([]);
    expect((await runner().runOnce()).posted).toBe(1);
  });

  it('a channel set to digest gets none, and its cursor stays for when it asks again', async () => {
    wantsThread = false;
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    expect(await runner().runOnce()).toEqual({ posted: 0, reconciled: 0, skipped: 1 });
    await observe({ status: 'Cisco Pending', state: 'waiting-on-vendor' });
    await runner().runOnce();
    expect(slack.thread).toHaveLength(0);

    wantsThread = true;
    await runner().runOnce();
    expect(slack.thread).toHaveLength(1);
    expect(slack.thread[0]!.reply.events.map((e) => e.toStatus)).toEqual([
      'Customer Pending',
      'Cisco Pending',
    ]);
  });

  it('a run whose poller lease was taken over posts nothing', async () => {
    await observe({ status: 'Customer Pending', state: 'waiting-on-customer' });
    const stale = (await store.acquireLease('poller', 'replica-a', MIN))!;
    await store.releaseLease('poller', 'replica-a');
    await store.acquireLease('poller', 'replica-b', MIN);
    await expect(runner().runOnce(undefined, stale)).rejects.toBeInstanceOf(StaleLeaseError);
    expect(slack.thread).toHaveLength(0);
    expect(await store.pendingThreadReplies()).toEqual([]);
  });
});
