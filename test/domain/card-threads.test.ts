/**
 * Thread links for digests: each card's permalink asked once and kept, a card without one left unlinked, and
 * a digest asking for a bounded number of new ones, fewer still once the chat service keeps failing.
 */
import { describe, expect, it } from 'vitest';
import type { PostedCard } from '../../src/domain/ports/store.js';
import {
  CardThreadLinks,
  PERMALINK_FAILURES_PER_DIGEST,
  PERMALINKS_ASKED_PER_DIGEST,
} from '../../src/domain/use-cases/card-threads.js';
import { silentLogger } from '../../src/logging/logger.js';

function cardsStore(count: number) {
  const cards: PostedCard[] = Array.from({ length: count }, (_, i) => ({
    vendor: 'cisco',
    caseId: String(i),
    channelId: 'C1',
    ts: `1.${String(i).padStart(6, '0')}`,
  }));
  return {
    cards,
    async cardsInChannel(channelId: string) {
      return cards.filter((c) => c.channelId === channelId).map((c) => ({ ...c }));
    },
    async cardsInChannels(channelIds: readonly string[]) {
      return cards.filter((c) => channelIds.includes(c.channelId)).map((c) => ({ ...c }));
    },
    async rememberCardPermalink(channelId: string, ts: string, permalink: string) {
      const card = cards.find((c) => c.channelId === channelId && c.ts === ts);
      if (card) card.permalink = permalink;
    },
  };
}

const cases = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ vendor: 'cisco', caseId: String(i) }));

describe('CardThreadLinks', () => {
  it('asks once per card and keeps the answer; cases without a card get no link', async () => {
    const store = cardsStore(2);
    const asked: string[] = [];
    const links = new CardThreadLinks({
      store,
      logger: silentLogger,
      fetchPermalink: async (channel, ts) => {
        asked.push(ts);
        return `https://x.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      },
    });
    const first = await links.linksFor('C1', [...cases(2), { vendor: 'cisco', caseId: 'no-card' }]);
    expect(first.get('cisco:0')).toBe('https://x.slack.com/archives/C1/p1000000');
    expect(first.has('cisco:no-card')).toBe(false);
    const second = await links.linksFor('C1', cases(2));
    expect(second.size).toBe(2);
    expect(asked).toEqual(['1.000000', '1.000001']);
  });

  it('links many channels from one read of their cards, as linksFor would one by one', async () => {
    const store = cardsStore(3);
    let reads = 0;
    const counting = {
      ...store,
      cardsInChannels: async (channelIds: readonly string[]) => {
        reads++;
        return store.cardsInChannels(channelIds);
      },
    };
    const links = new CardThreadLinks({
      store: counting,
      logger: silentLogger,
      fetchPermalink: async (channel, ts) =>
        `https://x.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    });
    const forFire = await links.forChannels(['C1', 'C2']);
    expect(await forFire('C2', cases(3))).toEqual(new Map());
    const linked = await forFire('C1', [...cases(2), { vendor: 'cisco', caseId: 'no-card' }]);
    expect([...linked.keys()]).toEqual(['cisco:0', 'cisco:1']);
    expect(linked.get('cisco:1')).toBe('https://x.slack.com/archives/C1/p1000001');
    expect(reads).toBe(1);
  });

  it('stops asking after a few failures, and asks for a bounded number of new permalinks per digest', async () => {
    const failing = cardsStore(10);
    let calls = 0;
    const refusing = new CardThreadLinks({
      store: failing,
      logger: silentLogger,
      fetchPermalink: async () => {
        calls += 1;
        throw new Error('ratelimited');
      },
    });
    expect((await refusing.linksFor('C1', cases(10))).size).toBe(0);
    expect(calls).toBe(PERMALINK_FAILURES_PER_DIGEST);

    const many = cardsStore(PERMALINKS_ASKED_PER_DIGEST + 20);
    const bounded = new CardThreadLinks({
      store: many,
      logger: silentLogger,
      fetchPermalink: async (channel, ts) =>
        `https://x.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    });
    const all = cases(PERMALINKS_ASKED_PER_DIGEST + 20);
    expect((await bounded.linksFor('C1', all)).size).toBe(PERMALINKS_ASKED_PER_DIGEST);
    expect((await bounded.linksFor('C1', all)).size).toBe(PERMALINKS_ASKED_PER_DIGEST + 20);
  });
});
