/** Where each case lives (the channel it was opened or first watched in), for who may see it elsewhere. */
import type { VendorId } from '../../domain/case.js';
import type { CaseHome, CaseHomes } from '../../domain/ports/store.js';
import type { CaseHomesTable } from '../schema.js';
import { fromFlag, isoInstant, nowIso, type StoreContext, toFlag } from './context.js';

export class KyselyCaseHomes implements CaseHomes {
  constructor(private readonly context: StoreContext) {}

  async claimCaseHome(home: Omit<CaseHome, 'since'> & { since?: string }): Promise<CaseHome> {
    await this.context.db
      .insertInto('case_homes')
      .values({
        vendor: home.vendor,
        case_id: home.caseId,
        channel_id: home.channelId,
        is_private: toFlag(home.isPrivate),
        since: home.since === undefined ? nowIso(this.context) : isoInstant(home.since, 'since'),
      })
      .onConflict((conflict) => conflict.columns(['vendor', 'case_id']).doNothing())
      .execute();
    const row = await this.context.db
      .selectFrom('case_homes')
      .selectAll()
      .where('vendor', '=', home.vendor)
      .where('case_id', '=', home.caseId)
      .executeTakeFirstOrThrow();
    return fromHomeRow(row);
  }

  async caseHomes(keys: ReadonlyArray<{ vendor: VendorId; caseId: string }>): Promise<CaseHome[]> {
    if (keys.length === 0) return [];
    const rows = await this.context.db
      .selectFrom('case_homes')
      .selectAll()
      .where('case_id', 'in', [...new Set(keys.map((k) => k.caseId))])
      .execute();
    const wanted = new Set(keys.map((k) => `${k.vendor}\u0000${k.caseId}`));
    return rows.filter((row) => wanted.has(`${row.vendor}\u0000${row.case_id}`)).map(fromHomeRow);
  }
}

function fromHomeRow(row: CaseHomesTable): CaseHome {
  return {
    vendor: row.vendor,
    caseId: row.case_id,
    channelId: row.channel_id,
    isPrivate: fromFlag(row.is_private),
    since: row.since,
  };
}
