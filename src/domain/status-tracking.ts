/**
 * The poll use case: refresh every watched case once (however many channels watch it) with each vendor's
 * cheapest bulk call, record what changed as events, and tell the cards. No Slack, no HTTP: vendors come
 * through the port, cards through `CaseCardUpdater`.
 *
 * A bulk summary (Cisco's) carries only part of a case. It is merged into the snapshot (what it lacks is kept),
 * and when it shows that a case moved (its status or the vendor's updated time), that one case's details are
 * fetched once, so the events and the cards carry the new owner, notes and severity. A sweep therefore costs
 * the bulk calls plus one detail call per changed case.
 *
 * A vendor that fails records a sync failure on its cases and nothing else, so an outage can never show up
 * as a status change; the next run simply tries again.
 */

import { type Case, caseKey, type VendorId } from './case.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { CaseEvent, LeaseGrant, StatusChangeEvent, Store } from './ports/store.js';
import type { VendorAdapter, VendorDirectory } from './ports/vendor.js';

/** Implemented on the Slack side: updates the cards posted for a case, in place. */
export interface CaseCardUpdater {
  /** `current` is the case as now stored (a summary merged into what was known); `events` are in order. */
  caseChanged(current: Case, events: readonly CaseEvent[]): Promise<void>;
}

/** What the tracker needs of the vendor registry. */
export type VendorLookup = Pick<VendorDirectory, 'get' | 'profile'>;

export type TrackingStore = Pick<
  Store,
  'watchedCases' | 'getSnapshots' | 'observeCase' | 'recordSyncFailure'
> &
  // Cases people asked to be notified about are refreshed too, watched in a channel or not.
  Partial<Pick<Store, 'subscribedCases'>>;

export interface PollReport {
  startedAt: string;
  finishedAt: string;
  /** Distinct watched cases. */
  watched: number;
  /** Cases the vendor answered for. */
  refreshed: number;
  /** Cases whose vendor failed (marked on their snapshot). */
  failed: number;
  /** Cases of vendors that are not configured here (left untouched). */
  skipped: number;
  /** Status changes. */
  changes: StatusChangeEvent[];
  /** Every event recorded (status changes, notes, owner and severity changes), in the order recorded. */
  events: CaseEvent[];
  /** Detail calls made because a summary showed a case had moved. */
  detailLookups: number;
  /** True when a stop request ended the run before every case was refreshed. */
  abandoned: boolean;
}

export interface PollOptions {
  /** Checked between batches: an aborted run stops at the next batch boundary, every batch being whole. */
  signal?: AbortSignal;
  /** The poller's lease: every observation is recorded under it, and refused once it changed hands. */
  fence?: LeaseGrant;
}

export interface StatusTrackerOptions {
  store: TrackingStore;
  vendors: VendorLookup;
  logger: Logger;
  clock?: Pick<Clock, 'now'>;
  cards?: CaseCardUpdater;
  /**
   * Ids handed to one `adapter.refresh` call. The adapter batches further (Cisco: 30 per summary call) and
   * paces within its rate budget; this only bounds how much a stop request waits for. A multiple of 30.
   */
  idsPerRefresh?: number;
}

export class StatusTracker {
  private readonly store: TrackingStore;
  private readonly vendors: VendorLookup;
  private readonly logger: Logger;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly idsPerRefresh: number;
  private cards: CaseCardUpdater | undefined;
  /** Vendors already reported as unconfigured, so a misconfiguration is logged once, not every run. */
  private readonly reportedUnconfigured = new Set<VendorId>();

  constructor(options: StatusTrackerOptions) {
    this.store = options.store;
    this.vendors = options.vendors;
    this.logger = options.logger.child({ component: 'status-tracker' });
    this.clock = options.clock ?? { now: () => Date.now() };
    this.cards = options.cards;
    this.idsPerRefresh = options.idsPerRefresh ?? 90;
  }

  /** The Slack side is built after the tracker in the composition root. */
  setCardUpdater(cards: CaseCardUpdater | undefined): void {
    this.cards = cards;
  }

  async pollOnce(options: PollOptions = {}): Promise<PollReport> {
    const startedAt = this.nowIso();
    const watched = await this.casesToRefresh();
    const idsByVendor = new Map<VendorId, string[]>();
    for (const { vendor, caseId } of watched) {
      const ids = idsByVendor.get(vendor) ?? [];
      ids.push(caseId);
      idsByVendor.set(vendor, ids);
    }

    const report: PollReport = {
      startedAt,
      finishedAt: startedAt,
      watched: watched.length,
      refreshed: 0,
      failed: 0,
      skipped: 0,
      changes: [],
      events: [],
      detailLookups: 0,
      abandoned: false,
    };
    // Vendors have separate budgets, so they are refreshed side by side; a store failure in one vendor's
    // batch lets the others finish before the run reports it.
    const settled = await Promise.allSettled(
      [...idsByVendor].map(([vendor, ids]) => this.pollVendor(vendor, ids, report, options)),
    );
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    report.finishedAt = this.nowIso();
    this.logger.info(
      {
        watched: report.watched,
        refreshed: report.refreshed,
        failed: report.failed,
        skipped: report.skipped,
        changes: report.changes.length,
        events: report.events.length,
        detailLookups: report.detailLookups,
        abandoned: report.abandoned,
      },
      'poll finished',
    );
    return report;
  }

