/**
 * `/case updates …`: how this channel hears about the cases it watches.
 *
 *   /case updates             the current choice
 *   /case updates thread      replies in each case card's thread, no scheduled digest
 *   /case updates digest      the scheduled digest only
 *   /case updates both        both (the default)
 *
 * Policy: anyone may look; changing it needs the `digest` rule, as digest settings do.
 */
import { InvalidInputError } from '../../../domain/errors.js';
import type { UpdateDeliveryMode } from '../../../domain/ports/store.js';
import { UPDATE_DELIVERY_MODES, type UpdateDeliveryView } from '../../../domain/use-cases/update-delivery.js';
import { notice } from '../../blocks/notices.js';
import { isChannel } from '../../conversation.js';
import { echo, usageError } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case updates [thread | digest | both]  e.g. /case updates thread';

export type UpdatesArgs = { action: 'show' } | { action: 'set'; mode: UpdateDeliveryMode };

const MODE_WORDS: Record<UpdateDeliveryMode, string> = {
  thread: "in each case card's thread, as they happen; no scheduled digest",
  digest: 'in the scheduled digest only',
  both: "in each case card's thread and in the scheduled digest",
};

export const updatesSubcommand = defineSubcommand<UpdatesArgs>({
  name: 'updates',
  aliases: ['update'],
  usage,
  summary:
    "How this channel hears about the cases it watches: in each card's thread (`thread`), in the scheduled digest (`digest`), or both (the default).",
  examples: ['/case updates', '/case updates thread', '/case updates both'],
  parse: (words): UpdatesArgs => {
    const first = words.at(0)?.toLowerCase();
    if (first === undefined) return { action: 'show' };
    const mode = UPDATE_DELIVERY_MODES.find((m) => m === first);
    if (!mode) {
      throw usageError(`${echo(words.at(0) ?? '')} is not a choice: use thread, digest or both.`, usage);
    }
    if (words.length > 1) throw usageError(`I don't know what to do with ${echo(words.rest(1))}.`, usage);
    return { action: 'set', mode };
  },
  run: async (deps, invocation, args) => {
    if (!isChannel(invocation.channelId)) {
      throw new InvalidInputError(
        'Updates belong to channels: run this in the channel that watches the cases.',
      );
    }
    const channelId = invocation.channelId;
    if (args.action === 'show') {
      await invocation.reply(notice(describeUpdates(await deps.updates.show(channelId))));
      return;
    }
    const actor = { userId: invocation.userId, channelId };
    const view = await deps.updates.change(actor, channelId, args.mode);
    await invocation.reply(notice(`Updates set.\n${describeUpdates(view)}`));
  },
});

export function describeUpdates(view: UpdateDeliveryView): string {
  const lines = [`*Updates:* ${MODE_WORDS[view.mode]}${view.chosen ? '' : ' (the default)'}.`];
  if (view.mode === 'thread') {
    lines.push(
      'Changes are kept for the digest meanwhile: set `/case updates both` or `digest` again and the next digest covers everything since the last one.',
    );
  }
  if (view.chosen && view.updatedBy && /^[UW][A-Z0-9]+$/.test(view.updatedBy)) {
    lines.push(`Set by <@${view.updatedBy}>.`);
  }
  lines.push('Change it with `/case updates thread`, `/case updates digest` or `/case updates both`.');
  return lines.join('\n');
}
