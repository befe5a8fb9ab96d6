/**
 * The "time passes" side of caseops: node-cron tasks for the poller (POLL_CRON, read in UTC so every
 * replica computes the same fire times) and for digests (one task per schedule and time zone in use, in
 * that zone), each fire claimed in the database so it runs once across replicas (node-cron's run
 * coordinator hook, see ./run-coordinator.ts).
 *
 * - The poller also holds a lease while it runs (renewed on a heartbeat, see ./held-lease.ts), so a slow
 *   poll is never overlapped by the next fire on another replica, and a dead poller's lease lapses within
 *   LEASE_TTL_MS. Its observations carry the lease as a fencing token: once taken over, they are refused.
 * - Digest tasks follow the channels' settings: re-synced when a setting changes here, and every
 *   `resyncCron` from the database for changes made on other replicas.
 * - `stop()` takes no new runs, gives in-flight runs `stopGraceMs` to finish, then asks them to stop at
 *   their next safe point (between vendor batches, between digest messages) and waits `stopAbandonMs`.
 *   Whatever was not done is done by the next fire after a restart: poll state and digest cursors are in
 *   the store.
 */
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import { type DigestDefaults, effectiveDigestSchedule, scheduleKey } from '../domain/digest.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import { type LeaseGrant, StaleLeaseError, type Store } from '../domain/ports/store.js';
import type { PollOptions, PollReport } from '../domain/status-tracking.js';
import type { Logger } from '../logging/logger.js';
import type { DigestOutcome, DigestRunner } from './digest-runner.js';
import { DEFAULT_LEASE_TTL_MS, HeldLease, type LeaseStore } from './held-lease.js';
import { runKey, StoreRunCoordinator } from './run-coordinator.js';

export const POLL_TASK = 'poll';
export const POLL_LEASE = 'poller';
const DIGEST_TASK_PREFIX = 'digest ';
/** Zone the poll schedule is read in, the same on every replica whatever its local zone. */
const POLL_TIMEZONE = 'UTC';

export interface PollRunner {
  pollOnce(options?: PollOptions): Promise<PollReport>;
}

export type DigestRuns = Pick<DigestRunner, 'defaults' | 'runSchedule' | 'runChannel'>;

export type SchedulerStore = Pick<Store, 'claimRun' | 'digestChannels'> & LeaseStore;

/** What the scheduler reports as it runs; CaseopsMetrics (src/observability/metrics.ts) fits it. */
export interface SchedulerObserver {
  observePoll(report: PollReport, seconds: number): void;
  pollRun(outcome: 'error' | 'skipped', seconds?: number): void;
  observeDigest(outcome: { status: string }): void;
}

export interface SchedulerOptions {
  store: SchedulerStore;
  tracker: PollRunner;
  digests: DigestRuns;
  /** POLL_CRON: any node-cron expression, seconds field included. */
  pollCron: string;
  /** This process, as named in claims and leases: unique per replica. */
  holder: string;
  logger: Logger;
  clock?: Clock;
  /**
   * The poller's lease (LEASE_TTL_MS): renewed every third of it while a poll runs, so a replica that dies
   * mid-poll leaves it to lapse within this long, and the next fire on any replica takes over.
   */
  pollLeaseMs?: number;
  /** How often digest tasks are re-read from the database (changes made on other replicas). */
  resyncCron?: string;
  stopGraceMs?: number;
  observer?: SchedulerObserver;
  /**
   * Work run after each poll, in order, under the poller's lease (so one replica at a time): nudges
   * (./nudge-runner.ts) and the other messages caseops posts from what a poll recorded.
   */
  afterPoll?: readonly AfterPollRunner[];
  stopAbandonMs?: number;
}

/** One step run after each poll; one that fails is logged and does not stop the next. */
export interface AfterPollRunner {
  /** For the log: "nudges", "thread replies". */
  readonly name: string;
  /** `fence` is the poller's lease: writes made under it are refused once another replica took it over. */
  runOnce(signal?: AbortSignal, fence?: LeaseGrant): Promise<unknown>;
}

export type FireResult = 'ran' | 'not-elected' | 'stopping' | 'unknown-task';

/** What the `/case digest` command needs of the scheduler (SlackDeps.digests). */
export interface DigestControl {
  /** DIGEST_CRON / DIGEST_TZ. */
  readonly defaults: DigestDefaults;
  /** A channel's settings changed: bring the digest tasks in line now rather than at the next resync. */
  settingsChanged(): Promise<void>;
  runDigestNow(channelId: string): Promise<DigestOutcome | { status: 'stopping' }>;
}

