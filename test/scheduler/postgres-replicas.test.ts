/**
 * Two app instances (replicas) sharing one PostgreSQL: each scheduled fire runs once across both, so each
 * digest is posted exactly once, and the poller never runs on both at the same time. Skipped with a message
 * when PostgreSQL is unreachable; under CI=true it must run (test/support/postgres.ts fails the file).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleKey } from '../../src/domain/digest.js';
import { POLL_TASK } from '../../src/scheduler/scheduler.js';
import { createTestSchema, postgresForTests, type TestSchema } from '../support/postgres.js';
import { SkippingClock } from '../vendors/http/fake-clocks.js';
import {
  type CiscoFixture,
  casesListed,
  DEFAULT_DIGEST,
  RecordingSlack,
  startCisco,
  startInstance,
  type TestInstance,
} from './harness.js';

const postgres = await postgresForTests();
const CHANNEL = 'C0REPLICAS';

/** Fire times are counted from when the file started (claims refuse fires older than a week). */
const BASE = Math.floor(Date.now() / 1000) * 1000;
function slot(seconds: number): Date {
  return new Date(BASE + seconds * 1000);
}

describe.skipIf(!postgres.available)(
  postgres.available ? 'replicas on one PostgreSQL' : `replicas on one PostgreSQL — ${postgres.skipMessage}`,
  () => {
    let schema: TestSchema;
    let cisco: CiscoFixture;
    let clock: SkippingClock;
    let slack: RecordingSlack;
    let replicas: TestInstance[];

    async function startReplicas(options: { pollCron?: string; digestCron?: string } = {}) {
      const defaults = options.digestCron ? { cron: options.digestCron, timezone: 'UTC' } : DEFAULT_DIGEST;
      replicas = await Promise.all(
        ['replica-a', 'replica-b'].map((holder) =>
          startInstance({
            dataDir: 'unused-with-postgres',
            databaseUrl: schema.url,
            clock,
            slack,
            adapters: [cisco.newAdapter()],
            holder,
            defaults,
            pollCron: options.pollCron,
          }),
        ),
      );
      return replicas as [TestInstance, TestInstance];
    }

    /** Both replicas reach the same fire, as node-cron makes them do; returns who ran it. */
    async function fireOnBoth(task: string, at: Date): Promise<string[]> {
      const results = await Promise.all(replicas.map((replica) => replica.scheduler.fire(task, at)));
      return results;
    }

    beforeEach(async () => {
      schema = await createTestSchema(postgres.url);
      cisco = await startCisco();
      clock = new SkippingClock();
      slack = new RecordingSlack(clock);
      replicas = [];
    });

    afterEach(async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await cisco.stop();
      await schema.drop();
    });

    it('posts each scheduled digest exactly once across two instances', async () => {
      const [a] = await startReplicas();
      const digestTask = `digest ${scheduleKey(DEFAULT_DIGEST)}`;
      const id = cisco.simulator.seed({ status: 'New' });
      await a.store.addWatch({ vendor: 'cisco', caseId: id, channelId: CHANNEL, createdBy: 'U0ONCALL' });
      expect((await fireOnBoth(POLL_TASK, slot(0))).sort()).toEqual(['not-elected', 'ran']);

      const steps = ['Customer Pending', 'Cisco Pending', 'Close Pending', 'Closed'];
      for (const [round, status] of steps.entries()) {
        cisco.simulator.advance(id, status);
        expect((await fireOnBoth(POLL_TASK, slot(60 * (round + 1)))).sort()).toEqual(['not-elected', 'ran']);
        expect((await fireOnBoth(digestTask, slot(60 * (round + 1) + 30))).sort()).toEqual([
          'not-elected',
          'ran',
        ]);
        expect(slack.posts(CHANNEL)).toHaveLength(round + 1);
        expect(JSON.stringify(slack.posts(CHANNEL)[round]!.blocks)).toContain(`→ ${status})`);
      }
      // A replica arriving late at an old fire does not post it again.
      expect(await fireOnBoth(digestTask, slot(90))).toEqual(['not-elected', 'not-elected']);
      expect(slack.posts(CHANNEL)).toHaveLength(steps.length);
    });

    it('with real node-cron timing, a per-second digest posts a change once', async () => {
      // Every second on both replicas: the poll and the digest race on every fire.
      const [a, b] = await startReplicas({ pollCron: '* * * * * *', digestCron: '* * * * * *' });
      const id = cisco.simulator.seed({ status: 'New' });
      await a.store.addWatch({ vendor: 'cisco', caseId: id, channelId: CHANNEL, createdBy: 'U0ONCALL' });
      await waitUntil(async () => (await a.store.getSnapshot('cisco', id)) !== undefined);

      cisco.simulator.advance(id, 'Closed');
      await waitUntil(async () => slack.posts(CHANNEL).length > 0);
      // A few more fires on both replicas: nothing new to say, so nothing more is posted.
      const postsSoFar = slack.posts(CHANNEL).length;
      const settledAt = Date.now();
      await waitUntil(async () => Date.now() - settledAt > 2500);
      expect(slack.posts(CHANNEL)).toHaveLength(postsSoFar);
      expect(postsSoFar).toBe(1);
      expect(casesListed(slack.posts(CHANNEL)[0]!, [id])).toEqual([id]);
      const polled = [a, b].filter((replica) => replica.scheduler.lastPollReport() !== undefined);
      expect(polled.length).toBeGreaterThan(0);
    });

    it('never runs the poller on both instances at once', async () => {
      const [a, b] = await startReplicas();
      const id = cisco.simulator.seed({ status: 'New' });
      await a.store.addWatch({ vendor: 'cisco', caseId: id, channelId: CHANNEL, createdBy: 'U0ONCALL' });
      cisco.simulator.latencyMs = 1500; // a slow vendor: A's poll is still running when B wins the next fire

      const slowPoll = a.scheduler.fire(POLL_TASK, slot(0));
      await waitUntil(async () =>
        cisco.simulator.requests.some((r) => r.path.startsWith('/case/v3/cases/case_ids/')),
      );
      expect(await b.scheduler.fire(POLL_TASK, slot(1))).toBe('ran');
      expect(b.scheduler.lastPollReport()).toBeUndefined(); // won the fire, found the lease held, skipped
      expect(await slowPoll).toBe('ran');
      expect(a.scheduler.lastPollReport()?.refreshed).toBe(1);

      cisco.simulator.latencyMs = 0;
      expect(await b.scheduler.fire(POLL_TASK, slot(2))).toBe('ran');
      expect(b.scheduler.lastPollReport()?.refreshed).toBe(1);
    });
  },
);

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
