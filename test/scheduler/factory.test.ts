/** The factory the composition root uses: configuration checks, and the pieces wired together. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStatusTracking, type StatusTracking } from '../../src/compose/status-tracking.js';
import { createUseCases } from '../../src/compose/use-cases.js';
import { ConfigError, loadEnv } from '../../src/config/env.js';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { scheduleSettingsFromEnv } from '../../src/scheduler/index.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { createNotifierWebClient } from '../../src/slack/notifier.js';
import { createStore, type Store } from '../../src/store/index.js';
import { VendorRegistry } from '../../src/vendors/registry.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';
import { type CiscoFixture, startCisco, temporaryDataDir } from './harness.js';

describe('scheduleSettingsFromEnv', () => {
  it('uses the documented defaults', () => {
    expect(scheduleSettingsFromEnv(loadEnv({}))).toEqual({
      pollCron: '*/5 * * * *',
      defaults: { cron: '0 9 * * 1-5', timezone: 'UTC' },
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      scheduleSettingsFromEnv({
        POLL_CRON: 'every 5 minutes',
        DIGEST_CRON: '0 9 * * 8',
        DIGEST_TZ: 'Europe/Berln',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^POLL_CRON: "every 5 minutes" is not a cron expression \(expected 5 or 6 fields but got 3\)/,
    );
    expect(problems[1]).toMatch(/^DIGEST_CRON: "8" is not valid .* day-of-week/);
    expect(problems[2]).toMatch(/^DIGEST_TZ: .*Did you mean Europe\/Berlin\?/);
  });
});

describe('createStatusTracking', () => {
  const CHANNEL = 'C0FACTORY';
  let slack: FakeSlackApi;
  let cisco: CiscoFixture;
  let dataDir: ReturnType<typeof temporaryDataDir>;
  let store: Store;
  let tracking: StatusTracking;
  let releases: number;

  beforeEach(async () => {
    slack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: 'noc', members: [] }] });
    await slack.start();
    cisco = await startCisco();
    dataDir = temporaryDataDir();
    store = await createStore({ dataDir: dataDir.path, logger: silentLogger });
    await store.migrate();
    tracking = createStatusTracking({
      env: loadEnv({ POLL_CRON: '0 0 0 1 1 *' }),
      store,
      vendors: new VendorRegistry([cisco.adapter]),
      slackClient: createNotifierWebClient({ token: 'xoxb-fake-bot-token', slackApiUrl: slack.apiUrl }),
      logger: silentLogger,
      clock: new SkippingClock(),
      memoryRelease: {
        available: true,
        runOnce: async () => {
          releases++;
        },
      },
    });
    releases = 0;
    await tracking.start();
  });

  afterEach(async () => {
    await tracking.stop();
    await store.close();
    await cisco.stop();
    await slack.stop();
    dataDir.remove();
  });

  it('polls on a fire, updates cards in place, and posts the digest on request', async () => {
    const id = cisco.simulator.seed({ status: 'New' });
    await store.addWatch({ vendor: 'cisco', caseId: id, channelId: CHANNEL, createdBy: 'U0ONCALL' });
    const client = createNotifierWebClient({ token: 'xoxb-fake-bot-token', slackApiUrl: slack.apiUrl });
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: `card for ${id}` });
    await store.rememberCard({ vendor: 'cisco', caseId: id, channelId: CHANNEL, ts: posted.ts! });
    const { cards } = createUseCases({
      store,
      vendors: new VendorRegistry([cisco.adapter]),
      logger: silentLogger,
    });
    tracking.enableCardUpdates(cards, async (current) => ({
      text: `${current.id} is now ${current.status}`,
      blocks: [],
    }));

    const now = Math.floor(Date.now() / 1000) * 1000;
    expect(await tracking.scheduler.fire(POLL_TASK, new Date(now))).toBe('ran');
    cisco.simulator.advance(id, 'Closed');
    expect(await tracking.scheduler.fire(POLL_TASK, new Date(now + 60_000))).toBe('ran');
    expect(tracking.scheduler.lastPollReport()?.changes).toHaveLength(1);
    // Each poll ends by handing back the memory it freed.
    expect(releases).toBe(2);
    expect(slack.messagesIn(CHANNEL).find((m) => m.ts === posted.ts)?.text).toBe(`${id} is now Closed`);

    expect(await tracking.scheduler.runDigestNow(CHANNEL)).toEqual({
      status: 'posted',
      messages: 1,
      changes: 2, // the status change and the note Cisco wrote about it
    });
    // The card, the reply in its thread telling of the change, then the digest.
    const posts = slack.okCallsTo('chat.postMessage');
    expect(posts).toHaveLength(3);
    expect(posts.filter((call) => call.args.thread_ts === posted.ts)).toHaveLength(1);
  });
});
