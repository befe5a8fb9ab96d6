/**
 * Direct messages to subscribers ("Notify me"), once each: run by the scheduler after each poll, under the
 * poller's lease. Per person and case, one message covers every change recorded since the last one (so at
 * most one per case per poll); none is sent during the person's night, and what came in then goes out in one
 * message once their morning begins. Each message is recorded in the store before it is posted and carries
 * its key (person, case, event range) in its metadata; a record left pending (a crash, a lost answer) is
 * settled by reading the direct-message channel back before anything else is sent about that case.
 */
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type {
  CaseEvent,
  LeaseGrant,
  Store,
  SubscriberSettings,
  Subscription,
  SubscriptionDm,
} from '../domain/ports/store.js';
import {
  FALLBACK_TIMEZONE,
  isNight,
  isNotifiable,
  nightOf,
  subscriptionDmKey,
  TIMEZONE_RECHECK_MS,
} from '../domain/subscriptions.js';
import type { Logger } from '../logging/logger.js';
import { HISTORY_LOOKBACK_MARGIN_MS } from './digest-reconcile.js';
import { RECONCILE_MIN_AGE_MS } from './nudge-runner.js';

/** Thrown by a publisher when Slack answered that it did not post the message. */
export class SubscriptionDmNotPostedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SubscriptionDmNotPostedError';
  }
}

/** What one direct message says, for the publisher to render. */
export interface DueSubscriptionDm {
  key: string;
  userId: string;
  vendor: string;
  caseId: string;
  fromEventId: number;
  toEventId: number;
  /** The changes it tells of, oldest first. */
  events: CaseEvent[];
}

export interface SubscriptionDmPublisher {
  /** The person's direct-message channel with caseops (conversations.open). */
  openDm(userId: string, signal?: AbortSignal): Promise<string>;
  /** The person's Slack time zone (users.info `tz`), undefined when Slack has none for them. */
  timezoneOf(userId: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Posts in the direct-message channel and returns Slack's ts. */
  post(channelId: string, dm: DueSubscriptionDm, signal?: AbortSignal): Promise<string>;
  /** The keys of caseops' direct messages found in that channel since `since` (ISO). */
  findPosted(
    channelId: string,
    since: string,
    signal?: AbortSignal,
  ): Promise<Array<{ key: string; ts: string }>>;
}

export type SubscriptionDmStore = Pick<
  Store,
  | 'allSubscriptions'
  | 'caseEventsAfter'
  | 'getSubscriberSettings'
  | 'saveSubscriberSettings'
  | 'beginSubscriptionDm'
  | 'settleSubscriptionDm'
  | 'forgetSubscriptionDm'
  | 'pendingSubscriptionDms'
>;

/** Which of these cases the person may read now (the policy's `lookup` rules, private homes). */
export type ReadableCases = (
  userId: string,
  cases: ReadonlyArray<{ vendor: string; caseId: string }>,
) => Promise<ReadonlyArray<{ vendor: string; caseId: string }>>;

export interface SubscriptionDmRunnerOptions {
  store: SubscriptionDmStore;
  publisher: SubscriptionDmPublisher;
  logger: Logger;
  clock?: Clock;
  /** Without it (tests of other parts) every subscription is told; see `checkReadsWith`. */
  readable?: ReadableCases;
}

export interface SubscriptionDmReport {
  posted: number;
  /** Pending records found in Slack and recorded as posted instead of posting again. */
  reconciled: number;
  /** Cases with changes held because it is the person's night. */
  held: number;
}

/** Events read for one case at a time; a message tells of them all (cut to fit when it is shown). */
const EVENTS_PER_MESSAGE = 500;

export class SubscriptionDmRunner {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readable: ReadableCases | undefined;

