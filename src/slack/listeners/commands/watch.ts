/** `/case watch|unwatch <vendor> <id>` and `/case watching`: status changes posted in this channel. */

import type { VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { vendorName } from '../../../vendors/plugin.js';
import { buildWatchingList } from '../../blocks/case-list.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { channelCard } from '../../cards.js';
import { isChannel } from '../../conversation.js';
import { caseIdArg, noMoreWords, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const watchUsage = '/case watch <vendor> <id>';
const unwatchUsage = '/case unwatch <vendor> <id>';

function requireChannel(channelId: string): void {
  if (!isChannel(channelId)) {
    throw new InvalidInputError(
      'Watches belong to channels: run this in the channel that should hear about the case.',
    );
  }
}

export const watchSubcommand = defineSubcommand<{ vendor: VendorId; id: string }>({
  name: 'watch',
  aliases: ['follow'],
  usage: watchUsage,
  summary: "Post this case's status changes in this channel.",
  examples: ['/case watch jnpr CO-20260101-1A2B3C4D'],
  parse: (words) => {
    const vendor = vendorArg(words, 0, watchUsage);
    const id = caseIdArg(words, 1, watchUsage);
    noMoreWords(words, 2, watchUsage);
    return { vendor, id };
  },
  run: async (deps, invocation, args) => {
    requireChannel(invocation.channelId);
    const actor = { userId: invocation.userId, channelId: invocation.channelId, teamId: invocation.teamId };
    const { added, case: watched } = await deps.cases.watch(
      actor,
      args.vendor,
      args.id,
      invocation.channelId,
    );
    const line = added
      ? `:eyes: Watching ${vendorName(args.vendor)} case \`${escapeMrkdwn(watched.id)}\` in this channel: status changes will be posted here.`
      : `This channel already watches ${vendorName(args.vendor)} case \`${escapeMrkdwn(watched.id)}\`.`;
    await invocation.reply(await channelCard(deps, watched, invocation.channelId, 'ephemeral', line));
  },
});

export const unwatchSubcommand = defineSubcommand<{ vendor: VendorId; id: string }>({
  name: 'unwatch',
  aliases: ['unfollow'],
  usage: unwatchUsage,
  summary: 'Stop posting status changes of this case in this channel.',
  parse: (words) => {
    const vendor = vendorArg(words, 0, unwatchUsage);
    const id = caseIdArg(words, 1, unwatchUsage);
    noMoreWords(words, 2, unwatchUsage);
    return { vendor, id };
  },
  run: async (deps, invocation, args) => {
    requireChannel(invocation.channelId);
    const actor = { userId: invocation.userId, channelId: invocation.channelId, teamId: invocation.teamId };
    const removed = await deps.cases.unwatch(actor, args.vendor, args.id, invocation.channelId);
    await invocation.reply(
      notice(
        removed
          ? `Stopped watching ${vendorName(args.vendor)} case \`${escapeMrkdwn(args.id)}\` in this channel.`
          : `This channel was not watching ${vendorName(args.vendor)} case \`${escapeMrkdwn(args.id)}\`.`,
      ),
    );
  },
});

export const watchingSubcommand = defineSubcommand<Record<string, never>>({
  name: 'watching',
  aliases: ['watches'],
  usage: '/case watching',
  summary: 'The cases this channel watches.',
  parse: (words) => {
    noMoreWords(words, 0, '/case watching');
    return {};
  },
  run: async (deps, invocation) => {
    requireChannel(invocation.channelId);
    await invocation.reply(
      buildWatchingList(
        invocation.channelId,
        await deps.cases.watching(invocation.channelId, {
          userId: invocation.userId,
          channelId: invocation.channelId,
          teamId: invocation.teamId,
        }),
      ),
    );
  },
});
