/**
 * Updating a modal after the ack. If the person closed it meanwhile (views.update fails), the result still
 * reaches them as a message: nothing a vendor did is ever left unsaid.
 */
import type { types } from '@slack/bolt';
import type { SlackMessage } from '../../blocks/limits.js';
import { notifyUser } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';

export async function showInModal(
  deps: SlackDeps,
  where: { viewId: string; userId: string; channelId?: string },
  view: types.ModalView,
  fallback: SlackMessage,
): Promise<void> {
  try {
    await deps.slack.updateView(where.viewId, view);
  } catch (error) {
    deps.logger.warn(
      { err: error, viewId: where.viewId },
      'modal could not be updated; sending the result as a message',
    );
    await notifyUser(deps, where.userId, where.channelId, fallback);
  }
}
