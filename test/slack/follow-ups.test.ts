import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { FollowUpQueue } from '../../src/slack/follow-ups.js';

describe('FollowUpQueue', () => {
  it('runs every follow-up, in arrival order, and settles as each one does', async () => {
    const queue = new FollowUpQueue(2);
    const order: number[] = [];
    const jobs = [1, 2, 3, 4, 5].map((n) =>
      queue.run(async () => {
        order.push(n);
        await queue.nextTurn();
        if (n === 3) throw new Error('lookup failed');
        return n * 10;
      }),
    );
    const settled = await Promise.allSettled(jobs);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : s.reason.message))).toEqual([
      10,
      20,
      'lookup failed',
      40,
      50,
    ]);
    expect(queue.pending).toBe(0);
  });

  it('never runs more than maxRunning follow-ups at once', async () => {
    const queue = new FollowUpQueue(3);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        queue.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          await queue.nextTurn();
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('lets I/O that comes due (a new request) go between the steps of a follow-up', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const queue = new FollowUpQueue();
      let steps = 0;
      let stepsWhenAnswered = -1;
      const answered = request(`http://127.0.0.1:${port}/`).then(async (answer) => {
        await answer.body.dump();
        stepsWhenAnswered = steps;
      });
      // A long follow-up: without turns its steps would all run before any socket is read.
      await queue.run(async () => {
        for (let step = 0; step < 2000 && stepsWhenAnswered < 0; step++) {
          steps += 1;
          await queue.nextTurn();
        }
      });
      await answered;
      expect(stepsWhenAnswered).toBeGreaterThan(0);
      expect(stepsWhenAnswered).toBeLessThan(2000);
    } finally {
      server.close();
    }
  });

  it('by default never holds a follow-up back behind others still waiting on a vendor', async () => {
    const queue = new FollowUpQueue();
    let releaseVendor!: () => void;
    const vendorAnswers = new Promise<void>((resolve) => {
      releaseVendor = resolve;
    });
    const slow = Array.from({ length: 200 }, () => queue.run(() => vendorAnswers));
    // A form opened with the trigger id must not wait for those lookups.
    await expect(queue.run(async () => 'form opened')).resolves.toBe('form opened');
    releaseVendor();
    await Promise.all(slow);
  });

  it('refuses a limit below one', () => {
    expect(() => new FollowUpQueue(0)).toThrow(/at least 1/);
  });
});