export class Scheduler implements DigestControl {
  private readonly options: SchedulerOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly coordinator: StoreRunCoordinator;
  private readonly cronLogger: CronLogger;
  private readonly pollLeaseMs: number;
  /** Task name → node-cron task and what a fire of it does. */
  private readonly tasks = new Map<string, { task: ScheduledTask; run: (slot: Date) => Promise<void> }>();
  private resyncTask: ScheduledTask | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopController = new AbortController();
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private resyncing: Promise<void> | undefined;
  private lastPoll: PollReport | undefined;

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.logger = options.logger.child({ component: 'scheduler' });
    this.clock = options.clock ?? systemClock;
    this.coordinator = new StoreRunCoordinator(options.store, options.holder);
    this.pollLeaseMs = options.pollLeaseMs ?? DEFAULT_LEASE_TTL_MS;
    this.cronLogger = nodeCronLogger(this.logger);
    if (!cron.validate(options.pollCron)) {
      throw new Error(`POLL_CRON "${options.pollCron}" is not a node-cron expression`);
    }
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`scheduler: cannot start when ${this.state}`);
    this.state = 'running';
    this.addTask(POLL_TASK, this.options.pollCron, POLL_TIMEZONE, (slot) => this.poll(slot), {
      noOverlap: true,
    });
    await this.resync().catch((error: unknown) => {
      // The periodic resync (every 30 s by default) tries again and adds the digest tasks then.
      this.logger.error({ err: error }, 'could not read digest schedules at start; retrying shortly');
    });
    this.resyncTask = cron.schedule(
      this.options.resyncCron ?? '*/30 * * * * *',
      () => {
        void this.resync().catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not re-read digest schedules; keeping the current ones');
        });
      },
      { name: 'digest-schedule-resync', logger: this.cronLogger, noOverlap: true },
    );
    this.logger.info(
      { pollCron: this.options.pollCron, digestSchedules: this.digestScheduleKeys() },
      'scheduler started',
    );
  }

  /**
   * Makes the digest tasks match the schedules in use: the default one always, plus every schedule an
   * enabled channel chose. Called after a settings change and periodically.
   */
  resync(): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    // Concurrent callers share one pass; a change made during it is picked up by the next.
    this.resyncing ??= this.syncDigestTasks().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private async syncDigestTasks(): Promise<void> {
    const { defaults } = this.options.digests;
    const wanted = new Map<string, { cron: string; timezone: string }>();
    wanted.set(scheduleKey(defaults), defaults);
    for (const settings of await this.options.store.digestChannels()) {
      const effective = effectiveDigestSchedule(settings.channelId, settings, defaults);
      if (effective.enabled) wanted.set(scheduleKey(effective), effective);
    }
    if (this.state !== 'running') return;
    for (const name of [...this.tasks.keys()]) {
      if (!name.startsWith(DIGEST_TASK_PREFIX)) continue;
      if (!wanted.has(name.slice(DIGEST_TASK_PREFIX.length))) this.removeTask(name);
    }
    for (const [key, schedule] of wanted) {
      const name = `${DIGEST_TASK_PREFIX}${key}`;
      if (this.tasks.has(name)) continue;
      try {
        this.addTask(name, schedule.cron, schedule.timezone, (slot) => this.digest(key, slot), {});
      } catch (error) {
        // A schedule stored before validation tightened, or a zone this Node no longer knows.
        this.logger.error(
          { schedule: key, err: error },
          'cannot schedule this digest; its channels get none',
        );
      }
    }
  }

  get defaults(): DigestDefaults {
    return this.options.digests.defaults;
  }

  settingsChanged(): Promise<void> {
    return this.resync();
  }

  /** The digest schedules (`<zone> <cron>`) with a task right now. */
  digestScheduleKeys(): string[] {
    return [...this.tasks.keys()]
      .filter((name) => name.startsWith(DIGEST_TASK_PREFIX))
      .map((name) => name.slice(DIGEST_TASK_PREFIX.length))
      .sort();
  }

  /**
   * What node-cron does when `taskName` fires at `slot`: claim the fire in the database, and run it only if
   * this replica got the claim. Exposed so tests and operators can drive a fire without waiting for it.
   */
  async fire(taskName: string, slot: Date): Promise<FireResult> {
    if (this.state !== 'running') return 'stopping';
    const entry = this.tasks.get(taskName);
    if (!entry) return 'unknown-task';
    if (!(await this.coordinator.shouldRun(runKey(taskName, slot)))) return 'not-elected';
    await entry.run(slot);
    return 'ran';
  }

  /** `/case digest now`: the same run as a scheduled one, outside any schedule. */
  async runDigestNow(channelId: string): Promise<DigestOutcome | { status: 'stopping' }> {
    if (this.state !== 'running') return { status: 'stopping' };
    const outcome = await this.track(
      this.options.digests.runChannel(channelId, { trigger: 'now', signal: this.stopController.signal }),
    );
    this.options.observer?.observeDigest(outcome);
    return outcome;
  }

  /** The last poll this replica ran, for health pages. */
  lastPollReport(): PollReport | undefined {
    return this.lastPoll;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.resyncTask?.destroy();
    for (const name of [...this.tasks.keys()]) this.removeTask(name);

    const grace = this.options.stopGraceMs ?? 10_000;
    const abandon = this.options.stopAbandonMs ?? 5_000;
    if (!(await this.settleWithin(grace))) {
      this.logger.warn(
        { inFlight: this.inFlight.size },
        'stopping: asking in-flight runs to stop at a safe point',
      );
      this.stopController.abort(new Error('caseops is shutting down'));
      if (!(await this.settleWithin(abandon))) {
        this.logger.warn(
          { inFlight: this.inFlight.size },
          'stopping: in-flight runs abandoned; the next start resumes them',
        );
      }
    }
    this.state = 'stopped';
    this.logger.info('scheduler stopped');
  }

  private async settleWithin(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    const timeout = new AbortController();
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const timedOut = this.clock.sleep(ms, timeout.signal).then(
      () => false,
      () => false,
    );
    const result = await Promise.race([settled, timedOut]);
    timeout.abort();
    return result;
  }

  private addTask(
    name: string,
    expression: string,
    timezone: string,
    run: (slot: Date) => Promise<void>,
    extra: { noOverlap?: boolean },
  ): void {
    const task = cron.schedule(
      expression,
      async (context) => {
        // A fire claimed while stopping is skipped; the next fire after a restart covers it.
        if (this.state !== 'running') return;
        await run(context.date);
      },
      {
        name,
        timezone,
        distributed: true,
        runCoordinator: this.coordinator,
        logger: this.cronLogger,
        ...extra,
      },
    );
    this.tasks.set(name, { task, run });
  }

  private removeTask(name: string): void {
    const entry = this.tasks.get(name);
    if (!entry) return;
    this.tasks.delete(name);
    void Promise.resolve(entry.task.destroy()).catch(() => undefined);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  private async poll(slot: Date): Promise<void> {
    await this.track(this.pollHoldingLease(slot));
  }

  private async pollHoldingLease(slot: Date): Promise<void> {
    const { store, holder } = this.options;
    const lease = await HeldLease.acquire(store, POLL_LEASE, holder, this.pollLeaseMs, this.logger);
    if (!lease) {
      this.options.observer?.pollRun('skipped');
      this.logger.info(
        { slot: slot.toISOString() },
        'previous poll still running (on this or another replica); skipping this fire',
      );
      return;
    }
    const started = this.clock.now();
    const seconds = () => (this.clock.now() - started) / 1000;
    try {
      this.lastPoll = await this.options.tracker.pollOnce({
        signal: AbortSignal.any([this.stopController.signal, lease.lost]),
        // Observations are recorded under the lease: once another replica took it over, they are refused.
        fence: lease.grant,
      });
      this.options.observer?.observePoll(this.lastPoll, seconds());
      await this.runAfterPoll(AbortSignal.any([this.stopController.signal, lease.lost]), lease.grant);
    } catch (error) {
      this.options.observer?.pollRun('error', seconds());
      const message =
        error instanceof StaleLeaseError
          ? 'poll stopped: another replica took the poller lease over; it carries on from there'
          : 'poll failed; the next fire tries again';
      this.logger.error({ slot: slot.toISOString(), err: error }, message);
    } finally {
      await lease.release();
    }
  }

  private async runAfterPoll(signal: AbortSignal, fence: LeaseGrant): Promise<void> {
    for (const runner of this.options.afterPoll ?? []) {
      if (signal.aborted) return;
      try {
        await runner.runOnce(signal, fence);
      } catch (error) {
        // A poll that worked is not failed by what runs after it; the next poll runs it again.
        this.logger.error(
          { err: error, step: runner.name },
          `${runner.name} failed; the next poll tries again`,
        );
      }
    }
  }

  private async digest(key: string, slot: Date): Promise<void> {
    try {
      const outcomes = await this.track(this.options.digests.runSchedule(key, this.stopController.signal));
      for (const outcome of outcomes.values()) this.options.observer?.observeDigest(outcome);
      this.logger.info(
        {
          schedule: key,
          slot: slot.toISOString(),
          channels: Object.fromEntries([...outcomes].map(([c, o]) => [c, o.status])),
        },
        'digest fire done',
      );
    } catch (error) {
      this.logger.error(
        { schedule: key, slot: slot.toISOString(), err: error },
        'digest fire failed; the next one catches up',
      );
    }
  }
}

/** node-cron's log lines, through our logger. */
export function nodeCronLogger(logger: Logger): CronLogger {
  const child = logger.child({ component: 'node-cron' });
  return {
    info: (message) => child.info(message),
    warn: (message) => child.warn(message),
    error: (message, err) =>
      child.error({ err: err ?? message }, typeof message === 'string' ? message : message.message),
    debug: (message, err) => child.debug({ err }, typeof message === 'string' ? message : message.message),
  };
}

/** A holder name unique to this process: host, pid and a random suffix (pids repeat across containers). */
export function processHolderName(hostname: string, pid: number): string {
  return `${hostname}:${pid}:${Math.random().toString(36).slice(2, 10)}`;
}