  constructor(private readonly options: SubscriptionDmRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'subscription-dms' });
    this.readable = options.readable;
  }

  /**
   * Each message first asks whether the person may still read the case: a rule changed or a private channel
   * left since they subscribed stops the messages (the subscription stays, to resume when access does).
   */
  checkReadsWith(readable: ReadableCases): void {
    this.readable = readable;
  }

  async runOnce(signal?: AbortSignal, fence?: LeaseGrant): Promise<SubscriptionDmReport> {
    const report: SubscriptionDmReport = { posted: 0, reconciled: 0, held: 0 };
    const unsettled = await this.reconcile(report, signal, fence);
    const byUser = new Map<string, Subscription[]>();
    for (const subscription of await this.options.store.allSubscriptions()) {
      byUser.set(subscription.userId, [...(byUser.get(subscription.userId) ?? []), subscription]);
    }
    for (const [userId, all] of byUser) {
      signal?.throwIfAborted();
      const subscriptions = await this.stillReadable(userId, all);
      const due: DueSubscriptionDm[] = [];
      for (const subscription of subscriptions) {
        // A message whose fate is unknown blocks the next one about the case until Slack has been asked.
        if (unsettled.has(caseOf(subscription))) continue;
        const dm = await this.dueFor(subscription);
        if (dm) due.push(dm);
      }
      if (due.length === 0) continue;
      const settings = await this.options.store.getSubscriberSettings(userId);
      const timezone = await this.timezoneOf(userId, settings, signal);
      if (timezone === undefined) continue;
      if (isNight(new Date(this.clock.now()), nightOf(settings), timezone)) {
        report.held += due.length;
        continue;
      }
      let channelId: string;
      try {
        channelId = await this.options.publisher.openDm(userId, signal);
      } catch (error) {
        this.logger.warn(
          { user: userId, err: error },
          'could not open a direct message; tried again next poll',
        );
        continue;
      }
      for (const dm of due) {
        if (await this.postOnce(channelId, dm, signal, fence)) report.posted++;
      }
    }
    return report;
  }

  /** The person's subscriptions they may read now; none when that cannot be told (asked again next poll). */
  private async stillReadable(userId: string, subscriptions: Subscription[]): Promise<Subscription[]> {
    if (!this.readable) return subscriptions;
    try {
      const allowed = new Set(
        (await this.readable(userId, subscriptions)).map((c) => `${c.vendor}\u0000${c.caseId}`),
      );
      return subscriptions.filter((s) => allowed.has(`${s.vendor}\u0000${s.caseId}`));
    } catch (error) {
      this.logger.warn(
        { user: userId, err: error },
        'could not check what a subscriber may read; tried again next poll',
      );
      return [];
    }
  }

  private async dueFor(subscription: Subscription): Promise<DueSubscriptionDm | undefined> {
    const events = await this.options.store.caseEventsAfter(
      subscription.vendor,
      subscription.caseId,
      subscription.cursor,
      EVENTS_PER_MESSAGE,
    );
    const told = events.filter(isNotifiable);
    const last = events.at(-1);
    if (told.length === 0 || !last) return undefined;
    const range = {
      userId: subscription.userId,
      vendor: subscription.vendor,
      caseId: subscription.caseId,
      fromEventId: told[0]!.id,
      toEventId: last.id,
    };
    return { key: subscriptionDmKey(range), ...range, events: told };
  }

  /** The person's zone as Slack gives it, asked again after a day; the kept one when Slack cannot answer. */
  private async timezoneOf(
    userId: string,
    settings: SubscriberSettings | undefined,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const now = this.clock.now();
    const checked = settings?.timezoneCheckedAt ? Date.parse(settings.timezoneCheckedAt) : Number.NaN;
    if (settings?.timezone && now - checked < TIMEZONE_RECHECK_MS) return settings.timezone;
    try {
      const timezone =
        validZone(await this.options.publisher.timezoneOf(userId, signal)) ?? FALLBACK_TIMEZONE;
      await this.options.store.saveSubscriberSettings({
        userId,
        timezone,
        timezoneCheckedAt: new Date(now).toISOString(),
      });
      return timezone;
    } catch (error) {
      if (settings?.timezone) return settings.timezone;
      this.logger.warn(
        { user: userId, err: error },
        "could not read the person's time zone; their messages wait for the next poll",
      );
      return undefined;
    }
  }

  private async postOnce(
    channelId: string,
    dm: DueSubscriptionDm,
    signal: AbortSignal | undefined,
    fence: LeaseGrant | undefined,
  ): Promise<boolean> {
    const { store, publisher } = this.options;
    const { events: _events, ...record } = dm;
    if (!(await store.beginSubscriptionDm({ ...record, dmChannelId: channelId }))) return false;
    let ts: string;
    try {
      ts = await publisher.post(channelId, dm, signal);
    } catch (error) {
      if (error instanceof SubscriptionDmNotPostedError) {
        await store.forgetSubscriptionDm(dm.key);
        this.logger.warn({ key: dm.key, err: error }, 'Slack refused the direct message; tried again later');
      } else {
        this.logger.warn(
          { key: dm.key, err: error },
          'direct message outcome unknown; the next run looks for it in Slack before sending again',
        );
      }
      return false;
    }
    await store.settleSubscriptionDm(dm.key, ts, new Date(this.clock.now()).toISOString(), fence);
    this.logger.info({ key: dm.key, ts }, 'direct message posted');
    return true;
  }

  /** Settles pending records; returns the cases (person and case) it could not settle yet. */
  private async reconcile(
    report: SubscriptionDmReport,
    signal: AbortSignal | undefined,
    fence: LeaseGrant | undefined,
  ): Promise<Set<string>> {
    const { store, publisher } = this.options;
    const unsettled = new Set<string>();
    const now = this.clock.now();
    const byChannel = new Map<string, SubscriptionDm[]>();
    for (const record of await store.pendingSubscriptionDms()) {
      // Younger than this, it may still be in flight on a replica that lost the lease mid-run.
      if (now - Date.parse(record.createdAt) < RECONCILE_MIN_AGE_MS) {
        unsettled.add(caseOf(record));
        continue;
      }
      byChannel.set(record.dmChannelId, [...(byChannel.get(record.dmChannelId) ?? []), record]);
    }
    for (const [channelId, records] of byChannel) {
      const since = new Date(Date.parse(records[0]!.createdAt) - HISTORY_LOOKBACK_MARGIN_MS).toISOString();
      let found: Array<{ key: string; ts: string }>;
      try {
        found = await publisher.findPosted(channelId, since, signal);
      } catch (error) {
        for (const record of records) unsettled.add(caseOf(record));
        this.logger.warn(
          { channel: channelId, err: error },
          'could not read the direct messages back to settle pending ones; they wait for the next run',
        );
        continue;
      }
      for (const record of records) {
        const posted = found.find((tag) => tag.key === record.key);
        if (posted) {
          await store.settleSubscriptionDm(record.key, posted.ts, record.createdAt, fence);
          report.reconciled++;
          this.logger.info(
            { key: record.key, ts: posted.ts },
            'direct message found in Slack: recorded as posted instead of sending it again',
          );
        } else {
          await store.forgetSubscriptionDm(record.key);
        }
      }
    }
    return unsettled;
  }
}

function caseOf(record: { userId: string; vendor: string; caseId: string }): string {
  return `${record.userId}\u0000${record.vendor}\u0000${record.caseId}`;
}

/** A zone this Node can read nights in; Slack's value is otherwise ignored. */
function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
