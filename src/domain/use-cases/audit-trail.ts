/**
 * The audit trail of one case, for a person: the vendor writes made through caseops (opened, notes,
 * cancelled), newest first. Needs the policy's `audit` permission for the vendor (which follows `lookup` when the
 * policy does not list it) and `lookup` itself, since the trail is a read of the case. A person sees the entries
 * they made and those made in channels they are in: what was written in a private channel stays there.
 */
import type { Actor } from '../actions.js';
import type { VendorId } from '../case.js';
import type { PolicyGate } from '../policy-gate.js';
import type { AuditEntry, AuditTrail } from '../ports/store.js';
import type { VendorDirectory } from '../ports/vendor.js';
import type { CaseAccess } from './case-access.js';

/** The newest entries shown; one more is read to know whether older ones exist. */
export const AUDIT_ENTRIES_SHOWN = 50;
/** How far back the trail is read when some entries may be left out for the viewer. */
const AUDIT_ENTRIES_READ = 500;

export interface CaseAuditTrailOptions {
  store: Pick<AuditTrail, 'auditForCase'>;
  vendors: VendorDirectory;
  policy?: Pick<PolicyGate, 'authorize'>;
  /** Where cases live and which channels the viewer is in; without it every entry is shown. */
  access?: CaseAccess;
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
    const request = { vendor, userId: actor.userId, channelId: actor.channelId };
    await this.options.policy?.authorize('audit', request);
    await this.options.policy?.authorize('lookup', request);
    const { access } = this.options;
    await access?.requireVisible(actor, vendor, caseId);
    // Entries from channels the viewer is not in are left out, so read further back for a full page then.
    let entries = await this.options.store.auditForCase(
      vendor,
      caseId,
      access ? AUDIT_ENTRIES_READ : AUDIT_ENTRIES_SHOWN + 1,
    );
    if (access && entries.some((e) => e.actorUserId !== actor.userId)) {
      const mine = await access.channels.channelsOf(actor.userId);
      entries = entries.filter(
        (e) =>
          e.actorUserId === actor.userId ||
          (e.channelId !== undefined && (e.channelId === actor.channelId || mine.has(e.channelId))),
      );
    }
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
