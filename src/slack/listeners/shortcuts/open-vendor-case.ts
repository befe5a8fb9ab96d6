/** Message shortcut "Open vendor case": the open form, pre-filled with the message's text and permalink. */
import type { App, MessageShortcut } from '@slack/bolt';
import { fitMessage } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { notifyUser } from '../../cards.js';
import { slackTextToPlain } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { handlingOutcome } from '../../metrics.js';
import { startOpenFlow } from '../../open-flow.js';
import { describeError } from '../../words.js';

export const OPEN_VENDOR_CASE_SHORTCUT = 'open_vendor_case';

export function register(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(OPEN_VENDOR_CASE_SHORTCUT, async ({ ack, shortcut, respond }) => {
    await ack();
    const channelId = shortcut.channel.id;
    const messageTs = shortcut.message.ts ?? shortcut.message_ts;
    try {
      await startOpenFlow(deps, {
        triggerId: shortcut.trigger_id,
        userId: shortcut.user.id,
        channelId,
        prefill: slackTextToPlain(shortcut.message.text ?? ''),
        source: () => deps.slack.permalink(channelId, messageTs),
      });
      deps.metrics?.interactionHandled(OPEN_VENDOR_CASE_SHORTCUT, 'ok');
    } catch (error) {
      deps.metrics?.interactionHandled(OPEN_VENDOR_CASE_SHORTCUT, handlingOutcome(error));
      const message = notice(describeError(error, deps.logger).text);
      try {
        await respond({ response_type: 'ephemeral', ...fitMessage(message) });
      } catch {
        await notifyUser(deps, shortcut.user.id, channelId, message);
      }
    }
  });
}
