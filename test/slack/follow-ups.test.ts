import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FollowUpQueue, type FollowUpTimers, HOLD_BOUND_MS } from '../../src/slack/follow-ups.js';
import { RequestActivity } from '../../src/slack/request-activity.js';

describe('FollowUpQueue', () => {
  it('runs every follow-up, in arrival order, and settles as each one does', async () => {
    const queue = new FollowUpQueue();
    const order: number[] = [];
    const jobs = [1, 2, 3, 4, 5].map((n) =>
      queue.run(async (nextTurn) => {
        order.push(n);
        await nextTurn();
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

  it('start: runs follow-ups in arrival order, tells onFailure of each one that threw and of no other', async () => {
    const queue = new FollowUpQueue();
    const order: number[] = [];
    const failures: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      queue.start(
        async (nextTurn) => {
          await nextTurn();
          order.push(n);
          if (n % 2 === 0) throw new Error(`reply ${n} failed`);
        },
        { person: 'U1' },
        (error) => failures.push((error as Error).message),
      );
    }
    expect(queue.pending).toBe(4);
    await queue.idle();
    expect(order).toEqual([1, 2, 3, 4]);
    expect(failures).toEqual(['reply 2 failed', 'reply 4 failed']);
    expect(queue.pending).toBe(0);
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
      await queue.run(async (nextTurn) => {
        for (let step = 0; step < 2000 && stepsWhenAnswered < 0; step++) {
          steps += 1;
          await nextTurn();
        }
      });
      await answered;
      expect(stepsWhenAnswered).toBeGreaterThan(0);
      expect(stepsWhenAnswered).toBeLessThan(2000);
    } finally {
      server.close();
    }
  });

  it('never holds a follow-up back behind others still waiting on a vendor', async () => {
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
});

describe('FollowUpQueue with requests arriving (acks first)', () => {
  const QUIET_MS = 5;

  afterEach(() => {
    vi.useRealTimers();
  });

  function setUp() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
    const timers: FollowUpTimers = {
      now: () => Date.now(),
      setTimeout: (callback, ms) => {
        setTimeout(callback, ms);
      },
      setImmediate: (callback) => {
        setImmediate(callback);
      },
    };
    const activity = new RequestActivity(() => Date.now(), QUIET_MS);
    const queue = new FollowUpQueue({ activity, timers, repliesPerPerson: 2 });
    /** Steps done so far, by follow-up. */
    const log: string[] = [];
    const followUp = (name: string, steps: number, kind?: 'form' | 'reply') =>
      queue.run(
        async (nextTurn) => {
          for (let step = 1; step <= steps; step++) {
            if (step > 1) await nextTurn();
            log.push(`${name}${step}`);
          }
        },
        { kind },
      );
    /** One request answered every `everyMs` for `forMs`, as a steady stream of commands would be. */
    const steadyRequests = async (forMs: number, everyMs = 1) => {
      for (let t = 0; t < forMs; t += everyMs) {
        activity.arrived();
        activity.answered();
        await vi.advanceTimersByTimeAsync(everyMs);
      }
    };
    /** Lets the queue take its turns, with no request coming in, until `done` settles. */
    const quietUntil = async <T>(done: Promise<T>): Promise<T> => {
      let settled = false;
      void done.finally(() => {
        settled = true;
      });
      for (let i = 0; i < 1000 && !settled; i++) await vi.advanceTimersByTimeAsync(QUIET_MS);
      return done;
    };
    return { activity, queue, log, followUp, steadyRequests, quietUntil };
  }

  it('holds a follow-up while a request is being answered and runs it once the endpoint is quiet', async () => {
    const { activity, log, followUp } = setUp();
    activity.arrived();
    const done = followUp('show', 2);
    await vi.advanceTimersByTimeAsync(500);
    expect(log).toEqual([]);

    activity.answered();
    await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    await done;
    expect(log).toEqual(['show1', 'show2']);
  });

  it('holds each step, not only the first: a step due while requests arrive waits for the next quiet moment', async () => {
    const { activity, queue, log, steadyRequests } = setUp();
    const done = queue.run(async (nextTurn) => {
      log.push('lookup');
      // A request comes in while the vendor is being asked.
      activity.arrived();
      await nextTurn();
      log.push('card');
      await nextTurn();
      log.push('reply');
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual(['lookup']);
    activity.answered();
    await steadyRequests(50);
    expect(log).toEqual(['lookup']);

    await vi.advanceTimersByTimeAsync(2 * QUIET_MS);
    await done;
    expect(log).toEqual(['lookup', 'card', 'reply']);
  });

  it('releases a follow-up at its bound even while requests never stop, and every one of its steps', async () => {
    const { log, followUp, steadyRequests } = setUp();
    const first = followUp('a', 3);
    const second = followUp('b', 3);
    await steadyRequests(HOLD_BOUND_MS.reply - 10);
    expect(log).toEqual([]);

    await steadyRequests(50);
    expect(log).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    await Promise.all([first, second]);
  });

  it('holds a follow-up that opens a form for a much shorter time, and lets it go before replies', async () => {
    const { activity, log, followUp, steadyRequests, quietUntil } = setUp();
    const reply = followUp('card', 1);
    const form = followUp('form', 1, 'form');
    await steadyRequests(HOLD_BOUND_MS.form - 10);
    expect(log).toEqual([]);
    await steadyRequests(20);
    await form;
    expect(log).toEqual(['form1']);

    await steadyRequests(100);
    expect(log).toEqual(['form1']);
    const later = followUp('later-form', 1, 'form');
    activity.arrived();
    activity.answered();
    await vi.advanceTimersByTimeAsync(QUIET_MS + 1);
    await quietUntil(Promise.all([reply, later]));
    expect(log).toEqual(['form1', 'later-form1', 'card1']);
  });

  it('settles every follow-up exactly once, failing ones included, however long requests kept it waiting', async () => {
    const { queue, steadyRequests, quietUntil } = setUp();
    let ran = 0;
    const jobs = Array.from({ length: 300 }, (_, n) =>
      queue.run(async (nextTurn) => {
        await nextTurn();
        ran += 1;
        if (n % 100 === 0) throw new Error(`follow-up ${n} failed`);
        return n;
      }),
    );
    const outcomes = Promise.allSettled(jobs);
    await steadyRequests(HOLD_BOUND_MS.reply - 10);
    expect(ran).toBe(0);
    // 600 turns, all taken while requests keep coming.
    await steadyRequests(1000);
    expect(ran).toBe(300);
    const settled = await quietUntil(outcomes);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(3);
    expect(queue.pending).toBe(0);
  });

  it("runs at most repliesPerPerson of one person's replies at once, in order, without holding back anyone else or a form", async () => {
    const queue = new FollowUpQueue({ repliesPerPerson: 2 });
    const { lookup, started, releaseVendor } = vendorBoundReplies(queue);
    const alice = ['a1', 'a2', 'a3', 'a4'].map((name) => lookup(name, 'UALICE'));
    await expect(queue.run(async () => 'bob answered', { person: 'UBOB' })).resolves.toBe('bob answered');
    await expect(queue.run(async () => 'form opened', { kind: 'form', person: 'UALICE' })).resolves.toBe(
      'form opened',
    );
    expect(started).toEqual(['a1', 'a2']);
    expect(queue.pending).toBe(4);

    releaseVendor();
    await Promise.all(alice);
    expect(started).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(queue.pending).toBe(0);
  });
  it("waits for a seat among one person's replies no longer than its hold bound, then runs without one", async () => {
    const { queue, quietUntil } = setUp();
    const { lookup, started, releaseVendor } = vendorBoundReplies(queue);
    const alice = ['a1', 'a2', 'a3'].map((name) => lookup(name));
    await vi.advanceTimersByTimeAsync(HOLD_BOUND_MS.reply - 10);
    expect(started).toEqual(['a1', 'a2']);

    // A real flood from one person goes on to the vendor budget, which refuses what it cannot queue.
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual(['a1', 'a2', 'a3']);
    releaseVendor();
    await quietUntil(Promise.all(alice));
    expect(queue.pending).toBe(0);
  });

  it("sends each of a person's waiting replies away at its own deadline, with one timer for the whole line", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
    let timersSet = 0;
    const timers: FollowUpTimers = {
      now: () => Date.now(),
      setTimeout: (callback, ms) => {
        timersSet++;
        setTimeout(callback, ms);
      },
      setImmediate: (callback) => {
        setImmediate(callback);
      },
    };
    const queue = new FollowUpQueue({ timers, repliesPerPerson: 1 });
    const { lookup, started, releaseVendor } = vendorBoundReplies(queue);
    const first = [lookup('a1'), lookup('a2'), lookup('a3')];
    await vi.advanceTimersByTimeAsync(1000);
    const later = [lookup('a4'), lookup('a5')];
    expect(timersSet).toBe(1);

    await vi.advanceTimersByTimeAsync(HOLD_BOUND_MS.reply - 1000 - 10);
    expect(started).toEqual(['a1']);
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual(['a1', 'a2', 'a3']);
    await vi.advanceTimersByTimeAsync(1000 - 20);
    expect(started).toEqual(['a1', 'a2', 'a3']);
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);

    releaseVendor();
    await vi.runAllTimersAsync();
    await Promise.all([...first, ...later]);
    expect(queue.pending).toBe(0);
  });
});

/** Replies that each wait for one vendor answer, given to all at once; `started` names them as they begin. */
function vendorBoundReplies(queue: FollowUpQueue) {
  let answer!: () => void;
  const vendorAnswers = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const started: string[] = [];
  const lookup = (name: string, person = 'UALICE') =>
    queue.run(
      async () => {
        started.push(name);
        await vendorAnswers;
      },
      { person },
    );
  return { lookup, started, releaseVendor: () => answer() };
}
