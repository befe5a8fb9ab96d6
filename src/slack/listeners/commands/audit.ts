/**
 * `/case audit <vendor> <id>`: the vendor writes made through caseops on a case, from the audit trail, only
 * for the caller. Needs the policy's `audit` permission for that vendor (everyone, without a policy file).
 */
import type { VendorId } from '../../../domain/case.js';
import { buildAuditTrail } from '../../blocks/audit.js';
import type { SlackDeps } from '../../deps.js';
import { authorizeInSlack } from '../../policy.js';
import { caseIdArg, noMoreWords, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case audit <vendor> <id>';

/** The newest entries shown; one more is read to know whether older ones exist. */
export const AUDIT_ENTRIES_SHOWN = 50;

/**
 * The id as the trail stores it: the vendor's own rules when the vendor is configured, so `11150929` and
 * ` 11150929` find the same entries; as typed otherwise (the trail outlives a vendor's configuration).
 */
function trailCaseId(deps: SlackDeps, vendor: VendorId, raw: string): string {
  const adapter = deps.cases.enabledVendors().find((a) => a.vendor === vendor);
  return adapter ? adapter.parseCaseId(raw) : raw.trim();
}

export const auditSubcommand = defineSubcommand<{ vendor: VendorId; id: string }>({
  name: 'audit',
  aliases: ['history', 'trail'],
  usage,
  summary:
    'What caseops sent to the vendor about a case (opened, notes, cancelled): who, when, and how it ended, newest first. Visible only to you.',
  examples: ['/case audit eqx 11150929'],
  parse: (words) => {
    const vendor = vendorArg(words, 0, usage);
    const id = caseIdArg(words, 1, usage);
    noMoreWords(words, 2, usage);
    return { vendor, id };
  },
  run: async (deps, invocation, args) => {
    const caseId = trailCaseId(deps, args.vendor, args.id);
    await authorizeInSlack(deps, 'audit', {
      vendor: args.vendor,
      userId: invocation.userId,
      channelId: invocation.channelId,
    });
    const entries = await deps.store.auditForCase(args.vendor, caseId, AUDIT_ENTRIES_SHOWN + 1);
    await invocation.reply(
      buildAuditTrail(args.vendor, caseId, entries.slice(0, AUDIT_ENTRIES_SHOWN), {
        more: entries.length > AUDIT_ENTRIES_SHOWN,
      }),
    );
  },
});
