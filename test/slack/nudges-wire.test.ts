/**
 * Nudges through the Web API client caseops builds, against the fake Slack Web API: posted in the card's
 * thread with their metadata, and a nudge whose answer was lost found again in the thread
 * (conversations.replies) instead of being posted twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { NudgeRunner } from '../../src/scheduler/nudge-runner.js';
import { createNotifierWebClient, type SlackChatClient, SlackNotifier } from '../../src/slack/notifier.js';
import { SlackNudgePublisher } from '../../src/slack/nudges.js';
import { createStore, type Store } from '../../src/store/index.js';
import { DEFAULT_DIGEST, temporaryDataDir } from '../scheduler/harness.js';

const CHANNEL = 'C0WIRE';
const HOUR = 3_600_000;

describe('nudges through the Web API client', () => {
  let slack: FakeSlackApi;
  let dataDir: ReturnType<typeof temporaryDataDir>;
  let store: Store;
  let skipped: number;
  let loseAnswers: boolean;
  let client: SlackChatClient;
  const clock = {
    now: () => Date.now() + skipped,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5))),
  };
  const runner = () =>
    new NudgeRunner({
      store,
      publisher: new SlackNudgePublisher(
        new SlackNotifier({ client, logger: silentLogger, clock, minIntervalMs: 0 }),
      ),
      digestDefaults: DEFAULT_DIGEST,
      logger: silentLogger,
      clock,
    });

  beforeEach(async () => {
    skipped = 0;
    loseAnswers = false;
    slack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: 'noc', members: ['U0ONCALL'] }] });
    await slack.start();
    dataDir = temporaryDataDir();
    store = await createStore({
      dataDir: dataDir.path,
      logger: silentLogger,
      now: () => new Date(clock.now()),
    });
    await store.migrate();
    const real = createNotifierWebClient({ token: 'xoxb-fake-bot-token', slackApiUrl: slack.apiUrl });
    client = {
      chat: {
        postMessage: async (args) => {
          const answer = await real.chat.postMessage(args);
          if (loseAnswers) throw new Error('socket hang up');
          return answer;
        },
        update: (args) => real.chat.update(args),
      },
      conversations: real.conversations,
    };
    const card = await real.chat.postMessage({ channel: CHANNEL, text: 'the case card' });
    await store.addWatch({ vendor: 'cisco', caseId: '698000001', channelId: CHANNEL, createdBy: 'U0ONCALL' });
    await store.recordObservation(
      {
        vendor: 'cisco',
        id: '698000001',
        alternateIds: [],
        title: 'Line card rebooting',
        status: 'Customer Pending',
        state: 'waiting-on-customer',
        notes: [],
        fields: [],
      },
      new Date(clock.now()).toISOString(),
    );
    await store.rememberCard({ vendor: 'cisco', caseId: '698000001', channelId: CHANNEL, ts: card.ts! });
    await store.saveNudgeSettings({
      channelId: CHANNEL,
      rules: { 'waiting-on-us': HOUR },
      updatedBy: 'U0ONCALL',
      updatedAt: new Date(clock.now()).toISOString(),
    });
  });

  afterEach(async () => {
    await store.close();
    dataDir.remove();
    await slack.stop();
  });

  const nudges = () =>
    slack.messages.filter(
      (m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'caseops_nudge',
    );

  it("posts in the card's thread, and a lost answer is found in the thread rather than posted again", async () => {
    const [card] = await store.cardsFor('cisco', '698000001');
    skipped = HOUR;
    loseAnswers = true;
    expect((await runner().runOnce()).posted).toBe(0);
    expect(nudges()).toHaveLength(1);
    expect(nudges()[0]!.threadTs).toBe(card!.ts);
    expect(await store.pendingNudges()).toHaveLength(1);

    loseAnswers = false;
    skipped += 2 * 60_000;
    const report = await runner().runOnce();
    expect(report).toMatchObject({ reconciled: 1, posted: 0 });
    expect(nudges()).toHaveLength(1);
    expect(await store.pendingNudges()).toHaveLength(0);

    skipped = 2 * HOUR;
    expect((await runner().runOnce()).posted).toBe(1);
    expect(nudges().map((m) => m.threadTs)).toEqual([card!.ts, card!.ts]);
  });
});