  /** Every watched or subscribed case once. */
  private async casesToRefresh(): Promise<Array<{ vendor: VendorId; caseId: string }>> {
    const [watched, subscribed] = await Promise.all([
      this.store.watchedCases(),
      this.store.subscribedCases?.() ?? [],
    ]);
    const seen = new Set(watched.map((c) => caseKey(c.vendor, c.caseId)));
    return [...watched, ...subscribed.filter((c) => !seen.has(caseKey(c.vendor, c.caseId)))];
  }

  private async pollVendor(
    vendor: VendorId,
    ids: string[],
    report: PollReport,
    { signal, fence }: PollOptions,
  ): Promise<void> {
    const adapter = this.vendors.get(vendor);
    if (!adapter) {
      report.skipped += ids.length;
      if (!this.reportedUnconfigured.has(vendor)) {
        this.reportedUnconfigured.add(vendor);
        this.logger.warn(
          { vendor, watchedCases: ids.length },
          `${this.vendors.profile(vendor).name} is not configured: its watched cases are not refreshed (their last known status stays as it was)`,
        );
      }
      return;
    }
    for (let start = 0; start < ids.length; start += this.idsPerRefresh) {
      if (signal?.aborted) {
        report.abandoned = true;
        return;
      }
      await this.refreshBatch(adapter, ids.slice(start, start + this.idsPerRefresh), report, fence);
    }
  }

  private async refreshBatch(
    adapter: VendorAdapter,
    ids: string[],
    report: PollReport,
    fence: LeaseGrant | undefined,
  ): Promise<void> {
    let outcomes: Awaited<ReturnType<VendorAdapter['refresh']>>;
    try {
      outcomes = await adapter.refresh(ids);
    } catch (error) {
      const at = this.nowIso();
      const message = describe(error);
      this.logger.warn({ vendor: adapter.vendor, cases: ids.length, err: error }, 'refresh failed');
      for (const id of ids) await this.store.recordSyncFailure(adapter.vendor, id, message, at);
      report.failed += ids.length;
      return;
    }
    const answered = new Set<string>();
    const good: Array<{ id: string; case: Case; summary: boolean }> = [];
    for (const outcome of outcomes) {
      answered.add(outcome.id);
      if (!outcome.ok) {
        report.failed++;
        await this.store.recordSyncFailure(adapter.vendor, outcome.id, outcome.error.message, this.nowIso());
        continue;
      }
      // Stored under the id the channel watches, even if the vendor spells it differently in its answer.
      good.push({
        id: outcome.id,
        case: { ...outcome.case, vendor: adapter.vendor, id: outcome.id },
        summary: outcome.summary === true,
      });
    }
    const seen = await this.completeMovedSummaries(adapter, good, report);
    const at = this.nowIso();
    for (const observed of seen) {
      report.refreshed++;
      const observation = await this.store.observeCase(observed.case, at, {
        ...(fence ? { fence } : {}),
        summary: observed.summary,
      });
      if (observation.events.length === 0) continue;
      report.events.push(...observation.events);
      report.changes.push(...observation.events.filter((event) => event.kind === 'status'));
      await this.updateCards(observation.case, observation.events);
    }
    // An adapter that silently drops an id has not vouched for it: treat it as a failure, never a change.
    for (const id of ids) {
      if (answered.has(id)) continue;
      report.failed++;
      await this.store.recordSyncFailure(
        adapter.vendor,
        id,
        `${this.vendors.profile(adapter.vendor).name} gave no answer for this case`,
        at,
      );
    }
  }

  /**
   * Summaries that show a case moved (status, or the vendor's updated time), or of a case without a snapshot,
   * are replaced by that case's details, one lookup each, side by side (the adapter's rate budget paces them). A lookup that fails keeps
   * the summary: the status change is still recorded, the rest comes with the next change.
   */
  private async completeMovedSummaries(
    adapter: VendorAdapter,
    answers: Array<{ id: string; case: Case; summary: boolean }>,
    report: PollReport,
  ): Promise<Array<{ id: string; case: Case; summary: boolean }>> {
    const summaries = answers.filter((answer) => answer.summary);
    if (summaries.length === 0) return answers;
    const snapshots = new Map(
      (await this.store.getSnapshots(summaries.map((a) => ({ vendor: adapter.vendor, caseId: a.id })))).map(
        (snapshot) => [snapshot.caseId, snapshot],
      ),
    );
    return Promise.all(
      answers.map(async (answer) => {
        if (!answer.summary) return answer;
        // A case never seen whole (watched before its first snapshot could be stored) is looked up once, so
        // the owner and notes it already had are its baseline, not news.
        const snapshot = snapshots.get(answer.id);
        if (snapshot && !moved(snapshot.case, answer.case)) return answer;
        report.detailLookups++;
        try {
          const detail = await adapter.lookup(answer.id);
          return {
            id: answer.id,
            case: { ...detail, vendor: adapter.vendor, id: answer.id },
            summary: false,
          };
        } catch (error) {
          this.logger.warn(
            { case: caseKey(adapter.vendor, answer.id), err: error },
            'the summary shows a change but the details could not be read; recording the summary',
          );
          return answer;
        }
      }),
    );
  }

  private async updateCards(current: Case, events: readonly CaseEvent[]): Promise<void> {
    if (!this.cards) return;
    try {
      await this.cards.caseChanged(current, events);
    } catch (error) {
      // The change is recorded and will be in the digest; a stale card is not worth failing the poll for.
      this.logger.warn(
        { case: caseKey(current.vendor, current.id), err: error },
        'could not update posted cards',
      );
    }
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** Whether a summary shows that a case changed since its snapshot. */
function moved(stored: Case, summary: Case): boolean {
  if (stored.status !== summary.status) return true;
  return summary.updatedAt !== undefined && summary.updatedAt !== stored.updatedAt;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
