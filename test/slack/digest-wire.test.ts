/**
 * Digests over the wire: the Web API client caseops builds for the notifier, against the fake Slack Web API
 * (which checks Slack's limits on its own, independently of our limits module, and answers 429 with
 * Retry-After as Slack does).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { silentLogger } from '../../src/logging/logger.js';
import { FakeSlackApi } from '../../src/playground/fake-slack-api.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
import {
  createNotifierWebClient,
  type SlackChatClient,
  SlackDigestPublisher,
  SlackNotifier,
} from '../../src/slack/notifier.js';
import { createStore, type Store } from '../../src/store/index.js';
import { DEFAULT_DIGEST, temporaryDataDir } from '../scheduler/harness.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';

const CHANNEL = 'C0WIRE';

function ciscoCase(id: string, status: string): Case {
  return {
    vendor: 'cisco',
    id,
    alternateIds: [],
    title: `Line card ${id} rebooting under load — RMA may be needed`,
    status,
    state: status === 'Closed' ? 'closed' : 'open',
    url: `https://mycase.cloudapps.cisco.com/case/${id}`,
    notes: [],
    fields: [],
  };
}

describe('digests through the Web API client', () => {
  let slack: FakeSlackApi;
  let dataDir: ReturnType<typeof temporaryDataDir>;
  let store: Store;
  let clock: SkippingClock;
  let runner: DigestRunner;
  let postsAt: number[];

  beforeEach(async () => {
    slack = new FakeSlackApi({ channels: [{ id: CHANNEL, name: 'noc', members: ['U0ONCALL'] }] });
    await slack.start();
    dataDir = temporaryDataDir();
    clock = new SkippingClock();
    store = await createStore({
      dataDir: dataDir.path,
      logger: silentLogger,
      now: () => new Date(clock.now()),
    });
    await store.migrate();
    const client = createNotifierWebClient({ token: 'xoxb-fake-bot-token', slackApiUrl: slack.apiUrl });
    // The real client, with each post attempt stamped on the test's clock (the fake Slack stamps wall time).
    postsAt = [];
    const stamped: SlackChatClient = {
      chat: {
        postMessage: (args) => {
          postsAt.push(clock.now());
          return client.chat.postMessage(args);
        },
        update: (args) => client.chat.update(args),
      },
      conversations: client.conversations,
    };
    const notifier = new SlackNotifier({ client: stamped, logger: silentLogger, clock });
    runner = new DigestRunner({
      store,
      publisher: new SlackDigestPublisher({ notifier }),
      defaults: DEFAULT_DIGEST,
      holder: 'wire-test',
      logger: silentLogger,
      clock,
    });
  });

  afterEach(async () => {
    await store.close();
    await slack.stop();
    dataDir.remove();
  });

  it('a 200-case digest passes Slack’s own checks, waits out a 429 and posts every change once', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => String(691_000_000 + i));
    const start = new Date(clock.now()).toISOString();
    for (const id of ids) {
      await store.addWatch({
        vendor: 'cisco',
        caseId: id,
        channelId: CHANNEL,
        createdBy: 'U0ONCALL',
        createdAt: start,
      });
      await store.recordObservation(ciscoCase(id, 'Customer Pending'), start);
    }
    const later = new Date(clock.now() + 60_000).toISOString();
    for (const id of ids) await store.recordObservation(ciscoCase(id, 'Closed'), later);

    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 3 });
    const outcome = await runner.runChannel(CHANNEL, { trigger: 'scheduled' });

    const calls = slack.callsTo('chat.postMessage');
    expect(calls[0]?.outcome).toBe('http_429');
    expect(calls.slice(1).every((call) => call.outcome === 'ok')).toBe(true);
    const posted = slack.messagesIn(CHANNEL);
    expect(outcome).toEqual({ status: 'posted', messages: posted.length, changes: 200 });
    expect(posted.length).toBeGreaterThan(1);
    // The Retry-After waited out before sending again, and never more than one post a second.
    expect(postsAt[1]! - postsAt[0]!).toBeGreaterThanOrEqual(3000);
    for (let i = 1; i < postsAt.length; i++)
      expect(postsAt[i]! - postsAt[i - 1]!).toBeGreaterThanOrEqual(1000);

    const listed = posted.flatMap((message) =>
      ids.filter((id) => JSON.stringify(message.blocks).includes(`|${id}>`)),
    );
    expect(listed.sort()).toEqual(ids);
    expect((await store.getDigestSettings(CHANNEL))?.cursor).toBe(
      Math.max(...(await store.eventsForChannel(CHANNEL, 0, 1000)).map((e) => e.id)),
    );
  });

  it('a refused post leaves the cursor where it was', async () => {
    const start = new Date(clock.now()).toISOString();
    await store.addWatch({
      vendor: 'cisco',
      caseId: '691999999',
      channelId: CHANNEL,
      createdBy: 'U0ONCALL',
      createdAt: start,
    });
    await store.recordObservation(ciscoCase('691999999', 'Customer Pending'), start);
    await store.recordObservation(
      ciscoCase('691999999', 'Closed'),
      new Date(clock.now() + 1000).toISOString(),
    );

    slack.failNext('chat.postMessage', { kind: 'http', status: 500 });
    expect(await runner.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({ status: 'failed' });
    expect(slack.messagesIn(CHANNEL)).toHaveLength(0);
    expect((await store.getDigestSettings(CHANNEL))?.cursor ?? 0).toBe(0);

    expect(await runner.runChannel(CHANNEL, { trigger: 'scheduled' })).toMatchObject({
      status: 'posted',
      changes: 1,
    });
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
  });
});
