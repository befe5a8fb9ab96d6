/**
 * How each channel hears about its cases, the posted cards' permalinks, and the outbox of messages caseops
 * posts after a write (migration 0012).
 */
import type {
  CardPermalinks,
  PostedCard,
  UpdateDelivery,
  UpdateDeliveryMode,
  UpdateDeliveryStore,
  WritePost,
  WritePostOutbox,
} from '../../domain/ports/store.js';
import type { UpdateDeliveryTable, WritePostsTable } from '../schema.js';
import { fromCardRow } from './cards.js';
import { countOf, isoInstant, nowIso, type StoreContext } from './context.js';

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

  async beginWritePost(
    post: Pick<WritePost, 'key' | 'eventType' | 'channelId' | 'threadTs'>,
  ): Promise<{ fresh: boolean; post: WritePost }> {
    const result = await this.context.db
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
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .executeTakeFirst();
    const fresh = countOf(result.numInsertedOrUpdatedRows) > 0;
    const row = await this.context.db
      .selectFrom('write_posts')
      .selectAll()
      .where('key', '=', post.key)
      .executeTakeFirstOrThrow();
    return { fresh, post: fromPostRow(row) };
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
      .set({ state: 'posted', ts, posted_at: isoInstant(postedAt, 'postedAt') })
      .where('key', '=', key)
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
