import { describe, expect, it } from 'vitest';
import { scheduleKey } from '../../src/domain/digest.js';
import { silentLogger } from '../../src/logging/logger.js';
import { DigestRunner } from '../../src/scheduler/digest-runner.js';
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
});
