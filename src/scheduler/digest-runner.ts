/**
 * Runs one channel's digest: the channel's undigested changes, split into messages, posted in order, the
 * cursor moved past each message's events only once Slack has accepted that message.
 *
 * Nothing lost, nothing twice:
 * - The cursor is the id of the newest event Slack has accepted for the channel; each message covers a run
 *   of consecutive events (see src/slack/blocks/digest.ts), so after a failure the cursor sits exactly
 *   between what was posted and what was not, and the next run starts there.
 * - One run per channel at a time, across replicas: a lease named after the channel, renewed on a heartbeat
 *   (./held-lease.ts). Scheduled fires, `/case digest now` and a second replica therefore never post the
 *   same changes side by side, and a dead run's lease lapses within LEASE_TTL_MS. The cursor move is a
 *   compare-and-set fenced by the lease's generation, so a run that lost its lease (a long stall) can no
 *   longer move the cursor under the run that took over.
 * - No repeat when Slack took a message but caseops never heard so (killed between Slack's answer and the
 *   cursor's move, or the answer lost to a timeout or 5xx): every message is recorded in the outbox before it
 *   is posted and carries its event range as Slack message metadata. A row still pending at the next run is
 *   looked for in the channel's history first; found, it is recorded as posted and the cursor moves past it,
 *   and only what Slack does not have is posted (test/faults/crash.faults.ts shows it with a SIGKILL). When
 *   the history cannot be read (scopes missing), the run posts nothing rather than risk a repeat.
 */

import { setImmediate } from 'node:timers/promises';
import { caseKey, type VendorId } from '../domain/case.js';
import {
  type DigestDefaults,
  type DigestRenderContext,
  effectiveDigestSchedule,
  FOLLOWS_DEFAULT_SCHEDULE,
  scheduleKey,
} from '../domain/digest.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type { DigestRunOutcome } from '../domain/ports/schedule.js';
import {
  type DigestAttempt,
  StaleLeaseError,
  type StatusChangeEvent,
  type Store,
} from '../domain/ports/store.js';
import { type ResponseClock, recordedClocksOfCases } from '../domain/response-clock.js';
import type { Logger } from '../logging/logger.js';
import { ATTR, noTracing, type Tracing } from '../observability/tracing.js';
import {
  DigestNotPostedError,
  type DigestTag,
  EMPTY_DIGEST_PART,
  type PostedDigestTag,
  type Reconciled,
  reconcilePendingDigests,
} from './digest-reconcile.js';
import { DEFAULT_LEASE_TTL_MS, HeldLease, type LeaseStore } from './held-lease.js';

export type { DigestTag, PostedDigestTag } from './digest-reconcile.js';
export { DigestNotPostedError, EMPTY_DIGEST_PART, HISTORY_LOOKBACK_MARGIN_MS } from './digest-reconcile.js';

export interface PreparedDigestMessage {
  /** Ids of the events the message shows. */
  eventIds: number[];
  /** The cursor once Slack accepted the message; undefined for the "nothing changed" message. */
  lastEventId?: number;
}

/** The Slack side of a digest: split into messages, post one, and find the ones already posted. */
export interface DigestPublisher<M extends PreparedDigestMessage = PreparedDigestMessage> {
  /** Messages in the order they must be posted; each covers consecutive events (ascending ids). */
  prepare(events: readonly StatusChangeEvent[], context: DigestRenderContext): M[];
  prepareEmpty(context: DigestRenderContext): M;
  /**
   * Resolves once Slack accepted the message, tagged with `tag`; throws otherwise: DigestNotPostedError when
   * Slack said it did not post it, anything else when that is unknown (a timeout, a 5xx, a lost connection).
   */
  post(channelId: string, message: M, tag: DigestTag, signal?: AbortSignal): Promise<{ ts?: string }>;
  /** caseops' tagged digest messages in the channel posted since `since` (ISO-8601), in any order. */
  findPosted(channelId: string, since: string, signal?: AbortSignal): Promise<PostedDigestTag[]>;
}

export type DigestTrigger = 'scheduled' | 'now';

/** How one channel's digest run ended (the domain's own description of it). */
export type DigestOutcome = DigestRunOutcome;

