/** Which channels watch which cases. */
import type { VendorId } from '../../domain/case.js';
import type { Watch, WatchStore } from '../../domain/ports/store.js';
import type { WatchesTable } from '../schema.js';
import { countOf, isoInstant, nowIso, type StoreContext } from './context.js';

export class KyselyWatchStore implements WatchStore {
  constructor(private readonly context: StoreContext) {}

  async addWatch(watch: Omit<Watch, 'createdAt'> & { createdAt?: string }): Promise<boolean> {
    const result = await this.context.db
      .insertInto('watches')
      .values({
        vendor: watch.vendor,
        case_id: watch.caseId,
        channel_id: watch.channelId,
        created_by: watch.createdBy,
        created_at:
          watch.createdAt === undefined ? nowIso(this.context) : isoInstant(watch.createdAt, 'createdAt'),
      })
      .onConflict((conflict) => conflict.columns(['vendor', 'case_id', 'channel_id']).doNothing())
      .executeTakeFirst();
    return countOf(result.numInsertedOrUpdatedRows) > 0;
  }

  async removeWatch(vendor: VendorId, caseId: string, channelId: string): Promise<boolean> {
    const result = await this.context.db
      .deleteFrom('watches')
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return countOf(result.numDeletedRows) > 0;
  }

  async watchesInChannel(channelId: string): Promise<Watch[]> {
    const rows = await this.context.db
      .selectFrom('watches')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('created_at')
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map(fromWatchRow);
  }

  async watchesInChannels(channelIds: readonly string[]): Promise<Watch[]> {
    if (channelIds.length === 0) return [];
    const rows = await this.context.db
      .selectFrom('watches')
      .selectAll()
      .where('channel_id', 'in', [...new Set(channelIds)])
      .orderBy('created_at')
      .orderBy('vendor')
      .orderBy('case_id')
      .orderBy('channel_id')
      .execute();
    return rows.map(fromWatchRow);
  }

  async watchesOfCase(vendor: VendorId, caseId: string): Promise<Watch[]> {
    const rows = await this.context.db
      .selectFrom('watches')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('channel_id')
      .execute();
    return rows.map(fromWatchRow);
  }

  async watchedCases(): Promise<Array<{ vendor: VendorId; caseId: string }>> {
    const rows = await this.context.db
      .selectFrom('watches')
      .select(['vendor', 'case_id'])
      .distinct()
      .orderBy('vendor')
      .orderBy('case_id')
      .execute();
    return rows.map((row) => ({ vendor: row.vendor, caseId: row.case_id }));
  }
}

function fromWatchRow(row: WatchesTable): Watch {
  return {
    vendor: row.vendor,
    caseId: row.case_id,
    channelId: row.channel_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
