/** `/case open [vendor]`: the vendor's form in a modal (a vendor picker first when none is named). */
import type { VendorId } from '../../../domain/case.js';
import { startOpenFlow } from '../../open-flow.js';
import { noMoreWords, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case open [vendor]';

export const openSubcommand = defineSubcommand<{ vendor?: VendorId }>({
  name: 'open',
  aliases: ['new', 'create'],
  usage,
  summary: "Open a new case at a vendor through a form. Opened in a channel, it's posted and watched there.",
  examples: ['/case open equinix'],
  parse: (words) => {
    if (words.length === 0) return {};
    const vendor = vendorArg(words, 0, usage);
    noMoreWords(words, 1, usage);
    return { vendor };
  },
  opensForm: () => true,
  run: async (deps, invocation, args) => {
    await startOpenFlow(deps, {
      triggerId: invocation.triggerId,
      userId: invocation.userId,
      channelId: invocation.channelId,
      vendor: args.vendor,
    });
  },
});
