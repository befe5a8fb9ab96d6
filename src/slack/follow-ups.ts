/**
 * The work that follows an ack (a vendor lookup, rendering a card, the response_url reply) shares the event
 * loop with the acks of requests still arriving. Slack gives an ack 3 seconds; a follow-up has minutes. So
 * follow-ups take turns: one step of one follow-up per turn of the event loop (a `setImmediate`), and every
 * I/O callback already due — a request that came in meanwhile, whose ack then goes out — runs before the next
 * step. A step is whatever a follow-up does between two awaits of `nextTurn()` (or of its own I/O).
 * Turns are handed out first come, first served, so a follow-up waits for at most the steps already queued.
 */

export class FollowUpQueue {
  private running = 0;
  private readonly starting: Array<() => void> = [];
  private readonly turns: Array<() => void> = [];
  private pumping = false;

  /**
   * `maxRunning` bounds follow-ups under way at once; by default there is no bound: a follow-up waiting on a
   * slow vendor's budget must not hold back one that opens a form (its trigger id expires 3 s after the
   * command).
   */
  constructor(private readonly maxRunning = Number.POSITIVE_INFINITY) {
    if (!(Number.isInteger(maxRunning) || maxRunning === Number.POSITIVE_INFINITY) || maxRunning < 1) {
      throw new Error(`FollowUpQueue: maxRunning must be a whole number of at least 1 (got ${maxRunning})`);
    }
  }

  /** Follow-ups started or waiting to start. */
  get pending(): number {
    return this.running + this.starting.length;
  }

  /** Resolves on a later turn of the event loop, one waiter per turn, after the I/O already due. */
  nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.turns.push(resolve);
      this.pump();
    });
  }

  /** Runs `job` on its turn (at most `maxRunning` at once, in arrival order); settles as the job does. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) await new Promise<void>((resolve) => this.starting.push(resolve));
    else this.running += 1;
    try {
      await this.nextTurn();
      return await job();
    } finally {
      const next = this.starting.shift();
      // The slot passes straight to the next follow-up waiting to start.
      if (next) next();
      else this.running -= 1;
    }
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.turns.shift()?.();
      if (this.turns.length > 0) this.pump();
    });
  }
}

/** One queue for the process: the event loop the acks and follow-ups share is the process's. */
export const followUps = new FollowUpQueue();

/** Hands the event loop back until this follow-up's next turn (see FollowUpQueue). */
export function nextTurn(): Promise<void> {
  return followUps.nextTurn();
}
