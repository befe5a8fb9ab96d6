/**
 * A per-vendor budget: at most `maxConcurrent` calls in flight and at most `ratePerSecond` calls started per
 * second (evenly spaced, so a burst never trips a per-second quota), plus a pause the vendor can impose
 * (throttling with Retry-After) that holds every caller, not just the one that was throttled.
 */
import { type Clock, systemClock } from './clock.js';

export interface RateBudgetOptions {
  ratePerSecond: number;
  maxConcurrent: number;
  clock?: Clock;
}

export class RateBudget {
  readonly ratePerSecond: number;
  readonly maxConcurrent: number;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private nextStartAt = 0;
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
    this.intervalMs = 1000 / options.ratePerSecond;
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

  private async acquireSlot(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.maxConcurrent) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
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
  }
}
