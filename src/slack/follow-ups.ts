/**
 * Acks first. The work that follows an ack (a vendor lookup, rendering a card, the response_url reply)
 * shares the event loop with the acks of requests still arriving; Slack gives an ack 3 seconds, a
 * follow-up has minutes. So a follow-up runs in steps — whatever it does between two awaits of its
 * `nextTurn` — and a step starts only at a quiet moment of the Slack endpoint (request-activity.ts), on a
 * `setImmediate` turn (after the I/O already due, so a request that just came in is counted first), one
 * step per turn. A step that would start while requests keep coming is held back, but never past its
 * follow-up's bound: a card within seconds, a form sooner, since its trigger id expires 3 s after the
 * command. Turns are first come, first served within each kind; forms go first.
 */
import { RequestActivity } from './request-activity.js';

/** `form`: the follow-up opens a modal with the command's trigger id; `reply`: everything else. */
export type FollowUpKind = 'form' | 'reply';

/** How long a follow-up may be held back by requests arriving, from its start. */
export const HOLD_BOUND_MS: Readonly<Record<FollowUpKind, number>> = { form: 250, reply: 2000 };

/**
 * One person's replies under way at once: well under the vendor budget's queue per person (30), which
 * refuses the calls past it as throttled.
 */
export const REPLIES_PER_PERSON = 16;

export interface FollowUpTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): void;
  setImmediate(callback: () => void): void;
}

const realTimers: FollowUpTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    setTimeout(callback, ms);
  },
  setImmediate: (callback) => {
    setImmediate(callback);
  },
};

/** Hands the event loop back until this follow-up's next turn. */
export type NextTurn = () => Promise<void>;

/** A started follow-up waiting for its next step's turn. */
interface NextStep {
  resolve: () => void;
  deadline: number;
}

/** What a follow-up's job is handed: hands the event loop back until the job's next turn. */
export type FollowUpJob = (nextTurn: NextTurn) => Promise<unknown>;

/**
 * A follow-up before its first turn: one plain record (no promise, no closure of its own), since thousands
 * of them wait through a flood and each one outlives young-generation collections until it runs. `seatOf`
 * is the person whose seat it holds, once it has one.
 */
class Held {
  seatOf?: string;

  constructor(
    readonly job: FollowUpJob,
    readonly kind: FollowUpKind,
    readonly deadline: number,
    readonly onFailure: (error: unknown) => void,
  ) {}
}

/** What waits for a turn: a follow-up's first step or a later one. */
type Waiter = Held | NextStep;

/** First in, first out, without Array#shift's copying of a long queue. */
class Line<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * One person's seats. Its waiters' deadlines come in order (one bound for every reply), so one timer, for
 * the first waiter's deadline, serves the whole line: thousands of held replies hold no timer each.
 */
interface Seats {
  taken: number;
  waiting: Line<Held>;
  timerSet: boolean;
}

export interface FollowUpQueueOptions {
  /** The endpoint whose quiet moments follow-ups wait for; without one every turn is quiet. */
  activity?: RequestActivity;
  timers?: FollowUpTimers;
  holdBoundMs?: Readonly<Record<FollowUpKind, number>>;
  repliesPerPerson?: number;
}

export interface RunOptions {
  kind?: FollowUpKind;
  /** Who the reply is for (their user id). */
  person?: string;
}

export class FollowUpQueue {
  private readonly activity: RequestActivity;
  private readonly timers: FollowUpTimers;
  private readonly holdBoundMs: Readonly<Record<FollowUpKind, number>>;
  /** Forms first: their trigger ids expire. */
  private readonly lines: Record<FollowUpKind, Line<Waiter>> = { form: new Line(), reply: new Line() };
  private readonly repliesPerPerson: number;
  private readonly seats = new Map<string, Seats>();
  private readonly idleWaiters: Array<() => void> = [];
  private running = 0;
  private scheduled = false;

  constructor(options: FollowUpQueueOptions = {}) {
    this.timers = options.timers ?? realTimers;
    this.activity = options.activity ?? new RequestActivity(() => this.timers.now(), 0);
    this.holdBoundMs = options.holdBoundMs ?? HOLD_BOUND_MS;
    this.repliesPerPerson = options.repliesPerPerson ?? REPLIES_PER_PERSON;
  }

  /** Follow-ups started and not yet settled. */
  get pending(): number {
    return this.running;
  }

