/** Clocks for tests: time moves only when a test (or the code under test) says so. */
import type { Clock } from '../../../src/domain/ports/clock.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Time stands still until `advance`; sleepers wake in order as time passes their deadline. */
export class ManualClock implements Clock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];
  private current: number;
  private timers: Array<{ at: number; wake: () => void }> = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer = { at: this.current + Math.max(0, ms), wake: resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, letting each woken sleeper run before the next one wakes. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.wake();
    }
    this.current = target;
    await settle();
  }
}

/**
 * Real time plus every wait the code under test asked for: sleeps are recorded and skipped, so retries and
 * Retry-After cost no wall-clock time while the code still sees the time pass.
 */
export class SkippingClock implements Clock {
  readonly sleeps: number[] = [];
  private skipped = 0;

  now(): number {
    return Date.now() + this.skipped;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.skipped += Math.max(0, ms);
    return settle();
  }

  /** Lets time jump, as if the process had waited. */
  skip(ms: number): void {
    this.skipped += ms;
  }
}
