/** Each channel's digest schedule and its cursor. */
import type { CursorAdvanceOptions, DigestSettings, DigestSettingsStore } from '../../domain/ports/store.js';
import type { DigestSettingsTable } from '../schema.js';
import { countOf, fromFlag, isoInstant, type StoreContext, toFlag } from './context.js';
import { assertLeaseHeld } from './coordination.js';

export class KyselyDigestSettingsStore implements DigestSettingsStore {
  constructor(private readonly context: StoreContext) {}

  async getDigestSettings(channelId: string): Promise<DigestSettings | undefined> {
    const row = await this.context.db
      .selectFrom('digest_settings')
      .selectAll()
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row && fromDigestRow(row);
  }

  async saveDigestSettings(
    settings: Omit<DigestSettings, 'cursor' | 'lastPostedAt'>,
  ): Promise<DigestSettings> {
    const editable = {
      cron: settings.cron,
      schedule: settings.schedule,
      timezone: settings.timezone,
      enabled: toFlag(settings.enabled),
      post_when_empty: toFlag(settings.postWhenEmpty),
      updated_by: settings.updatedBy,
      updated_at: isoInstant(settings.updatedAt, 'updatedAt'),
    };
    // The cursor and last post belong to the digest runs: changing the schedule must not move them.
    const row = await this.context.db
      .insertInto('digest_settings')
      .values({ channel_id: settings.channelId, cursor: 0, last_posted_at: null, ...editable })
      .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(editable))
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromDigestRow(row);
  }

  async digestChannels(): Promise<DigestSettings[]> {
    const rows = await this.context.db
      .selectFrom('digest_settings')
      .selectAll()
      .orderBy('channel_id')
      .execute();
    return rows.map(fromDigestRow);
  }

  async advanceDigestCursor(
    channelId: string,
    expected: number,
    next: number,
    postedAt: string,
    options: CursorAdvanceOptions = {},
  ): Promise<boolean> {
    const at = isoInstant(postedAt, 'postedAt');
    return this.context.db.transaction().execute(async (trx) => {
      if (options.fence) await assertLeaseHeld(trx, this.context.dialect, options.fence);
      const result = await trx
        .updateTable('digest_settings')
        .set({ cursor: next, last_posted_at: at })
        .where('channel_id', '=', channelId)
        .where('cursor', '=', expected)
        .executeTakeFirst();
      const moved = countOf(result.numUpdatedRows) > 0;
      if (moved && options.postedAttempt) {
        await trx
          .updateTable('digest_attempts')
          .set({ state: 'posted', ts: options.postedAttempt.ts ?? null, settled_at: at })
          .where('id', '=', options.postedAttempt.id)
          .execute();
      }
      return moved;
    });
  }
}

function fromDigestRow(row: DigestSettingsTable): DigestSettings {
  return {
    channelId: row.channel_id,
    cron: row.cron,
    schedule: row.schedule,
    timezone: row.timezone,
    enabled: fromFlag(row.enabled),
    postWhenEmpty: fromFlag(row.post_when_empty),
    cursor: Number(row.cursor),
    ...(row.last_posted_at === null ? {} : { lastPostedAt: row.last_posted_at }),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
