/**
 * The audit trail of one case, for a person: the vendor writes made through caseops (opened, notes,
 * cancelled), newest first. Needs the policy's `audit` permission for the vendor (everyone, without a policy).
 */
import type { Actor } from '../actions.js';
import type { VendorId } from '../case.js';
import type { PolicyGate } from '../policy-gate.js';
import type { AuditEntry, AuditTrail } from '../ports/store.js';
import type { VendorDirectory } from '../ports/vendor.js';

/** The newest entries shown; one more is read to know whether older ones exist. */
export const AUDIT_ENTRIES_SHOWN = 50;

export interface CaseAuditTrailOptions {
  store: Pick<AuditTrail, 'auditForCase'>;
  vendors: VendorDirectory;
  policy?: Pick<PolicyGate, 'authorize'>;
}

export interface CaseAudit {
  /** The case id as the trail stores it. */
  caseId: string;
  entries: AuditEntry[];
  /** Older entries exist beyond `entries`. */
  more: boolean;
}

export class CaseAuditTrail {
  constructor(private readonly options: CaseAuditTrailOptions) {}

  async forCase(actor: Actor, vendor: VendorId, rawId: string): Promise<CaseAudit> {
    const caseId = this.trailCaseId(vendor, rawId);
    await this.options.policy?.authorize('audit', {
      vendor,
      userId: actor.userId,
      channelId: actor.channelId,
    });
    const entries = await this.options.store.auditForCase(vendor, caseId, AUDIT_ENTRIES_SHOWN + 1);
    return {
      caseId,
      entries: entries.slice(0, AUDIT_ENTRIES_SHOWN),
      more: entries.length > AUDIT_ENTRIES_SHOWN,
    };
  }

  /**
   * The id as the trail stores it: the vendor's own rules when the vendor is configured, so `11150929` and
   * ` 11150929` find the same entries; as typed otherwise (the trail outlives a vendor's configuration).
   */
  private trailCaseId(vendor: VendorId, raw: string): string {
    const adapter = this.options.vendors.get(vendor);
    return adapter ? adapter.parseCaseId(raw) : raw.trim();
  }
}
