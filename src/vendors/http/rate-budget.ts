/**
 * A per-vendor budget: at most `maxConcurrent` calls in flight and at most `ratePerSecond` calls started per
 * second, evenly spaced with a little headroom, plus a pause the vendor can impose (throttling with
 * Retry-After) that holds every caller, not just the one that was throttled.
 *
 * Why headroom: starts spaced exactly 1/r apart arrive at the vendor with network jitter, so a vendor counting
 * r calls per rolling second sees r + 1 now and then and throttles (measured by `npm run bench`: 17–23
 * refusals per 10,000-case sweep at Cisco's 2/s). Spacing starts 5% wider keeps r + 1 consecutive arrivals
 * more than a second apart unless jitter exceeds 5% of the interval.
 *
 * Fair shares: calls waiting for a slot queue per requester (requester.ts), and a free slot goes to the next
 * requester in turn, so one person's 150 lookups delay another person's by one call each, not by 150. The
 * poller has a reserved share (`pollerShare` of the starts while both it and people wait), so people cannot
 * starve it, nor it them; either takes every start the other leaves. A person may have at most
 * `maxQueuedPerPerson` calls waiting, and a call with a deadline that would wait past it is refused at once
 * (BudgetRefusal) rather than left to time out in the queue.
 */
import { type Clock, systemClock } from '../../domain/ports/clock.js';
import { POLLER } from './requester.js';

export interface RateBudgetOptions {
  ratePerSecond: number;
  maxConcurrent: number;
  clock?: Clock;
  /** How many calls one person may have waiting at once; more are refused at once. Default 30. */
  maxQueuedPerPerson?: number;
  /** The poller's share of the starts while people wait too, between 0 and 1. Default 0.5. */
  pollerShare?: number;
}

/** How one call asks for the budget. */
export interface BudgetCall {
  signal?: AbortSignal;
  /** Who the call is for (a Slack user id, POLLER); undefined outside any scope. */
  requester?: string;
  /**
   * Epoch ms by which the call must be done (its timeout, counted from when it was queued): a call that would
   * start after it is refused at once, and one still waiting when it comes is refused then.
   */
  deadlineAt?: number;
}

/** Starts are spaced this much wider than 1/ratePerSecond (see above). */
export const RATE_HEADROOM = 1.05;

export const DEFAULT_MAX_QUEUED_PER_PERSON = 30;
export const DEFAULT_POLLER_SHARE = 0.5;

/**
 * The budget would not take a call: the person already has their share queued, or the call would wait longer
 * than its timeout allows. Nothing was sent. The HTTP client turns it into the vendor's VendorBusyError.
 */
export class BudgetRefusal extends Error {
  constructor(
    readonly reason: 'person-queue-full' | 'would-wait-too-long',
    /** About how long the call would have waited for its start, in ms. */
    readonly waitMs: number,
    /** How many of the requester's calls were waiting. */
    readonly queuedForRequester: number,
  ) {
    super(
      reason === 'person-queue-full'
        ? `the requester already has ${queuedForRequester} calls waiting`
        : `the call would wait about ${Math.round(waitMs)} ms`,
    );
    this.name = 'BudgetRefusal';
  }
}

interface Waiter {
  requester: string;
  grant: () => void;
}

/** The lane of calls made outside any requester scope: queued fairly, never capped. */
const NO_REQUESTER = '';
/** How much one finished call moves the average call duration. */
const DURATION_SMOOTHING = 0.2;

export class RateBudget {
  readonly ratePerSecond: number;
  readonly maxConcurrent: number;
  readonly maxQueuedPerPerson: number;
  readonly pollerShare: number;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private nextStartAt = 0;
  /** Whole calls the vendor allows in one rolling second, and when the latest that many started. */
  private readonly startsPerSecond: number;
  private readonly recentStarts: number[] = [];
  private pausedUntil = 0;
  private inFlight = 0;
  /** Waiting calls per requester, each lane in arrival order. */
  private readonly lanes = new Map<string, Waiter[]>();
  /** People (and the no-requester lane) with calls waiting, in the order their turns come. */
  private rotation: string[] = [];
  private waitingCount = 0;
  /** Stride scheduling between the poller and people: the class with the smaller pass goes next. */
  private pollerPass = 0;
  private peoplePass = 0;
  private averageDurationMs = 0;

