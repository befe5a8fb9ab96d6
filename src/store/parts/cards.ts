/** Cards caseops posted (updated in place later) and each person's recent cases (App Home). */
import type { VendorId } from '../../domain/case.js';
import type { CardStore, PostedCard, RecentCase } from '../../domain/ports/store.js';
import type { PostedCardsTable, RecentCasesTable } from '../schema.js';
import { isoInstant, nowIso, positiveLimit, type StoreContext } from './context.js';
import { startCardThread } from './thread-updates.js';

export const DEFAULT_RECENT_CASES_LIMIT = 10;
/** App Home shows a handful; older entries per user are dropped as new ones arrive. */
export const RECENT_CASES_KEPT_PER_USER = 50;

export class KyselyCardStore implements CardStore {
  constructor(private readonly context: StoreContext) {}

  async rememberCard(card: PostedCard): Promise<void> {
    await this.context.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('posted_cards')
        .values({
          vendor: card.vendor,
          case_id: card.caseId,
          channel_id: card.channelId,
          ts: card.ts,
          permalink: null,
        })
        .onConflict((conflict) =>
          conflict.columns(['vendor', 'case_id', 'channel_id']).doUpdateSet((eb) => ({
            ts: card.ts,
            // A newer card has a permalink of its own, fetched when first needed.
            permalink: eb
              .case()
              .when('posted_cards.ts', '=', card.ts)
              .then(eb.ref('posted_cards.permalink'))
              .else(null)
              .end(),
          })),
        )
        .execute();
      await startCardThread(trx, card);
    });
  }

  async cardsFor(vendor: VendorId, caseId: string): Promise<PostedCard[]> {
    const rows = await this.context.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('channel_id')
      .execute();
    return rows.map(fromCardRow);
  }

  async cardAt(channelId: string, ts: string): Promise<PostedCard | undefined> {
    const row = await this.context.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('ts', '=', ts)
      .executeTakeFirst();
    return row ? fromCardRow(row) : undefined;
  }

  async recordRecentCase(entry: Omit<RecentCase, 'at'> & { at?: string }): Promise<void> {
    const at = entry.at === undefined ? nowIso(this.context) : isoInstant(entry.at, 'at');
    await this.context.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recent_cases')
        .values({
          user_id: entry.userId,
          vendor: entry.vendor,
          case_id: entry.caseId,
          title: entry.title,
          at,
        })
        .onConflict((conflict) =>
          conflict.columns(['user_id', 'vendor', 'case_id']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            // A late, older report must not push a case back in the list.
            at: eb
              .case()
              .when(eb.ref('excluded.at'), '>', eb.ref('recent_cases.at'))
              .then(eb.ref('excluded.at'))
              .else(eb.ref('recent_cases.at'))
              .end(),
          })),
        )
        .execute();
      const oldestKept = await trx
        .selectFrom('recent_cases')
        .select('at')
        .where('user_id', '=', entry.userId)
        .orderBy('at', 'desc')
        .offset(RECENT_CASES_KEPT_PER_USER - 1)
        .limit(1)
        .executeTakeFirst();
      if (oldestKept) {
        await trx
          .deleteFrom('recent_cases')
          .where('user_id', '=', entry.userId)
          .where('at', '<', oldestKept.at)
          .execute();
      }
    });
  }

  async recentCases(userId: string, limit = DEFAULT_RECENT_CASES_LIMIT): Promise<RecentCase[]> {
    const rows = await this.context.db
      .selectFrom('recent_cases')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .orderBy('vendor')
      .orderBy('case_id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromRecentRow);
  }
}

export function fromCardRow(row: PostedCardsTable): PostedCard {
  return {
    vendor: row.vendor,
    caseId: row.case_id,
    channelId: row.channel_id,
    ts: row.ts,
    ...(row.permalink ? { permalink: row.permalink } : {}),
  };
}

function fromRecentRow(row: RecentCasesTable): RecentCase {
  return { userId: row.user_id, vendor: row.vendor, caseId: row.case_id, title: row.title, at: row.at };
}
