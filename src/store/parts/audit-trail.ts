/** Who asked a vendor for what, and what came back. */
import type { VendorId } from '../../domain/case.js';
import type { AuditEntry, AuditTrail } from '../../domain/ports/store.js';
import type { AuditLogTable } from '../schema.js';
import { isoInstant, nowIso, positiveLimit, type StoreContext } from './context.js';

export const DEFAULT_AUDIT_FOR_CASE_LIMIT = 50;
export const DEFAULT_AUDIT_SINCE_LIMIT = 1_000;

export class KyselyAuditTrail implements AuditTrail {
  constructor(private readonly context: StoreContext) {}

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const row = await this.context.db
      .insertInto('audit_log')
      .values({
        at: entry.at === undefined ? nowIso(this.context) : isoInstant(entry.at, 'at'),
        actor_user_id: entry.actorUserId,
        channel_id: entry.channelId ?? null,
        vendor: entry.vendor,
        case_id: entry.caseId ?? null,
        action: entry.action,
        outcome: entry.outcome,
        detail: entry.detail,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromAuditRow(row);
  }

  async auditForCase(
    vendor: VendorId,
    caseId: string,
    limit = DEFAULT_AUDIT_FOR_CASE_LIMIT,
  ): Promise<AuditEntry[]> {
    const rows = await this.context.db
      .selectFrom('audit_log')
      .selectAll()
      .where('vendor', '=', vendor)
      .where('case_id', '=', caseId)
      .orderBy('id', 'desc')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromAuditRow);
  }

  async auditSince(since: string, limit = DEFAULT_AUDIT_SINCE_LIMIT): Promise<AuditEntry[]> {
    const rows = await this.context.db
      .selectFrom('audit_log')
      .selectAll()
      .where('at', '>=', isoInstant(since, 'since'))
      .orderBy('at')
      .orderBy('id')
      .limit(positiveLimit(limit))
      .execute();
    return rows.map(fromAuditRow);
  }
}

function fromAuditRow(row: Omit<AuditLogTable, 'id'> & { id: number }): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actorUserId: row.actor_user_id,
    ...(row.channel_id === null ? {} : { channelId: row.channel_id }),
    vendor: row.vendor,
    ...(row.case_id === null ? {} : { caseId: row.case_id }),
    action: row.action,
    outcome: row.outcome,
    detail: row.detail,
  };
}
