/**
 * What a button press tells us, read once: who, where (a message — ephemeral or not — or a view), and how to
 * answer. Answers go back to the surface the button was on; failures too, worded by slack/errors.ts.
 */
import type { BlockAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import { InvalidInputError } from '../../../domain/errors.js';
import { fitMessage, type SlackMessage } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { notifyUser } from '../../cards.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { handlingOutcome } from '../../metrics.js';
import { describeError } from '../../words.js';

export interface PressContext {
  userId: string;
  teamId?: string;
  channelId?: string;
  /** The message the button is on, when it is on a message. */
  messageTs?: string;
  ephemeral: boolean;
  /** The view the button is on, when it is in a modal or App Home. */
  viewId?: string;
  triggerId: string;
  value?: string;
  actionId: string;
  /** Replaces the message the button is on (ephemeral or not). */
  replace(message: SlackMessage): Promise<void>;
  /** A new ephemeral message to the presser. */
  tell(message: SlackMessage): Promise<void>;
}

interface ContainerLike {
  type?: string;
  message_ts?: string;
  channel_id?: string;
  is_ephemeral?: boolean;
  view_id?: string;
}

export function pressContext(deps: SlackDeps, body: BlockAction, respond: RespondFn): PressContext {
  const action = body.actions[0];
  const container = (body.container ?? {}) as ContainerLike;
  const channelId = body.channel?.id ?? container.channel_id;
  const messageTs = container.message_ts ?? body.message?.ts;
  const ephemeral = container.is_ephemeral === true;
  const userId = body.user.id;
  const hasResponseUrl = Boolean(body.response_url);
  return {
    userId,
    teamId: body.team?.id,
    channelId,
    messageTs,
    ephemeral,
    viewId: body.view?.id ?? container.view_id,
    triggerId: body.trigger_id,
    value: action && 'value' in action ? (action.value as string | undefined) : undefined,
    actionId: action?.action_id ?? '',
    replace: async (message) => {
      const fitted = fitMessage(message);
      if (!ephemeral && channelId && messageTs) {
        await deps.slack.updateMessage(channelId, messageTs, fitted);
      } else if (hasResponseUrl) {
        await respond({ replace_original: true, ...fitted });
      } else {
        await notifyUser(deps, userId, channelId, fitted);
      }
    },
    tell: async (message) => {
      const fitted = fitMessage(message);
      if (hasResponseUrl) await respond({ response_type: 'ephemeral', replace_original: false, ...fitted });
      else await notifyUser(deps, userId, channelId, fitted);
    },
  };
}

/** Runs a button's work after the ack and reports any failure to the presser in plain words. */
export async function afterAck(
  deps: SlackDeps,
  press: PressContext,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
    deps.metrics?.interactionHandled(press.actionId, 'ok');
  } catch (error) {
    deps.metrics?.interactionHandled(press.actionId, handlingOutcome(error));
    const words = describeError(error, deps.logger);
    try {
      await press.tell(notice(words.text));
    } catch (tellError) {
      deps.logger.error({ err: tellError, action: press.actionId }, 'could not report a failed button press');
    }
  }
}

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction>;

/** The usual button: acknowledged at once, then `work` with the press read; a failure is told to the presser. */
export function afterAckButton(
  deps: SlackDeps,
  work: (press: PressContext, body: BlockAction) => Promise<void>,
): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, () => work(press, body));
  };
}

/** The presser as the use cases know them. */
export function actorOf(press: PressContext) {
  return { userId: press.userId, channelId: press.channelId, teamId: press.teamId };
}

/** The channel the pressed card is in; watches and posted cards belong to channels. */
export function channelOf(press: PressContext): string {
  if (!isChannel(press.channelId)) {
    throw new InvalidInputError('Watches and posted cards belong to channels; this button is not in one.');
  }
  return press.channelId;
}
