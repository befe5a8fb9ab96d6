/**
 * Personal subscriptions ("Notify me"): subscribe to a case (a read of it, so the policy's `lookup` rules and
 * where the case lives decide, as for watching), stop, list a person's subscriptions with what the poller
 * last saw of each (App Home's "Notifying you"), and set the person's night hours.
 */
import type { Actor } from '../actions.js';
import type { Case, VendorId } from '../case.js';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { EventLog, SubscriptionStore } from '../ports/store.js';
import { DEFAULT_NIGHT, nightOf, validNight } from '../subscriptions.js';
import type { CaseService } from './case-service.js';
import { quietly } from './write-once.js';

export interface SubscribedCase {
  vendor: VendorId;
  caseId: string;
  title?: string;
  status?: string;
  url?: string;
  since: string;
}

export interface SubscriptionsView {
  subscriptions: SubscribedCase[];
  night: { from: string; to: string };
  /** False while the person keeps the default night. */
  nightChosen: boolean;
}

export interface SubscriptionServiceOptions {
  cases: Pick<CaseService, 'lookup' | 'parseCaseId'>;
  store: Pick<
    SubscriptionStore,
    | 'addSubscription'
    | 'removeSubscription'
    | 'subscriptionsOf'
    | 'getSubscriberSettings'
    | 'saveSubscriberSettings'
  > &
    Pick<EventLog, 'getSnapshots' | 'recordObservation'>;
  logger: Logger;
  now?: () => Date;
}

export class SubscriptionService {
  private readonly now: () => Date;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Looks the case up as the person (policy, visibility, vendor), then subscribes them. */
  async subscribe(
    actor: Actor,
    vendor: VendorId,
    rawId: string,
  ): Promise<{ added: boolean; case: Case; night: { from: string; to: string } }> {
    const { cases, store, logger } = this.options;
    const current = await cases.lookup(actor, vendor, rawId);
    // The snapshot the poller compares against: changes from now on are what the person hears about.
    await quietly(logger, 'store the first snapshot', () =>
      store.recordObservation(current, this.now().toISOString()),
    );
    const added = await store.addSubscription({ userId: actor.userId, vendor, caseId: current.id });
    return { added, case: current, night: nightOf(await store.getSubscriberSettings(actor.userId)) };
  }

  /** Anyone may stop their own subscription, whatever the policy says now. */
  async unsubscribe(actor: Actor, vendor: VendorId, rawId: string): Promise<boolean> {
    let id = rawId.trim();
    try {
      id = this.options.cases.parseCaseId(vendor, rawId);
    } catch {
      // A vendor no longer configured: the id as stored still names the subscription.
    }
    return this.options.store.removeSubscription(actor.userId, vendor, id);
  }

  async isSubscribed(userId: string, vendor: VendorId, caseId: string): Promise<boolean> {
    const mine = await this.options.store.subscriptionsOf(userId);
    return mine.some((s) => s.vendor === vendor && s.caseId === caseId);
  }

  async view(userId: string): Promise<SubscriptionsView> {
    const { store } = this.options;
    const [subscriptions, settings] = await Promise.all([
      store.subscriptionsOf(userId),
      store.getSubscriberSettings(userId),
    ]);
    const snapshots =
      subscriptions.length === 0
        ? []
        : await store.getSnapshots(subscriptions.map((s) => ({ vendor: s.vendor, caseId: s.caseId })));
    const byKey = new Map(snapshots.map((s) => [`${s.vendor}\u0000${s.caseId}`, s]));
    return {
      subscriptions: subscriptions.map((s) => {
        const snapshot = byKey.get(`${s.vendor}\u0000${s.caseId}`);
        return {
          vendor: s.vendor,
          caseId: s.caseId,
          since: s.createdAt,
          ...(snapshot ? { title: snapshot.title, status: snapshot.status } : {}),
          ...(snapshot?.url ? { url: snapshot.url } : {}),
        };
      }),
      night: nightOf(settings),
      nightChosen: settings?.night !== undefined,
    };
  }

  /** One end of the night (`from` or `to`, `HH:MM`); the other stays as it was. */
  async setNight(userId: string, end: 'from' | 'to', time: string): Promise<{ from: string; to: string }> {
    const { store } = this.options;
    const night = { ...nightOf(await store.getSubscriberSettings(userId)), [end]: time };
    if (!validNight(night.from, night.to)) {
      throw new InvalidInputError(
        `Night hours must be two different times (HH:MM), e.g. ${DEFAULT_NIGHT.from} to ${DEFAULT_NIGHT.to}.`,
      );
    }
    await store.saveSubscriberSettings({ userId, night });
    return night;
  }
}
