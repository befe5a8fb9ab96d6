import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { scheduleKey } from '../../src/domain/digest.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type DigestPublisher, DigestRunner } from '../../src/scheduler/digest-runner.js';
import { SlackDigestPublisher, SlackNotifier } from '../../src/slack/notifier.js';
import { createStore, IN_MEMORY } from '../../src/store/index.js';
import { DEFAULT_DIGEST, RecordingSlack } from './harness.js';

describe('digest fan-out order', () => {
  it('starts the channels that watch the most cases first (their extra messages each wait out a second)', async () => {
    const store = await createStore({ dataDir: IN_MEMORY, logger: silentLogger });
    await store.migrate();
    try {
      const watching: Record<string, number> = { C0AAA: 1, C0BBB: 5, C0CCC: 2, C0DDD: 5, C0EEE: 1 };
      for (const [channelId, cases] of Object.entries(watching)) {
        for (let k = 0; k < cases; k++) {
          await store.addWatch({
            vendor: 'cisco',
            caseId: `69${channelId.slice(2)}${k}`,
            channelId,
            createdBy: 'U1',
          });
        }
      }
      const runner = new DigestRunner({
        store,
        publisher: new SlackDigestPublisher({
          notifier: new SlackNotifier({
            client: new RecordingSlack({ now: Date.now }),
            logger: silentLogger,
          }),
        }),
        defaults: DEFAULT_DIGEST,
        holder: 'test',
        logger: silentLogger,
      });
      expect(await runner.channelsOnSchedule(scheduleKey(DEFAULT_DIGEST))).toEqual([
        'C0BBB',
        'C0DDD',
        'C0CCC',
        'C0AAA',
        'C0EEE',
      ]);
    } finally {
      await store.close();
    }
  });

  it('hands each channel its first message before it begins reading the next channel', async () => {
    const store = await createStore({ dataDir: IN_MEMORY, logger: silentLogger });
    await store.migrate();
    try {
      const before = new Date(Date.now() - 60_000).toISOString();
      const channels = { C0BBB: 3, C0CCC: 2, C0DDD: 1 };
      for (const [channelId, cases] of Object.entries(channels)) {
        for (let k = 0; k < cases; k++) {
          const id = `69${channelId.slice(2)}${k}`;
          const seen: Case = {
            vendor: 'cisco',
            id,
            alternateIds: [],
            title: `Case ${id}`,
            status: 'Cisco Pending',
            state: 'waiting-on-vendor',
            notes: [],
            fields: [],
          };
          await store.addWatch({
            vendor: 'cisco',
            caseId: id,
            channelId,
            createdBy: 'U1',
            createdAt: before,
          });
          await store.recordObservation(seen, before);
          await store.recordObservation(
            { ...seen, status: 'Customer Pending', state: 'waiting-on-customer' },
            new Date().toISOString(),
          );
        }
      }
      // What the runner did, in order: each channel's read of its changes, each post handed to Slack.
      const steps: string[] = [];
      const rendering = new SlackDigestPublisher({
        notifier: new SlackNotifier({ client: new RecordingSlack({ now: Date.now }), logger: silentLogger }),
      });
      const publisher: DigestPublisher = {
        prepare: (events, context) => rendering.prepare(events, context),
        prepareEmpty: (context) => rendering.prepareEmpty(context),
        post: async (channelId) => {
          steps.push(`post ${channelId}`);
          // Slack answers a while later, as over the network.
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { ts: `${Date.now() / 1000}` };
        },
        findPosted: async () => [],
      };
      const runner = new DigestRunner({
        store: new Proxy(store, {
          get(target, property, receiver) {
            if (property !== 'eventsForChannel') return Reflect.get(target, property, receiver);
            return (channelId: string, afterId: number, limit?: number) => {
              steps.push(`read ${channelId}`);
              return target.eventsForChannel(channelId, afterId, limit);
            };
          },
        }),
        publisher,
        defaults: DEFAULT_DIGEST,
        holder: 'test',
        logger: silentLogger,
      });

      const outcomes = await runner.runSchedule(scheduleKey(DEFAULT_DIGEST));

      expect([...outcomes.values()].map((outcome) => outcome.status)).toEqual(['posted', 'posted', 'posted']);
      const firstSteps = steps.filter((step, index) => steps.indexOf(step) === index);
      expect(firstSteps.slice(0, 6)).toEqual([
        'read C0BBB',
        'post C0BBB',
        'read C0CCC',
        'post C0CCC',
        'read C0DDD',
        'post C0DDD',
      ]);
    } finally {
      await store.close();
    }
  });
});
