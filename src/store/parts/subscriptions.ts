/** Personal subscriptions, each person's night hours and time zone, and the outbox of their direct messages. */
import type { VendorId } from '../../domain/case.js';
import type {
  LeaseGrant,
  SubscriberSettings,
  Subscription,
  SubscriptionDm,
  SubscriptionStore,
} from '../../domain/ports/store.js';
import type { SubscriberSettingsTable, SubscriptionDmsTable, SubscriptionsTable } from '../schema.js';
import { countOf, isoInstant, nowIso, type StoreContext } from './context.js';
import { assertLeaseHeld } from './coordination.js';

export class KyselySubscriptionStore implements SubscriptionStore {
  constructor(private readonly context: StoreContext) {}

  async addSubscription(entry: { userId: string; vendor: VendorId; caseId: string }): Promise<boolean> {
    const { db } = this.context;
    return db.transaction().execute(async (trx) => {
      const newest = await trx
        .selectFrom('status_events')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('vendor', '=', entry.vendor)
        .where('case_id', '=', entry.caseId)
        .executeTakeFirst();
      const result = await trx
        .insertInto('subscriptions')
        .values({
          user_id: entry.userId,
          vendor: entry.vendor,
          case_id: entry.caseId,
          cursor: Number(newest?.id ?? 0),
          created_at: nowIso(this.context),
        })
        .onConflict((conflict) => conflict.columns(['user_id', 'vendor', 'case_id']).doNothing())
        .executeTakeFirst();
      return countOf(result.numInsertedOrUpdatedRows) > 0;
    });
  }

  async removeSubscription(userId: string, vendor: VendorId, caseId: string): Promise<boolean> {
    const result = await this.context.db
      .deleteFrom('subscriptions')
      .where('user_id', '=', userId)
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return countOf(result.numDeletedRows) > 0;
  }

  async subscriptionsOf(userId: string): Promise<Subscription[]> {
    const rows = await this.context.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromSubscriptionRow);
  }

  async allSubscriptions(): Promise<Subscription[]> {
    const rows = await this.context.db
      .selectFrom('subscriptions')
      .selectAll()
      .orderBy('user_id')
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromSubscriptionRow);
  }

  async subscribedCases(): Promise<Array<{ vendor: VendorId; caseId: string }>> {
    const rows = await this.context.db
      .selectFrom('subscriptions')
      .select(['vendor', 'case_id'])
      .distinct()
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map((row) => ({ vendor: row.vendor, caseId: row.case_id }));
  }

  async getSubscriberSettings(userId: string): Promise<SubscriberSettings | undefined> {
    const row = await this.context.db
      .selectFrom('subscriber_settings')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && fromSettingsRow(row);
  }

  async saveSubscriberSettings(settings: SubscriberSettings): Promise<SubscriberSettings> {
    const editable: Partial<Omit<SubscriberSettingsTable, 'user_id'>> & { updated_at: string } = {
      updated_at: nowIso(this.context),
    };
    if (settings.night) {
      editable.night_from = settings.night.from;
      editable.night_to = settings.night.to;
    }
    if (settings.timezone !== undefined) editable.timezone = settings.timezone;
    if (settings.timezoneCheckedAt !== undefined)
      editable.timezone_checked_at = isoInstant(settings.timezoneCheckedAt, 'timezoneCheckedAt');
    const row = await this.context.db
      .insertInto('subscriber_settings')
      .values({
        user_id: settings.userId,
        night_from: null,
        night_to: null,
        timezone: null,
        timezone_checked_at: null,
        ...editable,
      })
      .onConflict((conflict) => conflict.column('user_id').doUpdateSet(editable))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromSettingsRow(row);
  }

  async beginSubscriptionDm(
    dm: Omit<SubscriptionDm, 'state' | 'ts' | 'createdAt' | 'postedAt'>,
  ): Promise<boolean> {
    const result = await this.context.db
      .insertInto('subscription_dms')
      .values({
        key: dm.key,
        user_id: dm.userId,
        vendor: dm.vendor,
        case_id: dm.caseId,
        from_event_id: dm.fromEventId,
        to_event_id: dm.toEventId,
        dm_channel_id: dm.dmChannelId,
        state: 'pending',
        ts: null,
        created_at: nowIso(this.context),
        posted_at: null,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async settleSubscriptionDm(key: string, ts: string, postedAt: string, fence?: LeaseGrant): Promise<void> {
    const { db, dialect } = this.context;
    await db.transaction().execute(async (trx) => {
      if (fence) await assertLeaseHeld(trx, dialect, fence);
      const row = await trx
        .updateTable('subscription_dms')
        .set({ state: 'posted', ts, posted_at: isoInstant(postedAt, 'postedAt') })
        .where('key', '=', key)
        .returningAll()
        .executeTakeFirst();
      if (!row) return;
      // Only forward: a later message already told the person about these events.
      await trx
        .updateTable('subscriptions')
        .set({ cursor: Number(row.to_event_id) })
        .where('user_id', '=', row.user_id)
        .where('vendor', '=', row.vendor)
        .where('case_id', '=', row.case_id)
        .where('cursor', '<', Number(row.to_event_id))
        .execute();
    });
  }

  async forgetSubscriptionDm(key: string): Promise<void> {
    await this.context.db
      .deleteFrom('subscription_dms')
      .where('key', '=', key)
      .where('state', '=', 'pending')
      .execute();
  }

  async pendingSubscriptionDms(): Promise<SubscriptionDm[]> {
    const rows = await this.context.db
      .selectFrom('subscription_dms')
      .selectAll()
      .where('state', '=', 'pending')
      .orderBy('created_at')
      .orderBy('key')
      .execute();
    return rows.map(fromDmRow);
  }
}

function fromSubscriptionRow(row: SubscriptionsTable): Subscription {
  return {
    userId: row.user_id,
    vendor: row.vendor,
    caseId: row.case_id,
    cursor: Number(row.cursor),
    createdAt: row.created_at,
  };
}

function fromSettingsRow(row: SubscriberSettingsTable): SubscriberSettings {
  return {
    userId: row.user_id,
    ...(row.night_from !== null && row.night_to !== null
      ? { night: { from: row.night_from, to: row.night_to } }
      : {}),
    ...(row.timezone === null ? {} : { timezone: row.timezone }),
    ...(row.timezone_checked_at === null ? {} : { timezoneCheckedAt: row.timezone_checked_at }),
  };
}

function fromDmRow(row: SubscriptionDmsTable): SubscriptionDm {
  return {
    key: row.key,
    userId: row.user_id,
    vendor: row.vendor,
    caseId: row.case_id,
    fromEventId: Number(row.from_event_id),
    toEventId: Number(row.to_event_id),
    dmChannelId: row.dm_channel_id,
    state: row.state === 'posted' ? 'posted' : 'pending',
    ...(row.ts === null ? {} : { ts: row.ts }),
    createdAt: row.created_at,
    ...(row.posted_at === null ? {} : { postedAt: row.posted_at }),
  };
}