  constructor(options: RateBudgetOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    if (!(options.maxConcurrent >= 1)) throw new RangeError('maxConcurrent must be at least 1');
    const share = options.pollerShare ?? DEFAULT_POLLER_SHARE;
    if (!(share > 0 && share < 1)) throw new RangeError('pollerShare must be between 0 and 1');
    const cap = options.maxQueuedPerPerson ?? DEFAULT_MAX_QUEUED_PER_PERSON;
    if (!(cap >= 1)) throw new RangeError('maxQueuedPerPerson must be at least 1');
    this.ratePerSecond = options.ratePerSecond;
    this.maxConcurrent = Math.floor(options.maxConcurrent);
    this.maxQueuedPerPerson = Math.floor(cap);
    this.pollerShare = share;
    this.clock = options.clock ?? systemClock;
    this.intervalMs = (1000 * RATE_HEADROOM) / options.ratePerSecond;
    this.startsPerSecond = Math.max(1, Math.floor(options.ratePerSecond));
  }

  /**
   * Runs `task` once a concurrency slot (given in turn between requesters) and a start time within the rate
   * are available. Rejects with BudgetRefusal, without running, when the call cannot be taken in time.
   */
  async run<T>(task: () => Promise<T>, call?: AbortSignal | BudgetCall): Promise<T> {
    const { signal, requester, deadlineAt } = call instanceof AbortSignal ? { signal: call } : (call ?? {});
    await this.acquireSlot(requester ?? NO_REQUESTER, signal, deadlineAt);
    try {
      await this.waitForStartTime(signal, deadlineAt);
      // Aborted in the same turn as its start time came: it still must not run.
      signal?.throwIfAborted();
      const began = this.clock.now();
      try {
        return await task();
      } finally {
        const took = this.clock.now() - began;
        this.averageDurationMs += DURATION_SMOOTHING * (took - this.averageDurationMs);
      }
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
    return { inFlight: this.inFlight, queued: this.waitingCount };
  }

  /**
   * About how long a call `requester` queued now would wait for its start: the starts already reserved, then
   * one start for each call served before it in turn (its own lane, one per other person for each of its own,
   * and the poller's share), each as far apart as the rate or the calls' average duration allows.
   */
  estimatedWaitMs(requester: string | undefined): number {
    const id = requester ?? NO_REQUESTER;
    const own = this.lanes.get(id)?.length ?? 0;
    const pollerWaiting = this.lanes.get(POLLER)?.length ?? 0;
    const share = this.pollerShare;
    let ahead: number;
    if (id === POLLER) {
      const peopleWaiting = this.waitingCount - pollerWaiting;
      ahead = own + Math.min(peopleWaiting, Math.ceil(((own + 1) * (1 - share)) / share));
    } else {
      let peopleAhead = own;
      for (const [other, lane] of this.lanes) {
        if (other !== id && other !== POLLER) peopleAhead += Math.min(lane.length, own + 1);
      }
      ahead = peopleAhead + Math.min(pollerWaiting, Math.ceil(((peopleAhead + 1) * share) / (1 - share)));
    }
    const slotFree = this.inFlight < this.maxConcurrent && this.waitingCount === 0;
    const now = this.clock.now();
    const reserved = Math.max(0, Math.max(this.nextStartAt, this.pausedUntil) - now);
    const spacing = Math.max(this.intervalMs, this.averageDurationMs / this.maxConcurrent);
    return reserved + (ahead + (slotFree ? 0 : 1)) * spacing;
  }

  /**
   * Waits for a concurrency slot, given in turn. An abort while waiting rejects at once with the signal's
   * reason and gives up the place in the queue, so the call never runs and never holds up the callers behind
   * it; so does the deadline passing.
   */
  private async acquireSlot(requester: string, signal?: AbortSignal, deadlineAt?: number): Promise<void> {
    signal?.throwIfAborted();
    if (this.inFlight < this.maxConcurrent && this.waitingCount === 0) {
      this.inFlight++;
      return;
    }
    const queued = this.lanes.get(requester)?.length ?? 0;
    const isPerson = requester !== POLLER && requester !== NO_REQUESTER;
    if (isPerson && queued >= this.maxQueuedPerPerson) {
      throw new BudgetRefusal('person-queue-full', this.estimatedWaitMs(requester), queued);
    }
    if (deadlineAt !== undefined) {
      const wait = this.estimatedWaitMs(requester);
      if (this.clock.now() + wait >= deadlineAt) throw new BudgetRefusal('would-wait-too-long', wait, queued);
    }
    await new Promise<void>((resolve, reject) => {
      const deadline = new AbortController();
      const waiter: Waiter = {
        requester,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          deadline.abort();
          resolve();
        },
      };
      const giveUp = (reason: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        deadline.abort();
        this.removeWaiter(waiter);
        reject(reason);
      };
      const onAbort = () => giveUp(signal?.reason);
      this.enqueue(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadlineAt !== undefined) {
        this.clock.sleep(deadlineAt - this.clock.now(), deadline.signal).then(
          () => giveUp(new BudgetRefusal('would-wait-too-long', this.estimatedWaitMs(requester), queued)),
          () => undefined,
        );
      }
    });
  }