export type DigestStore = Pick<
  Store,
  | 'getDigestSettings'
  | 'saveDigestSettings'
  | 'digestChannels'
  | 'advanceDigestCursor'
  | 'eventsForChannel'
  | 'watchCountsByChannel'
  | 'watchesInChannel'
  | 'beginDigestAttempt'
  | 'pendingDigestAttempts'
  | 'settleDigestAttempt'
  | 'clockReadings'
> &
  LeaseStore;

export interface DigestRunnerOptions {
  store: DigestStore;
  publisher: DigestPublisher;
  defaults: DigestDefaults;
  /** This process, as named in leases. */
  holder: string;
  logger: Logger;
  clock?: Clock;
  /** How long a channel's lease outlives its last heartbeat (LEASE_TTL_MS); renewed every third of it. */
  leaseMs?: number;
  /** Events read per query; a bigger backlog is read and posted page by page. */
  eventsPerPage?: number;
  /** Channels of one schedule posted side by side (each channel is still paced on its own). */
  channelConcurrency?: number;
  /** A span per channel's digest run. */
  tracing?: Tracing;
  /**
   * False for a channel that chose to hear about its cases in the cards' threads only (`/case updates
   * thread`): its scheduled digest is skipped, its cursor stays, so switching back digests everything since.
   */
  wantsScheduledDigest?: (channelId: string) => Promise<boolean>;
  /**
   * The permalinks of the cards in the channel of those of the events' cases that have one (keyed by
   * `caseKey`), for the digest's links to the cards' threads. Absent, or failing: no thread links.
   */
  threadLinks?: (
    channelId: string,
    cases: ReadonlyArray<{ vendor: VendorId; caseId: string }>,
  ) => Promise<ReadonlyMap<string, string>>;
}

/** The user id recorded on digest settings caseops creates itself. */
export const SYSTEM_ACTOR = 'caseops';

/** Channels of one schedule posted side by side by default (see the constructor). */
export const DEFAULT_CHANNEL_CONCURRENCY = 64;

const LEASE_LOST = 'lost the channel lease to another run';
export class DigestRunner {
  private readonly store: DigestStore;
  private readonly publisher: DigestPublisher;
  readonly defaults: DigestDefaults;
  private readonly holder: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly eventsPerPage: number;
  private readonly channelConcurrency: number;
  /** Channels whose digest this process is posting right now. */
  private readonly runningChannels = new Set<string>();
  private readonly tracing: Tracing;
  private readonly wantsScheduledDigest?: (channelId: string) => Promise<boolean>;
  private readonly threadLinks: DigestRunnerOptions['threadLinks'];

  constructor(options: DigestRunnerOptions) {
    this.store = options.store;
    this.publisher = options.publisher;
    this.defaults = options.defaults;
    this.holder = options.holder;
    this.logger = options.logger.child({ component: 'digest' });
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_TTL_MS;
    this.eventsPerPage = options.eventsPerPage ?? 1000;
    // Channels are paced one by one by the notifier, so a channel waiting out its second holds a slot: with 16
    // slots, 10 busy channels left 6 for the other 490 and 500 channels took 1.7× the pacing bound (bench). Any
    // 429 still pauses every channel.
    this.channelConcurrency = options.channelConcurrency ?? DEFAULT_CHANNEL_CONCURRENCY;
    this.tracing = options.tracing ?? noTracing;
    this.wantsScheduledDigest = options.wantsScheduledDigest;
    this.threadLinks = options.threadLinks;
  }

  /**
   * Channels that get a digest on the schedule `key` (see `scheduleKey`): those with their own settings on
   * it, and, for the default schedule, every channel watching a case that has not chosen a schedule.
   */
  async channelsOnSchedule(key: string): Promise<string[]> {
    const settings = await this.store.digestChannels();
    const channels = new Set<string>();
    const configured = new Set<string>();
    for (const stored of settings) {
      configured.add(stored.channelId);
      const effective = effectiveDigestSchedule(stored.channelId, stored, this.defaults);
      if (effective.enabled && scheduleKey(effective) === key) channels.add(stored.channelId);
    }
    let watched = new Map<string, number>();
    if (key === scheduleKey(this.defaults)) {
      watched = await this.store.watchCountsByChannel();
      for (const channel of watched.keys()) {
        if (!configured.has(channel)) channels.add(channel);
      }
    }
    // On the default schedule, the channels watching most cases first: each message beyond a channel's first
    // costs it a second of pacing, so those bound the run and must not wait behind one-message channels.
    return [...channels].sort((a, b) => (watched.get(b) ?? 0) - (watched.get(a) ?? 0) || a.localeCompare(b));
  }

