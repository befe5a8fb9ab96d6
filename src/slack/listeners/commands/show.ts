/** `/case show <vendor> <id>`: the case card, only for the caller, with a button to post it. */
import type { VendorId } from '../../../domain/case.js';
import { channelCard } from '../../cards.js';
import { caseIdArg, noMoreWords, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case show <vendor> <id>';

export const showSubcommand = defineSubcommand<{ vendor: VendorId; id: string }>({
  name: 'show',
  aliases: ['get', 'lookup'],
  usage,
  summary: 'Look a case up: its card, visible only to you, with a button to post it in the channel.',
  examples: ['/case show eqx 11150929'],
  parse: (words) => {
    const vendor = vendorArg(words, 0, usage);
    const id = caseIdArg(words, 1, usage);
    noMoreWords(words, 2, usage);
    return { vendor, id };
  },
  run: async (deps, invocation, args) => {
    const found = await deps.cases.lookup(
      { userId: invocation.userId, channelId: invocation.channelId, teamId: invocation.teamId },
      args.vendor,
      args.id,
    );
    // The card is rendered on a later turn, after any ack that arrived with the vendor's answer.
    await invocation.nextTurn();
    await invocation.reply(
      await channelCard(deps, found, invocation.channelId, 'ephemeral', undefined, invocation.userId),
    );
  },
});
