/**
 * A per-vendor budget: at most `maxConcurrent` calls in flight and at most `ratePerSecond` calls started per
 * second, evenly spaced with a little headroom, plus a pause the vendor can impose (throttling with
 * Retry-After) that holds every caller, not just the one that was throttled.
 *
 * Why headroom: starts spaced exactly 1/r apart arrive at the vendor with network jitter, so a vendor counting
 * r calls per rolling second sees r + 1 now and then and throttles (measured by `npm run bench`: 17–23
 * refusals per 10,000-case sweep at Cisco's 2/s). Spacing starts 5% wider keeps r + 1 consecutive arrivals
 * more than a second apart unless jitter exceeds 5% of the interval.
 */
import { type Clock, systemClock } from '../../domain/ports/clock.js';

export interface RateBudgetOptions {
  ratePerSecond: number;
  maxConcurrent: number;
  clock?: Clock;
}

/** Starts are spaced this much wider than 1/ratePerSecond (see above). */
export const RATE_HEADROOM = 1.05;

export class RateBudget {
  readonly ratePerSecond: number;
  readonly maxConcurrent: number;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private nextStartAt = 0;
  /** Whole calls the vendor allows in one rolling second, and when the latest that many started. */
  private readonly startsPerSecond: number;
  private readonly recentStarts: number[] = [];
  private pausedUntil = 0;
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  private queuedCount = 0;

  constructor(options: RateBudgetOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    if (!(options.maxConcurrent >= 1)) throw new RangeError('maxConcurrent must be at least 1');
    this.ratePerSecond = options.ratePerSecond;
    this.maxConcurrent = Math.floor(options.maxConcurrent);
    this.clock = options.clock ?? systemClock;
    this.intervalMs = (1000 * RATE_HEADROOM) / options.ratePerSecond;
    this.startsPerSecond = Math.max(1, Math.floor(options.ratePerSecond));
  }

  /** Runs `task` once a concurrency slot and a start time within the rate are available. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.queuedCount++;
    try {
      await this.acquireSlot(signal);
    } finally {
      this.queuedCount--;
    }
    try {
      await this.waitForStartTime(signal);
      // Aborted in the same turn as its start time came: it still must not run.
      signal?.throwIfAborted();
      return await task();
    } finally {
      this.releaseSlot();
    }
  }

  /** Holds every call until `untilMs` (epoch ms); a later pause extends, an earlier one is ignored. */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  pausedUntilMs(): number | undefined {
    return this.pausedUntil > this.clock.now() ? this.pausedUntil : undefined;
  }

  stats(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queuedCount };
  }

  /**
   * Waits for a concurrency slot. An abort while waiting rejects at once with the signal's reason and gives up
   * the place in the queue, so the call never runs and never holds up the callers behind it.
   */
  private async acquireSlot(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.maxConcurrent) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waiting = this.waiting.filter((waiter) => waiter !== wake);
          reject(signal?.reason);
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    signal?.throwIfAborted();
    this.inFlight++;
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private async waitForStartTime(signal?: AbortSignal): Promise<void> {
    // Reserve the next start slot synchronously so concurrent callers are spaced, not stacked.
    const now = this.clock.now();
    const startAt = Math.max(now, this.nextStartAt, this.pausedUntil);
    this.nextStartAt = startAt + this.intervalMs;
    if (startAt > now) await this.clock.sleep(startAt - now, signal);
    // A start that came late (a busy event loop wakes timers late) crowds the next ones: reserved on time,
    // they would put r + 1 calls in one of the vendor's rolling seconds. So the rolling second is also
    // checked against the starts as they happened: the r-th start back must be a second (with headroom) ago.
    for (;;) {
      const windowStart = this.recentStarts[this.recentStarts.length - this.startsPerSecond];
      const wait = windowStart === undefined ? 0 : windowStart + 1000 * RATE_HEADROOM - this.clock.now();
      if (wait < 1) break;
      await this.clock.sleep(wait, signal);
    }
    this.recentStarts.push(this.clock.now());
    if (this.recentStarts.length > this.startsPerSecond) this.recentStarts.shift();
  }
}
