/**
 * How each channel hears about its cases, the posted cards' permalinks, and the outbox of messages caseops
 * posts after a write, each row claimed by the attempt posting it (migrations 0012, 0016).
 */
import type {
  CardPermalinks,
  PostedCard,
  UpdateDelivery,
  UpdateDeliveryMode,
  UpdateDeliveryStore,
  WritePost,
  WritePostClaim,
  WritePostOutbox,
} from '../../domain/ports/store.js';
import type { UpdateDeliveryTable, WritePostsTable } from '../schema.js';
import { fromCardRow } from './cards.js';
import { countOf, isoInstant, nowIso, type StoreContext } from './context.js';
import { leaseClock } from './coordination.js';

const MODES: readonly UpdateDeliveryMode[] = ['thread', 'digest', 'both'];

export class KyselyUpdateDeliveryStore implements UpdateDeliveryStore {
  constructor(private readonly context: StoreContext) {}

  async getUpdateDelivery(channelId: string): Promise<UpdateDelivery | undefined> {
    const row = await this.context.db
      .selectFrom('update_delivery')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row && fromDeliveryRow(row);
  }

  async saveUpdateDelivery(setting: UpdateDelivery): Promise<UpdateDelivery> {
    const editable = {
      mode: setting.mode,
      updated_by: setting.updatedBy,
      updated_at: isoInstant(setting.updatedAt, 'updatedAt'),
    };
    const row = await this.context.db
      .insertInto('update_delivery')
      .values({ channel_id: setting.channelId, ...editable })
      .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(editable))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromDeliveryRow(row);
  }

  async updateDeliveryChoices(): Promise<UpdateDelivery[]> {
    const rows = await this.context.db
      .selectFrom('update_delivery')
      .selectAll()
      .orderBy('channel_id')
      .execute();
    return rows.map(fromDeliveryRow);
  }
}

function fromDeliveryRow(row: UpdateDeliveryTable): UpdateDelivery {
  // A value this version does not know reads as the default rather than failing the channel's digest.
  const mode = MODES.find((m) => m === row.mode) ?? 'both';
  return { channelId: row.channel_id, mode, updatedBy: row.updated_by, updatedAt: row.updated_at };
}

export class KyselyCardPermalinks implements CardPermalinks {
  constructor(private readonly context: StoreContext) {}

  async cardsInChannel(channelId: string): Promise<PostedCard[]> {
    const rows = await this.context.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromCardRow);
  }

  async cardsInChannels(channelIds: readonly string[]): Promise<PostedCard[]> {
    if (channelIds.length === 0) return [];
    const rows = await this.context.db
      .selectFrom('posted_cards')
      .selectAll()
      .where('channel_id', 'in', [...channelIds])
      .orderBy('channel_id')
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromCardRow);
  }

  async rememberCardPermalink(channelId: string, ts: string, permalink: string): Promise<void> {
    await this.context.db
      .updateTable('posted_cards')
      .set({ permalink })
      .where('channel_id', '=', channelId)
      .where('ts', '=', ts)
      .execute();
  }
}

export class KyselyWritePostOutbox implements WritePostOutbox {
  constructor(private readonly context: StoreContext) {}

  async claimWritePost(
    post: Pick<WritePost, 'key' | 'eventType' | 'channelId' | 'threadTs'>,
    holder: string,
    ttlMs: number,
  ): Promise<WritePostClaim> {
    const clock = leaseClock(this.context, ttlMs);
    const { db } = this.context;
    const inserted = await db
      .insertInto('write_posts')
      .values({
        key: post.key,
        event_type: post.eventType,
        channel_id: post.channelId,
        thread_ts: post.threadTs ?? null,
        state: 'pending',
        ts: null,
        created_at: nowIso(this.context),
        posted_at: null,
        claimed_by: holder,
        claimed_until: clock.expiresAt,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    const fresh = countOf(inserted.numInsertedOrUpdatedRows) > 0;
    // A pending row is taken over when its claim lapsed (the attempt died) or is the caller's own.
    const resumed =
      !fresh &&
      countOf(
        (
          await db
            .updateTable('write_posts')
            .set({ claimed_by: holder, claimed_until: clock.expiresAt })
            .where('key', '=', post.key)
            .where('state', '=', 'pending')
            .where((eb) =>
              eb.or([
                eb('claimed_until', 'is', null),
                eb('claimed_until', '<=', clock.now),
                eb('claimed_by', '=', holder),
              ]),
            )
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0;
    const row = fromPostRow(
      await db.selectFrom('write_posts').selectAll().where('key', '=', post.key).executeTakeFirstOrThrow(),
    );
    if (fresh) return { kind: 'fresh', post: row };
    if (resumed) return { kind: 'resumed', post: row };
    return { kind: row.state === 'posted' ? 'posted' : 'busy', post: row };
  }

  async getWritePost(key: string): Promise<WritePost | undefined> {
    const row = await this.context.db
      .selectFrom('write_posts')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && fromPostRow(row);
  }

  async settleWritePost(key: string, ts: string, postedAt: string): Promise<void> {
    await this.context.db
      .updateTable('write_posts')
      .set({
        state: 'posted',
        ts,
        posted_at: isoInstant(postedAt, 'postedAt'),
        claimed_by: null,
        claimed_until: null,
      })
      .where('key', '=', key)
      .execute();
  }

  async releaseWritePost(key: string, holder: string): Promise<void> {
    await this.context.db
      .updateTable('write_posts')
      .set({ claimed_by: null, claimed_until: null })
      .where('key', '=', key)
      .where('claimed_by', '=', holder)
      .execute();
  }

  async forgetWritePost(key: string): Promise<void> {
    await this.context.db.deleteFrom('write_posts').where('key', '=', key).execute();
  }
}

function fromPostRow(row: WritePostsTable): WritePost {
  return {
    key: row.key,
    eventType: row.event_type,
    channelId: row.channel_id,
    ...(row.thread_ts === null ? {} : { threadTs: row.thread_ts }),
    state: row.state === 'posted' ? 'posted' : 'pending',
    ...(row.ts === null ? {} : { ts: row.ts }),
    createdAt: row.created_at,
    ...(row.posted_at === null ? {} : { postedAt: row.posted_at }),
  };
}
