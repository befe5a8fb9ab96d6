import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../../src/vendors/http/rate-budget.js';
import { ManualClock } from './fake-clocks.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('RateBudget', () => {
  it('spaces call starts evenly, just under the configured rate, even when they arrive together', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const budget = new RateBudget({ ratePerSecond: 10, maxConcurrent: 10, clock });
    const startedAt: number[] = [];
    const runs = [1, 2, 3].map(() => budget.run(async () => startedAt.push(clock.now() - t0)));

    await clock.advance(0);
    expect(startedAt).toEqual([0]);
    await clock.advance(104);
    expect(startedAt).toEqual([0]);
    await clock.advance(1);
    expect(startedAt).toEqual([0, 105]);
    await clock.advance(105);
    expect(startedAt).toEqual([0, 105, 210]);
    await Promise.all(runs);
  });

  it('keeps r + 1 starts a second apart as they happened, when a busy event loop woke one of them late', async () => {
    // The first sleep (the second call's wait) wakes 80 ms late, as timers do on a loaded machine.
    class LateClock extends ManualClock {
      override sleep(ms: number, signal?: AbortSignal): Promise<void> {
        return super.sleep(this.sleeps.length === 0 ? ms + 80 : ms, signal);
      }
    }
    const clock = new LateClock();
    const t0 = clock.now();
    const budget = new RateBudget({ ratePerSecond: 2, maxConcurrent: 4, clock });
    const startedAt: number[] = [];
    const runs = [1, 2, 3, 4].map(() => budget.run(async () => startedAt.push(clock.now() - t0)));
    await clock.advance(3000);
    await Promise.all(runs);
    expect(startedAt[1]).toBe(605);
    // Reserved on time the fourth would start at 1575: three starts within 605-1575, refused by Cisco.
    for (let i = 2; i < startedAt.length; i++) {
      expect((startedAt[i] ?? 0) - (startedAt[i - 2] ?? 0)).toBeGreaterThanOrEqual(1050);
    }
  });

  it('keeps r + 1 consecutive starts more than a second apart, so jitter cannot trip a rolling-second quota', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const budget = new RateBudget({ ratePerSecond: 2, maxConcurrent: 2, clock });
    const startedAt: number[] = [];
    const runs = [1, 2, 3, 4].map(() => budget.run(async () => startedAt.push(clock.now() - t0)));
    await clock.advance(2000);
    await Promise.all(runs);
    // Cisco's case: 2 calls a second. Any three consecutive starts span 1050 ms: ±25 ms of jitter still fits.
    for (let i = 2; i < startedAt.length; i++) {
      expect(startedAt[i]! - startedAt[i - 2]!).toBeGreaterThanOrEqual(1050);
    }
  });

  it('never has more than maxConcurrent calls in flight, and starts a queued one when a slot frees', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent: 2, clock });
    const gates = [deferred(), deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      budget.run(async () => {
        started.push(index);
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return index;
      }),
    );

    await clock.advance(50);
    expect(started).toEqual([0, 1]);
    expect(budget.stats()).toEqual({ inFlight: 2, queued: 2 });

    gates[0]!.resolve();
    await clock.advance(50);
    expect(started).toEqual([0, 1, 2]);
    expect(budget.stats()).toEqual({ inFlight: 2, queued: 1 });

    gates[1]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await clock.advance(50);
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(budget.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('holds every caller during a pause the vendor imposed; an earlier pause does not shorten it', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent: 4, clock });
    budget.pause(t0 + 5_000);
    budget.pause(t0 + 1_000);
    expect(budget.pausedUntilMs()).toBe(t0 + 5_000);

    let startedAt: number | undefined;
    const run = budget.run(async () => {
      startedAt = clock.now() - t0;
    });
    await clock.advance(4_999);
    expect(startedAt).toBeUndefined();
    await clock.advance(1);
    await run;
    expect(startedAt).toBe(5_000);
    expect(budget.pausedUntilMs()).toBeUndefined();
  });

  it('frees the slot when a task fails', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent: 1, clock });
    const failing = expect(
      budget.run(async () => {
        throw new Error('vendor said no');
      }),
    ).rejects.toThrow('vendor said no');
    await clock.advance(10);
    await failing;
    const next = budget.run(async () => 'ran');
    await clock.advance(10);
    await expect(next).resolves.toBe('ran');
  });

  it('refuses a budget that could never run anything', () => {
    expect(() => new RateBudget({ ratePerSecond: 0, maxConcurrent: 1 })).toThrow(RangeError);
    expect(() => new RateBudget({ ratePerSecond: 1, maxConcurrent: 0 })).toThrow(RangeError);
  });
});

describe('RateBudget and aborts', () => {
  it('rejects at once, without running, a call aborted while it waits for a concurrency slot', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent: 1, clock });
    const gate = deferred();
    const first = budget.run(() => gate.promise);
    await clock.advance(0);

    const controller = new AbortController();
    let ran = false;
    const waiting = budget.run(async () => {
      ran = true;
    }, controller.signal);
    const third: string[] = [];
    const behind = budget.run(async () => {
      third.push('ran');
    });
    await clock.advance(0);
    expect(budget.stats()).toEqual({ inFlight: 1, queued: 2 });

    const reason = new DOMException('the person closed the form', 'AbortError');
    controller.abort(reason);
    // At once: the slot holder is still running, and no time has passed.
    await expect(waiting).rejects.toBe(reason);
    expect(ran).toBe(false);
    expect(budget.stats()).toEqual({ inFlight: 1, queued: 1 });

    // The call behind it is not held up by the one that left.
    gate.resolve();
    await first;
    await clock.advance(10);
    await behind;
    expect(third).toEqual(['ran']);
    expect(ran).toBe(false);
    expect(budget.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('rejects at once a call aborted while it waits for its start time, and frees its slot', async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ ratePerSecond: 1, maxConcurrent: 2, clock });
    await budget.run(async () => undefined);
    const controller = new AbortController();
    let ran = false;
    const spaced = budget.run(async () => {
      ran = true;
    }, controller.signal);
    await clock.advance(100);
    expect(budget.stats().inFlight).toBe(1);
    controller.abort();
    await expect(spaced).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
    expect(budget.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('never runs a call whose signal is already aborted', async () => {
    const budget = new RateBudget({ ratePerSecond: 1000, maxConcurrent: 1, clock: new ManualClock() });
    let ran = false;
    await expect(
      budget.run(async () => {
        ran = true;
      }, AbortSignal.abort()),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
  });
});
