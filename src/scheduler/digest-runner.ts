/**
 * Runs one channel's digest: the channel's undigested changes, split into messages, posted in order, the
 * cursor moved past each message's events only once Slack has accepted that message.
 *
 * Nothing lost, nothing twice:
 * - The cursor is the id of the newest event Slack has accepted for the channel; each message covers a run
 *   of consecutive events (see src/slack/blocks/digest.ts), so after a failure the cursor sits exactly
 *   between what was posted and what was not, and the next run starts there.
 * - One run per channel at a time, across replicas: a lease named after the channel, renewed before every
 *   message. Scheduled fires, `/case digest now` and a second replica therefore never post the same
 *   changes side by side. The cursor move is also a compare-and-set, so a run that lost its lease (a very
 *   long stall) stops instead of moving the cursor under another run.
 * - The one repeat that remains, by choice: when Slack took a message but caseops never heard so (killed
 *   between Slack's answer and the cursor's move, or Slack's answer lost to a timeout or 5xx), the cursor
 *   still sits before that message and the next run posts it again. A change can appear twice then, never
 *   not at all (test/faults/crash.faults.ts shows it with a SIGKILL).
 */
import {
  type DigestDefaults,
  type DigestRenderContext,
  effectiveDigestSchedule,
  FOLLOWS_DEFAULT_SCHEDULE,
  scheduleKey,
} from '../domain/digest.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type { StatusChangeEvent, Store } from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';

export interface PreparedDigestMessage {
  /** Ids of the events the message shows. */
  eventIds: number[];
  /** The cursor once Slack accepted the message; undefined for the "nothing changed" message. */
  lastEventId?: number;
}

/** The Slack side of a digest: split into messages, and post one. */
export interface DigestPublisher<M extends PreparedDigestMessage = PreparedDigestMessage> {
  /** Messages in the order they must be posted; each covers consecutive events (ascending ids). */
  prepare(events: readonly StatusChangeEvent[], context: DigestRenderContext): M[];
  prepareEmpty(context: DigestRenderContext): M;
  /** Resolves once Slack accepted the message; throws otherwise. */
  post(channelId: string, message: M, signal?: AbortSignal): Promise<void>;
}

export type DigestTrigger = 'scheduled' | 'now';

export type DigestOutcome =
  | { status: 'posted'; messages: number; changes: number }
  /** Nothing changed and the channel did not ask for empty digests: nothing was posted. */
  | { status: 'nothing-to-post' }
  | { status: 'posted-empty' }
  /** Another run (here or on another replica) is posting this channel's digest right now. */
  | { status: 'busy' }
  | { status: 'disabled' }
  /** Part of the digest may have been posted; the rest stays for the next run. */
  | { status: 'failed'; messages: number; changes: number; error: string }
  /** A stop request ended the run between two messages. */
  | { status: 'abandoned'; messages: number; changes: number };

export type DigestStore = Pick<
  Store,
  | 'getDigestSettings'
  | 'saveDigestSettings'
  | 'digestChannels'
  | 'advanceDigestCursor'
  | 'eventsForChannel'
  | 'watchedCases'
  | 'watchesOfCase'
  | 'tryAcquireLease'
  | 'releaseLease'
>;

export interface DigestRunnerOptions {
  store: DigestStore;
  publisher: DigestPublisher;
  defaults: DigestDefaults;
  /** This process, as named in leases. */
  holder: string;
  logger: Logger;
  clock?: Clock;
  /** How long a channel's lease lasts without renewal (it is renewed before every message). */
  leaseMs?: number;
  /** Events read per query; a bigger backlog is read and posted page by page. */
  eventsPerPage?: number;
  /** Channels of one schedule posted side by side (each channel is still paced on its own). */
  channelConcurrency?: number;
}

/** The user id recorded on digest settings caseops creates itself. */
export const SYSTEM_ACTOR = 'caseops';

