/**
 * `/case`: parse at once (pure), acknowledge at once, then run the subcommand. A problem with what was typed
 * is the ack's own answer; anything that goes wrong later reaches the caller through response_url, worded by
 * slack/words.ts and followed by the subcommand's usage line where it is a usage problem.
 */
import type { App, SlashCommand } from '@slack/bolt';
import { fitMessage, type SlackMessage } from '../../blocks/limits.js';
import { notice, problem } from '../../blocks/notices.js';
import type { SlackDeps } from '../../deps.js';
import { errorKind } from '../../errors.js';
import type { NextTurn } from '../../follow-ups.js';
import { handlingOutcome } from '../../metrics.js';
import { postToResponseUrl } from '../../response-url.js';
import { describeError } from '../../words.js';
import { type ParsedCommand, parseCaseCommand } from './parser.js';
import { subcommands } from './subcommands.js';
import type { CommandInvocation } from './types.js';

export const CASE_COMMAND = '/case';

export function register(app: App, deps: SlackDeps): void {
  app.command(CASE_COMMAND, async ({ ack, command }) => {
    let parsed: ParsedCommand;
    try {
      parsed = parseCaseCommand(command.text, subcommands);
    } catch (error) {
      const words = describeError(error, deps.logger);
      await ack({ response_type: 'ephemeral', ...fitMessage(notice(words.text)) });
      deps.metrics?.commandHandled('unparsed', 'invalid');
      return;
    }
    await ack();

    const { subcommand, args } = parsed;
    // After the ack, at a quiet moment (follow-ups.ts). Not awaited: a held follow-up keeps only who typed the
    // command and where, not Bolt's whole request (the HTTP request and response, the listener context, the
    // command's every field), which would otherwise outlive young-generation collections by the thousand
    // under load. SlackApp.stop waits for follow-ups.
    const caller = callerOf(command);
    deps.followUps.start(
      async (nextTurn) => {
        const invocation = commandInvocation(caller, nextTurn);
        try {
          await subcommand.run(deps, invocation, args);
          deps.metrics?.commandHandled(subcommand.name, 'ok');
        } catch (error) {
          deps.metrics?.commandHandled(subcommand.name, handlingOutcome(error));
          const words = describeError(error, deps.logger);
          deps.logger.info(
            { subcommand: subcommand.name, code: (error as { code?: string }).code },
            'command refused',
          );
          try {
            await invocation.reply(
              problem(words.text, errorKind(error).showUsage ? subcommand.usage : undefined),
            );
          } catch (replyError) {
            deps.logger.error({ err: replyError }, 'could not tell the caller about a failed command');
          }
        }
      },
      { kind: subcommand.followUpKind(args), person: command.user_id },
      (error) => deps.logger.error({ err: error }, 'a command follow-up failed'),
    );
  });
}

/** What a command's follow-up needs of the request. */
type Caller = Omit<CommandInvocation, 'reply' | 'nextTurn'>;

function callerOf(command: SlashCommand): Caller {
  return {
    userId: ownCopy(command.user_id),
    userName: ownCopy(command.user_name),
    channelId: ownCopy(command.channel_id),
    channelName: ownCopy(command.channel_name),
    teamId: ownCopy(command.team_id),
    triggerId: ownCopy(command.trigger_id),
    responseUrl: ownCopy(command.response_url),
  };
}

/**
 * A string that holds only its own characters. Node's querystring hands out a field that needed no decoding
 * as a slice of the whole request body, and one such field would keep every held command's body alive; V8
 * shares only substrings of 13 characters or more.
 */
function ownCopy(text: string): string {
  // A field missing from the request (its type says string; a request can still leave it out) stays missing.
  if (typeof text !== 'string' || text.length < 13) return text;
  return Buffer.from(text, 'utf8').toString('utf8');
}

function commandInvocation(caller: Caller, nextTurn: NextTurn): CommandInvocation {
  return {
    ...caller,
    nextTurn,
    reply: async (message: SlackMessage) => {
      await nextTurn();
      await postToResponseUrl(caller.responseUrl, {
        response_type: 'ephemeral',
        replace_original: false,
        ...fitMessage(message),
      });
    },
  };
}