  private enqueue(waiter: Waiter): void {
    const { requester } = waiter;
    let lane = this.lanes.get(requester);
    if (!lane) {
      lane = [];
      this.lanes.set(requester, lane);
      // A class that was idle starts level with the other: it gets its share from now, not a burst of
      // the turns it did not use.
      if (requester === POLLER) this.pollerPass = Math.max(this.pollerPass, this.peoplePass);
      else {
        if (this.rotation.length === 0) this.peoplePass = Math.max(this.peoplePass, this.pollerPass);
        this.rotation.push(requester);
      }
    }
    lane.push(waiter);
    this.waitingCount++;
  }

  private removeWaiter(waiter: Waiter): void {
    const lane = this.lanes.get(waiter.requester);
    const index = lane?.indexOf(waiter) ?? -1;
    if (!lane || index < 0) return;
    lane.splice(index, 1);
    this.waitingCount--;
    if (lane.length === 0) {
      this.lanes.delete(waiter.requester);
      this.rotation = this.rotation.filter((id) => id !== waiter.requester);
    }
  }

  /** The next waiter in turn: the poller or people by their shares, people round-robin among themselves. */
  private nextWaiter(): Waiter | undefined {
    const pollerLane = this.lanes.get(POLLER);
    const pollerWaits = pollerLane !== undefined && pollerLane.length > 0;
    const peopleWait = this.rotation.length > 0;
    if (!pollerWaits && !peopleWait) return undefined;
    if (pollerWaits && (!peopleWait || this.pollerPass <= this.peoplePass)) {
      this.pollerPass += 1 / this.pollerShare;
      const waiter = pollerLane.shift()!;
      if (pollerLane.length === 0) this.lanes.delete(POLLER);
      this.waitingCount--;
      return waiter;
    }
    this.peoplePass += 1 / (1 - this.pollerShare);
    const requester = this.rotation.shift()!;
    const lane = this.lanes.get(requester)!;
    const waiter = lane.shift()!;
    if (lane.length > 0) this.rotation.push(requester);
    else this.lanes.delete(requester);
    this.waitingCount--;
    return waiter;
  }

  private releaseSlot(): void {
    this.inFlight--;
    const next = this.nextWaiter();
    if (next) {
      this.inFlight++;
      next.grant();
    }
  }

  private async waitForStartTime(signal?: AbortSignal, deadlineAt?: number): Promise<void> {
    // Reserve the next start slot synchronously so concurrent callers are spaced, not stacked.
    const now = this.clock.now();
    const startAt = Math.max(now, this.nextStartAt, this.pausedUntil);
    if (deadlineAt !== undefined && startAt >= deadlineAt) {
      throw new BudgetRefusal('would-wait-too-long', startAt - now, 0);
    }
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
