/**
 * `/case audit <vendor> <id>`: the vendor writes made through caseops on a case, from the audit trail, only
 * for the caller. Needs the policy's `audit` permission for that vendor (everyone, without a policy file).
 */
import type { VendorId } from '../../../domain/case.js';
import { buildAuditTrail } from '../../blocks/audit.js';
import { caseIdArg, noMoreWords, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case audit <vendor> <id>';
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
    const trail = await deps.auditTrail.forCase(
      { userId: invocation.userId, channelId: invocation.channelId },
      args.vendor,
      args.id,
    );
    await invocation.reply(buildAuditTrail(args.vendor, trail.caseId, trail.entries, { more: trail.more }));
  },
});
