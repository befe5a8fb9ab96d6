/**
 * The write-posts use case against the real SQLite store and a chat side the test plays: each message of a
 * write is posted once, a pending one is looked for before it is posted again, a refused one may be posted
 * later, and two attempts at the same message at once post it once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type WritePostChannel,
  WritePosts,
  type WritePostTag,
} from '../../src/domain/use-cases/write-posts.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore, type Store } from '../../src/store/index.js';

const TAG: WritePostTag = {
  eventType: 'caseops_card',
  writeKey: 'open:cisco:view:V1:0',
  vendor: 'cisco',
  caseId: '690000001',
  channelId: 'C1',
};

/** A chat service that keeps what it was given; `next` says how the next post goes. */
class PlayedChat implements WritePostChannel {
  readonly posted: Array<{ ts: string; tag: WritePostTag }> = [];
  next: 'ok' | 'lost' | 'refused' = 'ok';
  finds = 0;
  gate?: Promise<void>;

  async post(tag: WritePostTag) {
    await this.gate;
    const how = this.next;
    this.next = 'ok';
    if (how === 'refused') return { refused: new Error('msg_too_long') };
    const ts = `1.${String(this.posted.length + 1).padStart(6, '0')}`;
    this.posted.push({ ts, tag });
    if (how === 'lost') throw new Error('the answer never came');
    return { ts };
  }

  async find(tag: WritePostTag) {
    this.finds += 1;
    return this.posted.find((p) => p.tag.writeKey === tag.writeKey && p.tag.eventType === tag.eventType)?.ts;
  }
}

let dir: string;
let store: Store;
let posts: WritePosts;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caseops-write-posts-'));
  store = await createStore({ dataDir: dir, logger: silentLogger });
  await store.migrate();
  posts = new WritePosts({ store, holder: 'test', logger: silentLogger });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WritePosts', () => {
  it('posts once; a later attempt answers with the first post without asking the chat service', async () => {
    const chat = new PlayedChat();
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'posted', ts: '1.000001' });
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'already', ts: '1.000001' });
    expect(await posts.postedTs(TAG)).toBe('1.000001');
    expect(chat.posted).toHaveLength(1);
    expect(chat.finds).toBe(0);
  });

  it('a lost answer leaves the message pending; the next attempt finds it instead of posting again', async () => {
    const chat = new PlayedChat();
    chat.next = 'lost';
    await expect(posts.postOnce(TAG, chat)).rejects.toThrow('the answer never came');
    expect(await posts.postedTs(TAG)).toBeUndefined();
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'already', ts: '1.000001' });
    expect(chat.posted).toHaveLength(1);
    expect(await posts.postedTs(TAG)).toBe('1.000001');
  });

  it('a pending message the chat service does not have is posted', async () => {
    const chat = new PlayedChat();
    const key = `caseops_card:C1:${TAG.writeKey}`;
    await store.claimWritePost({ key, eventType: TAG.eventType, channelId: 'C1' }, 'dead-replica', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'posted', ts: '1.000001' });
    expect(chat.finds).toBe(1);
  });

  it('a refused post leaves no record, so a later attempt posts it', async () => {
    const chat = new PlayedChat();
    chat.next = 'refused';
    expect(await posts.postOnce(TAG, chat)).toMatchObject({ kind: 'refused' });
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'posted', ts: '1.000001' });
    expect(chat.finds).toBe(0);
  });

  it('two attempts at once: one posts, the other is told it is busy', async () => {
    const chat = new PlayedChat();
    let open!: () => void;
    chat.gate = new Promise((resolve) => {
      open = resolve;
    });
    const first = posts.postOnce(TAG, chat);
    const second = posts.postOnce(TAG, chat);
    open();
    const outcomes = (await Promise.all([first, second])).map((o) => o.kind).sort();
    expect(outcomes).toEqual(['busy', 'posted']);
    expect(chat.posted).toHaveLength(1);
  });

  it('another replica holding the message: busy, nothing posted', async () => {
    const chat = new PlayedChat();
    const key = `caseops_card:C1:${TAG.writeKey}`;
    await store.claimWritePost({ key, eventType: TAG.eventType, channelId: 'C1' }, 'other', 60_000);
    expect(await posts.postOnce(TAG, chat)).toEqual({ kind: 'busy' });
    expect(chat.posted).toHaveLength(0);
  });

  it('posting a card leaves no lease row behind', async () => {
    const chat = new PlayedChat();
    expect(await posts.postOnce(TAG, chat)).toMatchObject({ kind: 'posted' });
    expect(await store.tryAcquireLease(`post:caseops_card:C1:${TAG.writeKey}`, 'other', 60_000)).toBe(true);
    expect(await store.getWritePost(`caseops_card:C1:${TAG.writeKey}`)).toMatchObject({ state: 'posted' });
  });
});