  /** Runs the digests of every channel on schedule `key`; one channel's failure never stops the others. */
  async runSchedule(key: string, signal?: AbortSignal): Promise<Map<string, DigestOutcome>> {
    const channels = await this.channelsOnSchedule(key);
    const outcomes = new Map<string, DigestOutcome>();
    let next = 0;
    // A channel's reads and render run to its post without leaving the microtask queue (the SQLite driver is
    // synchronous), so channels begun together hold up Slack's answers and the pacing timers of the channels
    // already posting until all of them are ready (bench: event-loop delays of 100-450 ms, the busiest
    // channels' second messages that much late). Channels therefore begin one per turn of the event loop: a
    // pacing timer that is due waits for one preparation at most.
    let turns = Promise.resolve();
    const ownTurn = () => {
      turns = turns.then(() => setImmediate());
      return turns;
    };
    const worker = async () => {
      while (next < channels.length && !signal?.aborted) {
        const channel = channels[next++]!;
        await ownTurn();
        if (signal?.aborted) break;
        try {
          // Skipped, not advanced: the channel's changes wait for the digest it may ask for again.
          if (this.wantsScheduledDigest && !(await this.wantsScheduledDigest(channel))) {
            outcomes.set(channel, { status: 'disabled' });
            continue;
          }
          outcomes.set(channel, await this.runChannel(channel, { trigger: 'scheduled', signal }));
        } catch (error) {
          this.logger.error({ channel, err: error }, 'digest run failed');
          outcomes.set(channel, { status: 'failed', messages: 0, changes: 0, error: describe(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.channelConcurrency, channels.length) }, worker));
    this.logFire(key, outcomes);
    return outcomes;
  }

  private logFire(key: string, outcomes: ReadonlyMap<string, DigestOutcome>): void {
    const byStatus: Partial<Record<DigestOutcome['status'], number>> = {};
    let messages = 0;
    let changes = 0;
    for (const outcome of outcomes.values()) {
      byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
      if ('messages' in outcome) messages += outcome.messages;
      if ('changes' in outcome) changes += outcome.changes;
    }
    if (messages > 0 || byStatus.failed) {
      this.logger.info({ schedule: key, channels: byStatus, messages, changes }, 'digests posted');
    }
  }

  async runChannel(
    channelId: string,
    options: { trigger: DigestTrigger; signal?: AbortSignal },
  ): Promise<DigestOutcome> {
    if (!this.tracing.enabled) return this.runChannelOnce(channelId, options);
    return this.tracing.inSpan(
      'caseops.digest',
      { attributes: { [ATTR.channelId]: channelId, 'caseops.digest.trigger': options.trigger } },
      async (span) => {
        const outcome = await this.runChannelOnce(channelId, options);
        span.setAttributes({
          [ATTR.outcome]: outcome.status,
          'caseops.digest.messages': 'messages' in outcome ? outcome.messages : 0,
          'caseops.digest.changes': 'changes' in outcome ? outcome.changes : 0,
        });
        return outcome;
      },
    );
  }

  private async runChannelOnce(
    channelId: string,
    options: { trigger: DigestTrigger; signal?: AbortSignal },
  ): Promise<DigestOutcome> {
    // The lease keeps other processes out, but it is this process's own for a second run here (a renewal):
    // runs in this process are kept apart by this set.
    if (this.runningChannels.has(channelId)) return { status: 'busy' };
    this.runningChannels.add(channelId);
    try {
      return await this.runHoldingLease(channelId, options);
    } finally {
      this.runningChannels.delete(channelId);
    }
  }

  private async runHoldingLease(
    channelId: string,
    options: { trigger: DigestTrigger; signal?: AbortSignal },
  ): Promise<DigestOutcome> {
    const lease = await HeldLease.acquire(
      this.store,
      `digest:${channelId}`,
      this.holder,
      this.leaseMs,
      this.logger,
    );
    if (!lease) return { status: 'busy' };
    try {
      return await this.postUndigested(channelId, lease, options.trigger, options.signal);
    } finally {
      await lease.release();
    }
  }

  private async postUndigested(
    channelId: string,
    lease: HeldLease,
    trigger: DigestTrigger,
    signal: AbortSignal | undefined,
  ): Promise<DigestOutcome> {
    const stored = await this.store.getDigestSettings(channelId);
    const schedule = effectiveDigestSchedule(channelId, stored, this.defaults);
    if (trigger === 'scheduled' && !schedule.enabled) return { status: 'disabled' };
    const context: DigestRenderContext = {
      timezone: schedule.timezone,
      since: schedule.lastPostedAt ?? (await this.watchingSince(channelId)),
      now: this.nowIso(),
    };
    let hasSettingsRow = stored !== undefined;
    let cursor = schedule.cursor;
    let messages = 0;
    let changes = 0;
    let parts = 0;
    const postSignal = signal ? AbortSignal.any([signal, lease.lost]) : lease.lost;

    const accept = async (next: number, attempt: DigestAttempt, ts: string | undefined): Promise<boolean> => {
      if (!hasSettingsRow) {
        await this.ensureSettingsRow(channelId);
        hasSettingsRow = true;
      }
      return this.store.advanceDigestCursor(channelId, cursor, next, this.nowIso(), {
        fence: lease.grant,
        postedAttempt: { id: attempt.id, ...(ts ? { ts } : {}) },
      });
    };

    /** Posts one message under a fresh outbox row, then moves the cursor to `next`; a DigestOutcome on failure. */
    const postOne = async (
      message: PreparedDigestMessage,
      tag: Omit<DigestTag, 'part'>,
      next: number,
      empty = false,
    ): Promise<DigestOutcome | undefined> => {
      if (signal?.aborted) return { status: 'abandoned', messages, changes };
      if (lease.lost.aborted) return this.fail(channelId, messages, changes, LEASE_LOST);
      const part = empty ? EMPTY_DIGEST_PART : ++parts;
      const attempt = await this.store.beginDigestAttempt({ channelId, ...tag, part });
      let ts: string | undefined;
      try {
        ({ ts } = await this.publisher.post(channelId, message, { ...tag, part }, postSignal));
      } catch (error) {
        // Unless Slack said no, the attempt stays pending: whether Slack has it is for the next run to find out.
        if (error instanceof DigestNotPostedError) await this.store.settleDigestAttempt(attempt.id, 'absent');
        if (signal?.aborted) return { status: 'abandoned', messages, changes };
        if (lease.lost.aborted) return this.fail(channelId, messages, changes, LEASE_LOST, error);
        return this.fail(channelId, messages, changes, describe(error), error);
      }
      try {
        if (!(await accept(next, attempt, ts))) {
          return this.fail(channelId, messages + 1, changes, 'the cursor was moved by another run');
        }
      } catch (error) {
        if (error instanceof StaleLeaseError) return this.fail(channelId, messages + 1, changes, LEASE_LOST);
        throw error;
      }
      cursor = next;
      messages++;
      changes += message.eventIds.length;
      return undefined;
    };

    let reconciled: Reconciled;
    try {
      reconciled = await reconcilePendingDigests({
        store: this.store,
        publisher: this.publisher,
        logger: this.logger,
        nowIso: () => this.nowIso(),
        channelId,
        cursor,
        fence: lease.grant,
        signal: postSignal,
        ensureSettingsRow: async () => {
          if (!hasSettingsRow) {
            await this.ensureSettingsRow(channelId);
            hasSettingsRow = true;
          }
        },
      });
    } catch (error) {
      if (signal?.aborted) return { status: 'abandoned', messages, changes };
      if (error instanceof StaleLeaseError || lease.lost.aborted) {
        return this.fail(channelId, 0, 0, LEASE_LOST, error);
      }
      return this.fail(
        channelId,
        0,
        0,
        `could not check which digest messages Slack already has, so nothing was posted (${describe(error)})`,
        error,
      );
    }
    cursor = reconciled.cursor;

    for (;;) {
      const events = await this.store.eventsForChannel(channelId, cursor, this.eventsPerPage);
      if (events.length === 0) break;
      const threadLinks = await this.threadLinksOf(channelId, events);
      const clocks = await this.clocksOf(channelId, events);
      for (const message of this.publisher.prepare(events, { ...context, threadLinks, clocks })) {
        const next = message.lastEventId ?? cursor;
        const failed = await postOne(
          message,
          { fromEventId: message.eventIds[0] ?? next, toEventId: next },
          next,
        );
        if (failed) return failed;
      }
      if (events.length < this.eventsPerPage) break;
    }

    if (messages > 0 || reconciled.messages > 0) {
      // A scheduled fire logs its totals once (runSchedule); a line per channel is for following one digest.
      const posted = { channel: channelId, messages, changes, reconciled: reconciled.messages, trigger };
      if (trigger === 'scheduled') this.logger.debug(posted, 'digest posted');
      else this.logger.info(posted, 'digest posted');
      // Messages found in the channel count as this run's: together they are the digest people see.
      return {
        status: 'posted',
        messages: messages + reconciled.messages,
        changes: changes + reconciled.changes,
      };
    }
    if (reconciled.emptyPosted) return { status: 'posted-empty' };
    if (!schedule.postWhenEmpty) return { status: 'nothing-to-post' };
    // Same cursor, new "last posted": the next digest says "since" this one.
    const failed = await postOne(
      this.publisher.prepareEmpty(context),
      { fromEventId: cursor, toEventId: cursor },
      cursor,
      true,
    );
    return failed ?? { status: 'posted-empty' };
  }

  /** The thread links of the events' cases; none when they cannot be had (the digest goes out without). */
  private async threadLinksOf(
    channelId: string,
    events: readonly StatusChangeEvent[],
  ): Promise<ReadonlyMap<string, string> | undefined> {
    if (!this.threadLinks) return undefined;
    try {
      return await this.threadLinks(channelId, events);
    } catch (error) {
      this.logger.warn({ channel: channelId, err: error }, 'no thread links in this digest');
      return undefined;
    }
  }

  /** Each case's recorded clock as of now; none when it cannot be read (the digest goes out without). */
  private async clocksOf(
    channelId: string,
    events: readonly StatusChangeEvent[],
  ): Promise<ReadonlyMap<string, ResponseClock | undefined> | undefined> {
    const keys = new Map(
      events.map((e) => [caseKey(e.vendor, e.caseId), { vendor: e.vendor, caseId: e.caseId }]),
    );
    try {
      return await recordedClocksOfCases(this.store, [...keys.values()]);
    } catch (error) {
      this.logger.warn({ channel: channelId, err: error }, 'no response clocks in this digest');
      return undefined;
    }
  }

  /** A first digest covers everything since the channel started watching: its oldest watch. */
  private async watchingSince(channelId: string): Promise<string | undefined> {
    const watches = await this.store.watchesInChannel(channelId);
    return watches.reduce<string | undefined>(
      (oldest, watch) => (oldest === undefined || watch.createdAt < oldest ? watch.createdAt : oldest),
      undefined,
    );
  }

  /** Channels following the default get a settings row the first time their cursor moves. */
  private async ensureSettingsRow(channelId: string): Promise<void> {
    // Read again right before writing, to keep the window in which a person's new schedule could be
    // overwritten by the default as small as the store allows.
    if (await this.store.getDigestSettings(channelId)) return;
    await this.store.saveDigestSettings({
      channelId,
      cron: this.defaults.cron,
      schedule: FOLLOWS_DEFAULT_SCHEDULE,
      timezone: this.defaults.timezone,
      enabled: true,
      postWhenEmpty: false,
      updatedBy: SYSTEM_ACTOR,
      updatedAt: this.nowIso(),
    });
  }

  private fail(
    channelId: string,
    messages: number,
    changes: number,
    error: string,
    cause?: unknown,
  ): DigestOutcome {
    this.logger.warn(
      { channel: channelId, postedMessages: messages, err: cause ?? error },
      'digest not fully posted; the rest stays for the next run',
    );
    return { status: 'failed', messages, changes, error };
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** Every channel that watches at least one case. */
export async function channelsWithWatches(store: Pick<Store, 'watchCountsByChannel'>): Promise<string[]> {
  return [...(await store.watchCountsByChannel()).keys()];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
