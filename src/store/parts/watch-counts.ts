/** Watches counted per channel in one grouped query (not one query per watched case). */
import type { WatchCounts } from '../../domain/ports/watch-counts.js';
import type { StoreContext } from './context.js';

export class KyselyWatchCounts implements WatchCounts {
  constructor(private readonly context: StoreContext) {}

  async watchCountsByChannel(): Promise<Map<string, number>> {
    const rows = await this.context.db
      .selectFrom('watches')
      .select((eb) => ['channel_id', eb.fn.countAll<number | string | bigint>().as('watched')])
      .groupBy('channel_id')
      .orderBy('channel_id')
      .execute();
    // PostgreSQL counts are bigint (text or number depending on the driver's parser); SQLite's are numbers.
    return new Map(rows.map((row) => [row.channel_id, Number(row.watched)]));
  }
}
