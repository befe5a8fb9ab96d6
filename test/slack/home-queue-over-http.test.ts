/**
 * App Home as the on-call queue, over HTTP with the real Bolt app and the fake Slack Web API, on a clock the
 * test controls: app_home_opened publishes the watched cases by whose move it is (waiting on us the longest
 * first, then the vendor silent the longest, then waiting on the vendor, then closed in the last day), each
 * with its clock in words, Show, Notify me and its card's link; and 500 queued cases stay within App Home's
 * 100 blocks with room for more sections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { HOME_QUEUE_ROWS } from '../../src/domain/use-cases/home.js';
import { CASE_ACTIONS, caseRefValue } from '../../src/slack/blocks/case-card.js';
import { SkipAheadClock } from '../support/skip-ahead-clock.js';
import { ALICE, blockText, type Harness, NOC, startHarness } from '../support/slack-harness.js';

const HOUR = 3_600_000;

interface PublishedBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text?: string | { text: string } }>;
  accessory?: { action_id?: string; value?: string };
}

describe('App Home as the on-call queue, over HTTP', () => {
  let h: Harness;
  let clock: SkipAheadClock;

  beforeEach(async () => {
    clock = new SkipAheadClock();
    h = await startHarness({ clock });
  });

  afterEach(async () => {
    await h?.stop();
  });

  const ago = (hours: number) => new Date(clock.now() - hours * HOUR).toISOString();

  /** A watched Cisco case in #noc whose observations were recorded at the given times (hours ago). */
  async function watched(id: string, seen: Array<[hoursAgo: number, change: Partial<Case>]>) {
    await h.store.addWatch({ vendor: 'cisco', caseId: id, channelId: NOC, createdBy: ALICE });
    let current: Case = {
      vendor: 'cisco',
      id,
      alternateIds: [],
      title: `Case ${id}`,
      status: 'Cisco Pending',
      state: 'waiting-on-vendor',
      // The vendor's own "updated" time, long before anything recorded: never the clock.
      updatedAt: ago(24 * 30),
      notes: [],
      fields: [],
    };
    for (const [hoursAgo, change] of seen) {
      current = { ...current, ...change };
      await h.store.observeCase(current, ago(hoursAgo));
    }
  }

  async function openHome(): Promise<PublishedBlock[]> {
    const before = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user: ALICE, tab: 'home', channel: 'DALICE01' });
    await h.fake.waitFor(
      () => (h.fake.callsTo('views.publish').length > before ? true : undefined),
      'App Home published',
    );
    const published = h.fake.callsTo('views.publish').at(-1)!;
    expect(published.outcome).toBe('ok');
    return (published.args.view as { blocks: PublishedBlock[] }).blocks;
  }

  it('lists the cases by whose move it is, each with its clock, Show, Notify me and the card link', async () => {
    const onUs = { status: 'Customer Pending', state: 'waiting-on-customer' as const };
    await watched('698000101', [
      [10, {}],
      [2, onUs],
    ]);
    await watched('698000102', [[9, onUs]]);
    await watched('698000103', [[72, {}]]);
    await watched('698000104', [
      [72, {}],
      [1, { notes: [{ text: 'Looking at the logs', author: 'TAC', createdAt: ago(1) }] }],
    ]);
    await watched('698000105', [
      [30, {}],
      [3, { status: 'Resolved', state: 'resolved' }],
    ]);
    await watched('698000106', [
      [100, {}],
      [72, { status: 'Closed', state: 'closed' }],
    ]);
    await h.store.rememberCard({
      vendor: 'cisco',
      caseId: '698000101',
      channelId: NOC,
      ts: '1767225600.000100',
    });

    const blocks = await openHome();
    const rows = blocks.filter((b) => b.block_id?.startsWith('queue:'));
    expect(rows.map((b) => b.block_id)).toEqual([
      'queue:cisco:698000102',
      'queue:cisco:698000101',
      'queue:cisco:698000103',
      'queue:cisco:698000104',
      'queue:cisco:698000105',
    ]);
    const words = rows.map((b) => b.text!.text.split(' · ')[0]);
    expect(words).toEqual([
      '*Waiting on us for 9 h*',
      '*Waiting on us for 2 h*',
      '*Cisco silent for 3 d*',
      '*Cisco silent for 1 h*',
      '*Resolved 3 h ago*',
    ]);
    const text = blockText(blocks);
    expect(text.indexOf('Waiting on us')).toBeLessThan(text.indexOf('Vendor silent'));
    expect(text.indexOf('Vendor silent')).toBeLessThan(text.indexOf('Waiting on the vendor'));
    expect(text.indexOf('Waiting on the vendor')).toBeLessThan(
      text.indexOf('Resolved or closed in the last day'),
    );
    expect(text).not.toContain('698000106');

    // Show beside each row, Notify me under it, and the card's thread linked where a card was posted.
    expect(rows.every((b) => b.accessory?.action_id === 'case.show')).toBe(true);
    const notify = blocks.find((b) => b.block_id === 'queue_actions:cisco:698000101');
    expect(notify?.elements?.[0]).toMatchObject({
      action_id: CASE_ACTIONS.notify,
      value: caseRefValue('cisco', '698000101'),
    });
    expect(rows[1]!.text!.text).toContain(
      '<https://caseops-fake.slack.com/archives/CNOC0001/p1767225600000100|card>',
    );
    expect(rows[0]!.text!.text).not.toContain('|card>');

    // Time passes: the clocks move on, and a case closed more than a day ago leaves the queue.
    clock.skip(22 * HOUR);
    const later = (await openHome()).filter((b) => b.block_id?.startsWith('queue:'));
    expect(later.map((b) => b.block_id)).not.toContain('queue:cisco:698000105');
    expect(later[0]!.text!.text).toContain('Waiting on us for 31 h');
    expect(later.find((b) => b.block_id === 'queue:cisco:698000104')!.text!.text).toContain(
      'Cisco silent for 23 h',
    );
  });

  it('500 queued cases: the longest waiting rows, one "N more" line, well within 100 blocks', async () => {
    for (let i = 0; i < 500; i++) {
      const id = `69${String(i).padStart(7, '0')}`;
      await watched(id, [[(i % 50) + 1, { status: 'Customer Pending', state: 'waiting-on-customer' }]]);
    }
    const blocks = await openHome();
    const rows = blocks.filter((b) => b.block_id?.startsWith('queue:'));
    expect(rows).toHaveLength(HOME_QUEUE_ROWS);
    expect(rows[0]!.text!.text).toContain('Waiting on us for 2 d');
    expect(blockText(blocks)).toContain(
      `${500 - HOME_QUEUE_ROWS} more: ${500 - HOME_QUEUE_ROWS} waiting on us`,
    );
    // Room left for other sections below the queue and the recent cases.
    expect(blocks.length).toBeLessThanOrEqual(70);
  }, 60_000);

  it('500 queued cases and 30 subscriptions: the queue first, then Notifying you, within 100 blocks', async () => {
    for (let i = 0; i < 500; i++) {
      const id = `69${String(i).padStart(7, '0')}`;
      await watched(id, [[(i % 50) + 1, { status: 'Customer Pending', state: 'waiting-on-customer' }]]);
      if (i < 30) await h.store.addSubscription({ userId: ALICE, vendor: 'cisco', caseId: id });
    }
    const blocks = await openHome();
    expect(blocks.length).toBeLessThanOrEqual(100);
    const rows = blocks.filter((b) => b.block_id?.startsWith('queue:'));
    const text = blockText(blocks);
    // Every queued case is either a row or counted in the "N more" line; nothing is cut without a word.
    const more = Number(/(\d+) more: \d+ waiting on us/.exec(text)?.[1]);
    expect(rows.length + more).toBe(500);
    expect(rows.length).toBeGreaterThan(10);
    expect(text.indexOf('On-call queue')).toBeLessThan(text.indexOf('Notifying you'));
    expect(text.indexOf('Notifying you')).toBeLessThan(text.indexOf('Recently opened by you'));
  }, 60_000);
});