/** Channels of one schedule posted side by side by default (see the constructor). */
export const DEFAULT_CHANNEL_CONCURRENCY = 64;

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

  constructor(options: DigestRunnerOptions) {
    this.store = options.store;
    this.publisher = options.publisher;
    this.defaults = options.defaults;
    this.holder = options.holder;
    this.logger = options.logger.child({ component: 'digest' });
    this.clock = options.clock ?? systemClock;
    // Longer than the notifier ever waits on one message (its 429 waits are capped well below this).
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.eventsPerPage = options.eventsPerPage ?? 1000;
    // Channels are paced one by one by the notifier, so a channel waiting out its second holds a slot: with 16
    // slots, 10 busy channels left 6 for the other 490 and 500 channels took 1.7× the pacing bound (bench). Any
    // 429 still pauses every channel.
    this.channelConcurrency = options.channelConcurrency ?? DEFAULT_CHANNEL_CONCURRENCY;
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
      watched = await watchCountsByChannel(this.store);
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
    const worker = async () => {
      while (next < channels.length && !signal?.aborted) {
        const channel = channels[next++]!;
        try {
          outcomes.set(channel, await this.runChannel(channel, { trigger: 'scheduled', signal }));
        } catch (error) {
          this.logger.error({ channel, err: error }, 'digest run failed');
          outcomes.set(channel, { status: 'failed', messages: 0, changes: 0, error: describe(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.channelConcurrency, channels.length) }, worker));
    return outcomes;
  }

  async runChannel(
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
    const lease = `digest:${channelId}`;
    if (!(await this.store.tryAcquireLease(lease, this.holder, this.leaseMs))) return { status: 'busy' };
    try {
      return await this.postUndigested(channelId, lease, options.trigger, options.signal);
    } finally {
      await this.store.releaseLease(lease, this.holder).catch((error: unknown) => {
        this.logger.warn(
          { channel: channelId, err: error },
          'could not release the digest lease (it will expire)',
        );
      });
    }
  }

  private async postUndigested(
    channelId: string,
    lease: string,
    trigger: DigestTrigger,
    signal: AbortSignal | undefined,
  ): Promise<DigestOutcome> {
    const stored = await this.store.getDigestSettings(channelId);
    const schedule = effectiveDigestSchedule(channelId, stored, this.defaults);
    if (trigger === 'scheduled' && !schedule.enabled) return { status: 'disabled' };
    const context: DigestRenderContext = { timezone: schedule.timezone, since: schedule.lastPostedAt };
    let hasSettingsRow = stored !== undefined;
    let cursor = schedule.cursor;
    let messages = 0;
    let changes = 0;

    const accept = async (next: number): Promise<boolean> => {
      if (!hasSettingsRow) {
        await this.ensureSettingsRow(channelId);
        hasSettingsRow = true;
      }
      return this.store.advanceDigestCursor(channelId, cursor, next, this.nowIso());
    };

    for (;;) {
      const events = await this.store.eventsForChannel(channelId, cursor, this.eventsPerPage);
      if (events.length === 0) break;
      for (const message of this.publisher.prepare(events, context)) {
        if (signal?.aborted) return { status: 'abandoned', messages, changes };
        if (!(await this.store.tryAcquireLease(lease, this.holder, this.leaseMs))) {
          return this.fail(channelId, messages, changes, 'lost the channel lease to another run');
        }
        try {
          await this.publisher.post(channelId, message, signal);
        } catch (error) {
          if (signal?.aborted) return { status: 'abandoned', messages, changes };
          return this.fail(channelId, messages, changes, describe(error), error);
        }
        const next = message.lastEventId ?? cursor;
        if (!(await accept(next))) {
          return this.fail(channelId, messages + 1, changes, 'the cursor was moved by another run');
        }
        cursor = next;
        messages++;
        changes += message.eventIds.length;
      }
      if (events.length < this.eventsPerPage) break;
    }

    if (messages > 0) {
      this.logger.info({ channel: channelId, messages, changes, trigger }, 'digest posted');
      return { status: 'posted', messages, changes };
    }
    if (!schedule.postWhenEmpty) return { status: 'nothing-to-post' };
    try {
      await this.publisher.post(channelId, this.publisher.prepareEmpty(context), signal);
    } catch (error) {
      return this.fail(channelId, 0, 0, describe(error), error);
    }
    // Same cursor, new "last posted": the next digest says "since" this one.
    await accept(cursor);
    return { status: 'posted-empty' };
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

/**
 * Every channel that watches at least one case. The store lists watches per case, so this walks the
 * distinct watched cases; it runs once per default-schedule fire, not per poll.
 */
export async function channelsWithWatches(
  store: Pick<Store, 'watchedCases' | 'watchesOfCase'>,
): Promise<string[]> {
  return [...(await watchCountsByChannel(store)).keys()];
}

/** How many cases each channel watches (a channel's likely share of the changes). */
async function watchCountsByChannel(
  store: Pick<Store, 'watchedCases' | 'watchesOfCase'>,
): Promise<Map<string, number>> {
  const byChannel = new Map<string, number>();
  for (const { vendor, caseId } of await store.watchedCases()) {
    for (const watch of await store.watchesOfCase(vendor, caseId)) {
      byChannel.set(watch.channelId, (byChannel.get(watch.channelId) ?? 0) + 1);
    }
  }
  return byChannel;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
