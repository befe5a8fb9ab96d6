/**
 * `/case quiet 20:00-08:00` / `/case quiet off`: no nudges in this channel during those hours, read in the
 * channel's digest time zone; a nudge due then is posted when they end. Needs the `digest` rule.
 */
import { InvalidInputError } from '../../../domain/errors.js';
import { isClockTime } from '../../../domain/nudges.js';
import { notice } from '../../blocks/notices.js';
import { isChannel } from '../../conversation.js';
import { echo, usageError } from './grammar.js';
import { describeNudges } from './nudge.js';
import { defineSubcommand } from './types.js';

const usage = '/case quiet <HH:MM-HH:MM | off>  e.g. /case quiet 20:00-08:00';

export type QuietArgs = { quiet: { from: string; to: string } | undefined };

export const quietSubcommand = defineSubcommand<QuietArgs>({
  name: 'quiet',
  usage,
  summary:
    "Hours with no nudges in this channel, in the channel's digest time zone (a nudge due then waits for them to end).",
  examples: ['/case quiet 20:00-08:00', '/case quiet off'],
  parse: (words): QuietArgs => {
    const first = words.at(0);
    if (first === undefined) throw usageError('Which hours? Give them as HH:MM-HH:MM.', usage);
    if (words.length > 1) throw usageError(`I don't know what to do with ${echo(words.rest(1))}.`, usage);
    if (first.toLowerCase() === 'off') return { quiet: undefined };
    const [from, to, ...more] = first.split('-');
    if (!from || !to || more.length > 0 || !isClockTime(from) || !isClockTime(to)) {
      throw usageError(
        `${echo(first)} is not a range of hours: write it as HH:MM-HH:MM, like 20:00-08:00.`,
        usage,
      );
    }
    if (from === to) throw usageError('The quiet hours start and end at the same time.', usage);
    return { quiet: { from, to } };
  },
  run: async (deps, invocation, args) => {
    if (!isChannel(invocation.channelId)) {
      throw new InvalidInputError(
        'Quiet hours belong to channels: run this in the channel that watches the cases.',
      );
    }
    const actor = { userId: invocation.userId, channelId: invocation.channelId };
    const view = await deps.nudges.setQuiet(actor, invocation.channelId, args.quiet);
    await invocation.reply(
      notice(`${args.quiet ? 'Quiet hours set.' : 'Quiet hours off.'}\n${describeNudges(view)}`),
    );
  },
});
