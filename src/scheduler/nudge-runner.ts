/**
 * Posts the nudges that are due, once each: run by the scheduler after each poll, under the poller's lease
 * (so one replica at a time). Every nudge is recorded in the store under its unique key before it is posted
 * and carries that key in its message metadata; a record left pending (a crash, a lost answer) is settled by
 * looking for the key in the card's thread (or the channel) before anything else is posted.
 */
import { caseKey } from '../domain/case.js';
import { effectiveDigestSchedule } from '../domain/digest.js';
import { inQuietHours, NUDGE_SITUATIONS, nextNudgeDue, nudgeKey, nudgeStayOf } from '../domain/nudges.js';
import { type Clock, systemClock } from '../domain/ports/clock.js';
import type { NudgeRecord, NudgeSituation, NudgeStay, Store } from '../domain/ports/store.js';
import { recordedClocks } from '../domain/response-clock.js';
import type { Logger } from '../logging/logger.js';
import { HISTORY_LOOKBACK_MARGIN_MS } from './digest-reconcile.js';

/**
 * A pending record younger than this may still be in flight on another replica (one that lost the poller
 * lease mid-run): it is left alone, not looked for, so it cannot be forgotten and posted a second time.
 */
export const RECONCILE_MIN_AGE_MS = 2 * 60_000;

/** Thrown by a publisher when Slack answered that it did not post the nudge. */
export class NudgeNotPostedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NudgeNotPostedError';
  }
}

/** What a nudge says, for the publisher to render. */
export interface DueNudge {
  key: string;
  stay: NudgeStay;
  sequence: number;
  title: string;
  url?: string;
  /** How long the case has been in the situation when the nudge is posted. */
  lastedMs: number;
  /** The person who opened the case or last acted on it from Slack, when known. */
  mention?: string;
}

export interface NudgePublisher {
  /** Posts in the thread of `threadTs` (or the channel) and returns Slack's ts. */
  post(nudge: DueNudge, threadTs: string | undefined, signal?: AbortSignal): Promise<string>;
  /** The keys of caseops' nudges found in that thread (or the channel) since `since` (ISO). */
  findPosted(
    channelId: string,
    threadTs: string | undefined,
    since: string,
    signal?: AbortSignal,
  ): Promise<Array<{ key: string; ts: string }>>;
}

export type NudgeRunnerStore = Pick<
  Store,
  | 'nudgeChannels'
  | 'beginNudge'
  | 'settleNudge'
  | 'forgetNudge'
  | 'pendingNudges'
  | 'nudgesOfStay'
  | 'nudgeHold'
  | 'watchesInChannel'
  | 'getSnapshots'
  | 'getDigestSettings'
  | 'auditForCase'
  | 'cardsFor'
  | 'clockReadings'
>;

export interface NudgeRunnerOptions {
  store: NudgeRunnerStore;
  publisher: NudgePublisher;
  /** DIGEST_CRON / DIGEST_TZ: a channel's quiet hours are read in its digest time zone. */
  digestDefaults: { cron: string; timezone: string };
  logger: Logger;
  clock?: Clock;
}

export interface NudgeReport {
  posted: number;
  /** Pending records found in Slack and recorded as posted instead of posting again. */
  reconciled: number;
  /** Channels skipped because their quiet hours hold. */
  quiet: number;
}