  /** Resolves once no follow-up is under way (shutdown waits for it). */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs `job` from its first turn on; settles as the job does. A `person`'s replies run at most
   * `repliesPerPerson` at once (in order), waiting for a seat no longer than their hold bound: held replies
   * released together must not queue more of one person's vendor calls than the vendor budget takes from
   * one person, and one person's backlog holds back nobody else. Forms never wait for replies.
   */
  run<T>(job: (nextTurn: NextTurn) => Promise<T>, options: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.start(async (nextTurn) => resolve(await job(nextTurn)), options, reject);
    });
  }

  /** As `run`, with no promise to hold while the follow-up waits: `onFailure` hears of a job that threw. */
  start(job: FollowUpJob, options: RunOptions, onFailure: (error: unknown) => void): void {
    const kind = options.kind ?? 'reply';
    const person = kind === 'reply' ? options.person : undefined;
    const held = new Held(job, kind, this.timers.now() + this.holdBoundMs[kind], onFailure);
    this.running += 1;
    if (person === undefined || this.takeSeat(person, held)) this.queueTurn(kind, held);
  }

  /** Never rejects: a failure goes to the follow-up's onFailure, before `idle` can resolve. */
  private async runFromFirstTurn(held: Held): Promise<void> {
    const { kind, deadline, seatOf } = held;
    try {
      await held.job(() => new Promise<void>((resolve) => this.queueTurn(kind, { resolve, deadline })));
    } catch (error) {
      held.onFailure(error);
    } finally {
      if (seatOf !== undefined) this.leaveSeat(seatOf);
      this.running -= 1;
      if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private queueTurn(kind: FollowUpKind, waiter: Waiter): void {
    this.lines[kind].push(waiter);
    this.schedule();
  }

  /**
   * True: `held` has a seat now. False: it waits in the person's line, and is queued for its turn as a seat
   * frees or at its deadline without one: a seat is only for replies caseops itself held and released
   * together. A person who really sends more than the vendor budget takes from one person meets the budget's
   * own refusal (busy, nothing sent), as without the hold.
   */
  private takeSeat(person: string, held: Held): boolean {
    let seats = this.seats.get(person);
    if (!seats) {
      seats = { taken: 0, waiting: new Line(), timerSet: false };
      this.seats.set(person, seats);
    }
    if (seats.taken < this.repliesPerPerson) {
      seats.taken += 1;
      held.seatOf = person;
      return true;
    }
    seats.waiting.push(held);
    this.watchSeatDeadlines(seats);
    return false;
  }

  /** Sends away, without a seat, every waiter whose deadline has passed; then waits for the next one's. */
  private watchSeatDeadlines(seats: Seats): void {
    if (seats.timerSet) return;
    const first = seats.waiting.peek();
    if (!first) return;
    seats.timerSet = true;
    this.timers.setTimeout(
      () => {
        seats.timerSet = false;
        const now = this.timers.now();
        for (let head = seats.waiting.peek(); head && head.deadline <= now; head = seats.waiting.peek()) {
          seats.waiting.take();
          this.queueTurn('reply', head);
        }
        this.watchSeatDeadlines(seats);
      },
      Math.max(0, first.deadline - this.timers.now()),
    );
  }

  private leaveSeat(person: string): void {
    const seats = this.seats.get(person);
    if (!seats) return;
    const next = seats.waiting.take();
    // The seat passes straight to the person's next reply.
    if (next) {
      next.seatOf = person;
      this.queueTurn('reply', next);
    } else if (--seats.taken === 0) this.seats.delete(person);
  }

  private schedule(): void {
    if (this.scheduled) return;
    const wait = this.msUntilNextTurn();
    if (wait === undefined) return;
    this.scheduled = true;
    // Even after a wait, the turn itself is a setImmediate: a request whose bytes came in meanwhile is read
    // (and counted) before the step starts.
    if (wait <= 0) this.timers.setImmediate(() => this.turn());
    else this.timers.setTimeout(() => this.timers.setImmediate(() => this.turn()), wait);
  }

  private turn(): void {
    this.scheduled = false;
    const quiet = this.activity.msUntilQuiet() <= 0;
    const now = this.timers.now();
    for (const line of [this.lines.form, this.lines.reply]) {
      const head = line.peek();
      if (head && (quiet || head.deadline <= now)) {
        const waiter = line.take();
        if (waiter instanceof Held) void this.runFromFirstTurn(waiter);
        else waiter?.resolve();
        break;
      }
    }
    this.schedule();
  }

  /** 0: a step may go now; undefined: nothing waits. */
  private msUntilNextTurn(): number | undefined {
    let wait: number | undefined;
    const now = this.timers.now();
    for (const line of [this.lines.form, this.lines.reply]) {
      const head = line.peek();
      if (head) wait = Math.min(wait ?? Number.POSITIVE_INFINITY, head.deadline - now);
    }
    if (wait === undefined || wait <= 0) return wait;
    return Math.min(wait, this.activity.msUntilQuiet());
  }
}
