/** `/case note <vendor> <id> [text]`: adds the note at once when text is given, else opens a note form. */

import type { VendorId } from '../../../domain/case.js';
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn, unescapeSlackText } from '../../blocks/limits.js';
import { NOTE_MAX_CHARS } from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import { refreshPostedCards } from '../../cards.js';
import { openNoteModal } from '../../case-modals.js';
import { writeInProgressText } from '../../words.js';
import { caseIdArg, usageError, vendorArg } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case note <vendor> <id> [text]';

export const noteSubcommand = defineSubcommand<{ vendor: VendorId; id: string; text?: string }>({
  name: 'note',
  aliases: ['annotate', 'comment'],
  usage,
  summary: 'Add a note to a case: at once with the text given, or in a form.',
  examples: ['/case note eqx 11150929 Field engineer on site, optics replaced'],
  parse: (words) => {
    const vendor = vendorArg(words, 0, usage);
    const id = caseIdArg(words, 1, usage);
    const text = unescapeSlackText(words.rest(2));
    if (text.length > NOTE_MAX_CHARS) {
      throw usageError(
        `That note is ${text.length} characters; notes can be at most ${NOTE_MAX_CHARS}.`,
        usage,
      );
    }
    return { vendor, id, text: text || undefined };
  },
  // Without a text the note is written in a form.
  opensForm: (args) => !args.text,
  run: async (deps, invocation, args) => {
    const actor = { userId: invocation.userId, channelId: invocation.channelId, teamId: invocation.teamId };
    if (!args.text) {
      await openNoteModal(deps, {
        triggerId: invocation.triggerId,
        userId: invocation.userId,
        vendor: args.vendor,
        rawId: args.id,
        channelId: invocation.channelId,
      });
      return;
    }
    const outcome = await deps.cases.annotate(
      actor,
      args.vendor,
      args.id,
      { text: args.text },
      {
        kind: 'command',
        triggerId: invocation.triggerId,
      },
    );
    if (outcome.kind === 'in-progress') {
      // A redelivered command whose first delivery is still running, or whose process died before answering.
      await invocation.reply(notice(writeInProgressText(args.vendor, outcome.settleableInMs)));
      return;
    }
    const id = outcome.value.caseId;
    await invocation.reply(
      notice(
        outcome.repeated
          ? `This note was already added to ${vendorName(args.vendor)} case \`${escapeMrkdwn(id)}\`; it was not added twice.`
          : `:memo: Note added to ${vendorName(args.vendor)} case \`${escapeMrkdwn(id)}\`.`,
      ),
    );
    if (!outcome.repeated) {
      try {
        await refreshPostedCards(deps, await deps.cases.lookup(actor, args.vendor, id), actor);
      } catch (error) {
        deps.logger.warn({ err: error }, 'note added; refreshing posted cards failed');
      }
    }
  },
});
