/** The ledger that keeps each intended vendor write to at most one attempt. */
import type { WriteLedger, WriteRecord, WriteState } from '../../domain/ports/store.js';
import type { VendorWritesTable } from '../schema.js';
import { countOf, isoInstant, nowIso, type StoreContext } from './context.js';

export class KyselyWriteLedger implements WriteLedger {
  constructor(private readonly context: StoreContext) {}

  async beginWrite(
    record: Omit<WriteRecord, 'state' | 'result' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ fresh: true; record: WriteRecord } | { fresh: false; record: WriteRecord }> {
    const now = nowIso(this.context);
    const inserted = await this.context.db
      .insertInto('vendor_writes')
      .values({
        key: record.key,
        operation: record.operation,
        vendor: record.vendor,
        case_id: record.caseId ?? null,
        vendor_key: record.vendorKey,
        state: 'pending',
        result_json: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { fresh: true, record: fromWriteRow(inserted) };
    // The unique key decided the race; the winner's row is committed by the time DO NOTHING returns.
    const existing = await this.getWrite(record.key);
    if (!existing) throw new Error(`store: write ${record.key} conflicted but cannot be read back`);
    return { fresh: false, record: existing };
  }

  async finishWrite(key: string, state: Exclude<WriteState, 'pending'>, result?: unknown): Promise<void> {
    const updated = await this.context.db
      .updateTable('vendor_writes')
      .set({
        state,
        result_json: result === undefined ? null : JSON.stringify(result),
        updated_at: nowIso(this.context),
      })
      .where('key', '=', key)
      .executeTakeFirst();
    if (countOf(updated.numUpdatedRows) === 0) {
      throw new Error(`store: finishWrite for unknown write ${key} (beginWrite was never called for it)`);
    }
  }

  async getWrite(key: string): Promise<WriteRecord | undefined> {
    const row = await this.context.db
      .selectFrom('vendor_writes')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && fromWriteRow(row);
  }

  async staleWrites(olderThan: string): Promise<WriteRecord[]> {
    const rows = await this.context.db
      .selectFrom('vendor_writes')
      .selectAll()
      .where('state', '=', 'pending')
      .where('created_at', '<', isoInstant(olderThan, 'olderThan'))
      .orderBy('created_at')
      .execute();
    return rows.map(fromWriteRow);
  }
}

function fromWriteRow(row: VendorWritesTable): WriteRecord {
  return {
    key: row.key,
    operation: row.operation,
    vendor: row.vendor,
    ...(row.case_id === null ? {} : { caseId: row.case_id }),
    vendorKey: row.vendor_key,
    state: row.state,
    ...(row.result_json === null ? {} : { result: JSON.parse(row.result_json) as unknown }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