export class NudgeRunner {
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: NudgeRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'nudges' });
  }

  async runOnce(signal?: AbortSignal): Promise<NudgeReport> {
    const report: NudgeReport = { posted: 0, reconciled: 0, quiet: 0 };
    const unsettled = await this.reconcile(report, signal);
    const { store } = this.options;
    for (const settings of await store.nudgeChannels()) {
      signal?.throwIfAborted();
      const now = new Date(this.clock.now());
      const digest = await store.getDigestSettings(settings.channelId);
      const { timezone } = effectiveDigestSchedule(settings.channelId, digest, this.options.digestDefaults);
      if (inQuietHours(now, settings.quiet, timezone)) {
        report.quiet++;
        continue;
      }
      const watches = await store.watchesInChannel(settings.channelId);
      const snapshots = await store.getSnapshots(watches);
      const clocks = await recordedClocks(store, snapshots);
      for (const snapshot of snapshots) {
        const clock = clocks.get(caseKey(snapshot.vendor, snapshot.caseId));
        const stay = nudgeStayOf(settings.channelId, snapshot, clock);
        const period = stay && settings.rules[stay.situation];
        if (!stay || period === undefined) continue;
        const sent = await store.nudgesOfStay(stay);
        // A nudge whose fate is unknown blocks the next one until Slack has been asked.
        if (sent.some((record) => record.state === 'pending' || unsettled.has(record.key))) continue;
        const next = nextNudgeDue(stay, period, sent, await store.nudgeHold(stay));
        if (!next || now < next.due) continue;
        const watch = watches.find((w) => w.vendor === stay.vendor && w.caseId === stay.caseId);
        const lastActor = (await store.auditForCase(stay.vendor, stay.caseId, 1))[0]?.actorUserId;
        const mention = lastActor ?? watch?.createdBy;
        const card = (await store.cardsFor(stay.vendor, stay.caseId)).find(
          (c) => c.channelId === stay.channelId,
        );
        const nudge: DueNudge = {
          key: nudgeKey(stay, next.sequence),
          stay,
          sequence: next.sequence,
          title: snapshot.title,
          ...(snapshot.url ? { url: snapshot.url } : {}),
          lastedMs: now.getTime() - Date.parse(stay.stayStart),
          ...(mention ? { mention } : {}),
        };
        if (await this.postOnce(nudge, card?.ts, signal)) report.posted++;
      }
    }
    return report;
  }

  private async postOnce(nudge: DueNudge, threadTs: string | undefined, signal?: AbortSignal) {
    const { store } = this.options;
    const fresh = await store.beginNudge({
      key: nudge.key,
      ...nudge.stay,
      sequence: nudge.sequence,
      ...(threadTs ? { threadTs } : {}),
    });
    if (!fresh) return false;
    try {
      const ts = await this.options.publisher.post(nudge, threadTs, signal);
      await store.settleNudge(nudge.key, ts, new Date(this.clock.now()).toISOString());
      this.logger.info({ key: nudge.key, ts }, 'nudge posted');
      return true;
    } catch (error) {
      if (error instanceof NudgeNotPostedError) {
        await store.forgetNudge(nudge.key);
        this.logger.warn({ key: nudge.key, err: error }, 'Slack refused the nudge; it is tried again later');
      } else {
        this.logger.warn(
          { key: nudge.key, err: error },
          'nudge outcome unknown; the next run looks for it in Slack before posting again',
        );
      }
      return false;
    }
  }

  /** Settles pending records; returns the keys it could not settle (Slack could not be read). */
  private async reconcile(report: NudgeReport, signal?: AbortSignal): Promise<Set<string>> {
    const { store, publisher } = this.options;
    const unsettled = new Set<string>();
    const now = this.clock.now();
    const pending: NudgeRecord[] = [];
    for (const record of await store.pendingNudges()) {
      if (now - Date.parse(record.createdAt) < RECONCILE_MIN_AGE_MS) unsettled.add(record.key);
      else pending.push(record);
    }
    const byPlace = new Map<string, NudgeRecord[]>();
    for (const record of pending) {
      const place = `${record.channelId} ${record.threadTs ?? ''}`;
      byPlace.set(place, [...(byPlace.get(place) ?? []), record]);
    }
    for (const records of byPlace.values()) {
      const first = records[0]!;
      const since = new Date(Date.parse(first.createdAt) - HISTORY_LOOKBACK_MARGIN_MS).toISOString();
      let found: Array<{ key: string; ts: string }>;
      try {
        found = await publisher.findPosted(first.channelId, first.threadTs, since, signal);
      } catch (error) {
        for (const record of records) unsettled.add(record.key);
        this.logger.warn(
          { channel: first.channelId, err: error },
          'could not read Slack to settle pending nudges; they wait for the next run',
        );
        continue;
      }
      for (const record of records) {
        const posted = found.find((tag) => tag.key === record.key);
        if (posted) {
          await store.settleNudge(record.key, posted.ts, record.createdAt);
          report.reconciled++;
          this.logger.info(
            { key: record.key, ts: posted.ts },
            'nudge found in Slack: recorded as posted instead of posting it again',
          );
        } else {
          await store.forgetNudge(record.key);
        }
      }
    }
    return unsettled;
  }
}

export function isNudgeSituation(value: unknown): value is NudgeSituation {
  return NUDGE_SITUATIONS.includes(value as NudgeSituation);
}
