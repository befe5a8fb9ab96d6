/**
 * Status tracking and digests end to end on one instance: the real SQLite store, the Cisco simulator behind
 * the real adapter, the real tracker / digest runner / notifier, and a recording Slack. Time is a skipping
 * clock: every wait the code asks for (pacing, Retry-After) is recorded and passes at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleKey } from '../../src/domain/digest.js';
import { createLogger } from '../../src/logging/logger.js';
import { buildDigestMessages, DIGEST_LIMITS } from '../../src/slack/blocks/digest.js';
import { blockTextLength } from '../../src/slack/blocks/limits.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';
import {
  type CiscoFixture,
  casesListed,
  postText,
  RecordingSlack,
  startCisco,
  startInstance,
  type TestInstance,
  temporaryDataDir,
} from './harness.js';

const CHANNEL = 'C0WATCH01';

let cisco: CiscoFixture;
let dataDir: ReturnType<typeof temporaryDataDir>;
let clock: SkippingClock;
let slack: RecordingSlack;
let app: TestInstance;

async function open(options: { adapters?: CiscoFixture['adapter'][] } = {}): Promise<TestInstance> {
  return startInstance({
    dataDir: dataDir.path,
    clock,
    slack,
    adapters: options.adapters ?? [cisco.adapter],
  });
}

async function watch(instance: TestInstance, caseId: string, channel = CHANNEL): Promise<void> {
  await instance.store.addWatch({
    vendor: 'cisco',
    caseId,
    channelId: channel,
    createdBy: 'U0ONCALL',
    createdAt: new Date(clock.now() - 1000).toISOString(),
  });
}

beforeEach(async () => {
  cisco = await startCisco();
  dataDir = temporaryDataDir();
  clock = new SkippingClock();
  slack = new RecordingSlack(clock);
  app = await open();
});

afterEach(async () => {
  await app.close();
  await cisco.stop();
  dataDir.remove();
});

describe('status tracking and digests', () => {
  it('captures a change and posts it once', async () => {
    const id = cisco.simulator.seed({ status: 'Customer Updated', title: 'Core switch reload' });
    await watch(app, id);
    const first = await app.tracker.pollOnce();
    expect(first.changes).toEqual([]); // first sighting: a baseline, not a change

    cisco.simulator.advance(id, 'Closed');
    const second = await app.tracker.pollOnce();
    expect(second.changes).toMatchObject([
      { vendor: 'cisco', caseId: id, fromStatus: 'Customer Updated', toStatus: 'Closed' },
    ]);

    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'posted',
      messages: 1,
      changes: 2, // the status change and the note Cisco wrote about it
    });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'nothing-to-post',
    });
    await app.tracker.pollOnce(); // no further change
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'nothing-to-post',
    });

    const posts = slack.posts(CHANNEL);
    expect(posts).toHaveLength(1);
    expect(postText(posts[0]!)).toContain(id);
    expect(postText(posts[0]!)).toContain('Core switch reload');
    expect(postText(posts[0]!)).toContain('*Closed* (Customer Updated → Closed)');
  });

  it('a scheduled fire skips a channel that chose thread replies only, and digests it all once it switches back', async () => {
    const id = cisco.simulator.seed({ status: 'Customer Updated' });
    const threadOnly = 'C0THREADS';
    await watch(app, id);
    await watch(app, id, threadOnly);
    await app.tracker.pollOnce();
    const setMode = (mode: 'thread' | 'both') =>
      app.store.saveUpdateDelivery({
        channelId: threadOnly,
        mode,
        updatedBy: 'U0ONCALL',
        updatedAt: new Date(clock.now()).toISOString(),
      });
    await setMode('thread');
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    const skipped = await app.digests.runSchedule(scheduleKey(app.digests.defaults));
    expect(skipped.get(threadOnly)).toEqual({ status: 'disabled' });
    expect(skipped.get(CHANNEL)).toMatchObject({ status: 'posted', messages: 1 });
    expect(slack.posts(threadOnly)).toHaveLength(0);

    await setMode('both');
    const resumed = await app.digests.runSchedule(scheduleKey(app.digests.defaults));
    expect(resumed.get(threadOnly)).toMatchObject({ status: 'posted', messages: 1 });
    expect(resumed.get(CHANNEL)).toEqual({ status: 'nothing-to-post' });
    expect(postText(slack.posts(threadOnly)[0]!)).toContain('*Closed* (Customer Updated → Closed)');
  });

  it('posts nothing when nothing changed, unless the channel asked for empty digests', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'nothing-to-post',
    });
    expect(slack.posts(CHANNEL)).toHaveLength(0);

    await app.store.saveDigestSettings({
      channelId: CHANNEL,
      cron: '0 9 * * 1-5',
      schedule: 'default',
      timezone: 'UTC',
      enabled: true,
      postWhenEmpty: true,
      updatedBy: 'U0ONCALL',
      updatedAt: new Date(clock.now()).toISOString(),
    });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'posted-empty',
    });
    expect(postText(slack.posts(CHANNEL)[0]!)).toContain('No watched case changed status');
    expect((await app.store.getDigestSettings(CHANNEL))?.lastPostedAt).toBeDefined();
  });

  it('keeps intermediate changes: A→B→C between two digests is one entry showing the path', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Customer Pending');
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    const text = postText(slack.posts(CHANNEL)[0]!);
    expect(text).toContain('Open → Waiting on us → *Closed* (New → Customer Pending → Closed)');
    expect(text.split(`\`${id}\``)).toHaveLength(2); // one entry for the case
  });

  it('says whose move it is now, counted from the recorded change (not the vendor’s own times)', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Customer Pending');
    await app.tracker.pollOnce();
    clock.skip(5 * 3_600_000);

    await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    const text = postText(slack.posts(CHANNEL)[0]!);
    expect(text).toContain('Waiting on us for 5 h');
  });

  it('a refresh of one case serves every channel watching it', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id, 'C0NOC');
    await watch(app, id, 'C0NETENG');
    const before = cisco.simulator.requests.filter((r) =>
      r.path.startsWith('/case/v3/cases/case_ids/'),
    ).length;
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    const report = await app.tracker.pollOnce();
    const summaries = cisco.simulator.requests.filter((r) => r.path.startsWith('/case/v3/cases/case_ids/'));
    expect(report.watched).toBe(1);
    expect(summaries.length - before).toBe(2); // one summary call per poll, not one per channel

    await app.digests.runChannel('C0NOC', { trigger: 'scheduled' });
    await app.digests.runChannel('C0NETENG', { trigger: 'scheduled' });
    expect(slack.posts('C0NOC')).toHaveLength(1);
    expect(slack.posts('C0NETENG')).toHaveLength(1);
  });

  it('a Slack failure keeps the change for the next run, which posts it once', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    slack.failNext({ kind: 'error', error: 'internal_error' });
    const failed = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(failed).toMatchObject({ status: 'failed', messages: 0 });
    expect(slack.posts(CHANNEL)).toHaveLength(0);
    expect((await app.store.getDigestSettings(CHANNEL))?.cursor ?? 0).toBe(0);

    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
      changes: 2,
    });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'nothing-to-post',
    });
    expect(slack.posts(CHANNEL)).toHaveLength(1);
    expect(postText(slack.posts(CHANNEL)[0]!)).toContain('(New → Closed)');
  });

  it('a failure part-way through a split digest neither repeats posted changes nor loses the rest', async () => {
    const ids = cisco.simulator.seedMany(120, { status: 'New' });
    for (const id of ids) await watch(app, id);
    await app.tracker.pollOnce();
    for (const id of ids) cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    // The second message fails: the first one's changes are done, the rest wait.
    slack.failPostAttempt(2, { kind: 'error', error: 'internal_error' });
    const partial = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(partial).toMatchObject({ status: 'failed', messages: 1 });

    const rest = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(rest).toMatchObject({ status: 'posted' });

    const mentioned = slack.posts(CHANNEL).flatMap((post) => casesListed(post, ids));
    expect(mentioned.sort()).toEqual([...ids].sort()); // each case exactly once across all posts
  });

  it('a message Slack took whose answer was lost is found in the channel, not posted again', async () => {
    const ids = cisco.simulator.seedMany(120, { status: 'New' });
    for (const id of ids) await watch(app, id);
    await app.tracker.pollOnce();
    for (const id of ids) cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    // Slack posts the second message, but its answer never comes back: caseops cannot know it is there.
    slack.failPostAttempt(2, { kind: 'lost-answer' });
    const partial = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(partial).toMatchObject({ status: 'failed', messages: 1 });
    const postsBefore = slack.posts(CHANNEL).length;
    expect(postsBefore).toBe(2);

    const rest = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(rest).toMatchObject({ status: 'posted' });
    // The found message and whatever followed it: every change not in the first message.
    const inFirst = casesListed(slack.posts(CHANNEL)[0]!, ids).length;
    expect(rest).toMatchObject({ changes: 2 * (ids.length - inFirst) });
    // The channel was read back (with metadata) before anything else was posted.
    const calls = slack.attempts.map((a) => a.method);
    expect(calls.slice(postsBefore)[0]).toBe('conversations.history');
    expect(calls.filter((m) => m === 'conversations.history')).toHaveLength(1);

    const mentioned = slack.posts(CHANNEL).flatMap((post) => casesListed(post, ids));
    expect(mentioned.sort()).toEqual([...ids].sort()); // each case exactly once: 0 repeats
    // Every digest message carries its tag.
    for (const [i, post] of slack.posts(CHANNEL).entries()) {
      expect(post.metadata).toMatchObject({
        event_type: 'caseops_digest',
        event_payload: { channel: CHANNEL, part: expect.any(Number) },
      });
      if (i > 0)
        expect((post.metadata as { event_payload: { part: number } }).event_payload.part).toBeGreaterThan(0);
    }
    const events = await app.store.eventsForChannel(CHANNEL, 0, 1000);
    expect((await app.store.getDigestSettings(CHANNEL))?.cursor).toBe(events.at(-1)?.id);
    expect(await app.store.pendingDigestAttempts(CHANNEL)).toEqual([]);
  });

  it('a message whose answer was lost and that Slack does not have is posted by the next run', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();
    slack.failNext({ kind: 'error', error: 'internal_error' });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'failed',
    });
    // Slack's own "no" settles the attempt: nothing to look for.
    expect(await app.store.pendingDigestAttempts(CHANNEL)).toEqual([]);

    // A timeout leaves it pending; the channel has no such message, so the next run posts it.
    const [event] = await app.store.eventsForChannel(CHANNEL, 0);
    await app.store.beginDigestAttempt({
      channelId: CHANNEL,
      fromEventId: event!.id,
      toEventId: event!.id,
      part: 1,
    });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
      changes: 2,
    });
    expect(slack.posts(CHANNEL).flatMap((post) => casesListed(post, [id]))).toEqual([id]);
    expect(await app.store.pendingDigestAttempts(CHANNEL)).toEqual([]);
  });

  it('posts nothing while the channel cannot be read back for a pending message, then catches up once', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();
    slack.failPostAttempt(1, { kind: 'lost-answer' });
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'failed',
    });

    slack.failNext({ kind: 'error', error: 'missing_scope' }); // conversations.history refused
    const blocked = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });
    expect(blocked).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not check/) });
    expect(slack.posts(CHANNEL)).toHaveLength(1);

    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
    });
    expect(slack.posts(CHANNEL)).toHaveLength(1); // found, not posted again
    expect((await app.store.getDigestSettings(CHANNEL))?.cursor).toBeGreaterThan(0);
  });

  it('loses nothing when the process restarts between poll and digest', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.tracker.pollOnce();
    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();
    await app.close();

    app = await open(); // a new process on the same data
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
      changes: 2,
    });
    expect(postText(slack.posts(CHANNEL)[0]!)).toContain('(New → Closed)');
  });

  it('a shutdown between two digest messages stops there; the restarted process posts the rest', async () => {
    const ids = cisco.simulator.seedMany(200, { status: 'New' });
    for (const id of ids) await watch(app, id);
    await app.tracker.pollOnce();
    for (const id of ids) cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();

    // SIGTERM arrives right after Slack accepted the first message: the scheduler aborts the run's signal.
    const stop = new AbortController();
    slack.onAccepted = () => {
      slack.onAccepted = undefined;
      stop.abort(new Error('SIGTERM'));
    };
    const interrupted = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled', signal: stop.signal });
    expect(interrupted).toMatchObject({ status: 'abandoned', messages: 1 });
    expect(slack.posts(CHANNEL)).toHaveLength(1);
    await app.close();

    app = await open();
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
    });
    expect(slack.posts(CHANNEL).length).toBeGreaterThan(2);
    const listed = slack.posts(CHANNEL).flatMap((post) => casesListed(post, ids));
    expect(listed.sort()).toEqual([...ids].sort());
  });

  it('a vendor outage produces no false change; its cases are marked with the last good sync', async () => {
    const id = cisco.simulator.seed({ status: 'Customer Pending' });
    await watch(app, id);
    await app.tracker.pollOnce();
    const synced = await app.store.getSnapshot('cisco', id);

    cisco.simulator.injectFault({ fault: 'http-503', times: Number.POSITIVE_INFINITY });
    clock.skip(60_000);
    const during = await app.tracker.pollOnce();
    expect(during.changes).toEqual([]);
    expect(during.failed).toBe(1);
    const marked = await app.store.getSnapshot('cisco', id);
    expect(marked?.status).toBe('Customer Pending');
    expect(marked?.lastSyncedAt).toBe(synced?.lastSyncedAt);
    expect(marked?.lastError).toBeTruthy();

    cisco.simulator.clearFaults();
    clock.skip(60_000);
    const after = await app.tracker.pollOnce();
    expect(after.changes).toEqual([]); // same status as before the outage
    expect((await app.store.getSnapshot('cisco', id))?.lastError).toBeUndefined();
    expect(await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' })).toEqual({
      status: 'nothing-to-post',
    });

    // A change made during an outage is reported once the vendor answers again, as one change.
    cisco.simulator.injectFault({ fault: 'http-503', times: Number.POSITIVE_INFINITY });
    cisco.simulator.advance(id, 'Closed');
    expect((await app.tracker.pollOnce()).changes).toEqual([]);
    cisco.simulator.clearFaults();
    expect((await app.tracker.pollOnce()).changes).toMatchObject([
      { fromStatus: 'Customer Pending', toStatus: 'Closed' },
    ]);
  });

  it('leaves cases of an unconfigured vendor alone and says so once', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => lines.push(line) },
    });
    await app.close();
    app = await startInstance({ dataDir: dataDir.path, clock, slack, adapters: [], logger });
    await watch(app, '691234567');
    const first = await app.tracker.pollOnce();
    await app.tracker.pollOnce();
    expect(first).toMatchObject({ watched: 1, skipped: 1, failed: 0, changes: [] });
    expect(await app.store.getSnapshot('cisco', '691234567')).toBeUndefined();
    expect(lines.filter((line) => line.includes('Cisco is not configured'))).toHaveLength(1);
  });

  it('updates posted cards in place when their case changes', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await watch(app, id);
    await app.store.rememberCard({
      vendor: 'cisco',
      caseId: id,
      channelId: 'C0CARDS',
      ts: '1699999999.000100',
    });
    await app.tracker.pollOnce();
    expect(slack.accepted.filter((c) => c.method === 'chat.update')).toHaveLength(0);

    cisco.simulator.advance(id, 'Closed');
    await app.tracker.pollOnce();
    const updates = slack.accepted.filter((c) => c.method === 'chat.update');
    expect(updates).toMatchObject([{ channel: 'C0CARDS', ts: '1699999999.000100', text: `${id}: Closed` }]);
  });

  it('splits a 200-case digest to Slack limits, paces it at ≤ 1 message/s and honours a 429', async () => {
    const ids = cisco.simulator.seedMany(200, { status: 'New' });
    for (const id of ids) await watch(app, id);
    const before = cisco.simulator.requests.filter((r) =>
      r.path.startsWith('/case/v3/cases/case_ids/'),
    ).length;
    await app.tracker.pollOnce();
    const summaryCalls =
      cisco.simulator.requests.filter((r) => r.path.startsWith('/case/v3/cases/case_ids/')).length - before;
    expect(summaryCalls).toBe(Math.ceil(200 / 30)); // Cisco's cheapest call, 30 ids at a time

    for (const id of ids) cisco.simulator.advance(id, 'Closed');
    expect((await app.tracker.pollOnce()).changes).toHaveLength(200);

    // The first post goes through; the second meets a 429 asking for 7 seconds, then goes through.
    slack.failPostAttempt(2, { kind: 'rate-limited', retryAfterSeconds: 7 });
    const outcome = await app.digests.runChannel(CHANNEL, { trigger: 'scheduled' });

    const posts = slack.posts(CHANNEL);
    expect(outcome).toEqual({ status: 'posted', messages: posts.length, changes: 400 });
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(post.blocks.length).toBeLessThanOrEqual(50);
      const chars = (post.blocks as Parameters<typeof blockTextLength>[0][]).reduce(
        (sum, block) => sum + blockTextLength(block),
        0,
      );
      expect(chars).toBeLessThanOrEqual(DIGEST_LIMITS.maxTextChars);
    }
    // Every case exactly once.
    const mentioned = posts.flatMap((post) => casesListed(post, ids));
    expect(mentioned.sort()).toEqual([...ids].sort());

    // Paced: at least a second between two posts; after the 429, at least the 7 seconds Slack asked for.
    const attempts = slack.attempts.filter((a) => a.method === 'chat.postMessage');
    expect(attempts[1]?.outcome).toBe('429 retry-after 7');
    for (let i = 1; i < attempts.length; i++) {
      expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    }
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(7000);

    // The same split as the block builder makes for these events.
    const events = await app.store.eventsForChannel(CHANNEL, 0, 1000);
    expect(posts).toHaveLength(buildDigestMessages(events, { timezone: 'UTC' }).length);
  });
});
