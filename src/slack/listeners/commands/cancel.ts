/** `/case cancel <vendor> <id> [reason]`: always asks for confirmation in a modal, pre-filled with the reason. */
import type { VendorId } from '../../../domain/case.js';
import { unescapeSlackText } from '../../blocks/limits.js';
import { REASON_MAX_CHARS } from '../../blocks/modals.js';
import { openCancelModal } from '../../case-modals.js';
import { caseIdArg, usageError, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case cancel <vendor> <id> [reason]';

export const cancelSubcommand = defineSubcommand<{ vendor: VendorId; id: string; reason?: string }>({
  name: 'cancel',
  aliases: ['close'],
  usage,
  summary: 'Cancel a case (after you confirm in a form, with the reason pre-filled).',
  examples: ['/case cancel eqx 11150929 Opened by mistake'],
  parse: (words) => {
    const vendor = vendorArg(words, 0, usage);
    const id = caseIdArg(words, 1, usage);
    const reason = unescapeSlackText(words.rest(2));
    if (reason.length > REASON_MAX_CHARS) {
      throw usageError(`That reason is ${reason.length} characters; at most ${REASON_MAX_CHARS}.`, usage);
    }
    return { vendor, id, reason: reason || undefined };
  },
  opensForm: () => true,
  run: async (deps, invocation, args) => {
    await openCancelModal(deps, {
      triggerId: invocation.triggerId,
      userId: invocation.userId,
      vendor: args.vendor,
      rawId: args.id,
      channelId: invocation.channelId,
      reason: args.reason,
    });
  },
});
