/** "Post to channel" on an ephemeral card: the card is posted in the channel, once however often it is pressed. */
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { cardContext, postCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { actorOf, afterAck, type ButtonArgs, channelOf, pressContext } from './context.js';

export function postCardButton(deps: SlackDeps) {
  return async ({ ack, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const press = pressContext(deps, body, respond);
    // A double-click on the same card posts once.
    const onceKey = `post:${press.channelId}:${press.messageTs}:${press.value}`;
    if (!deps.once.claim(onceKey)) return;
    await afterAck(deps, press, async () => {
      try {
        const ref = readCaseRef(press.value);
        const channelId = channelOf(press);
        const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
        await postCard(deps, channelId, c, await cardContext(deps, c, channelId));
        await press.replace(
          notice(`Posted ${vendorName(c.vendor)} case \`${escapeMrkdwn(c.id)}\` in this channel.`),
        );
      } catch (error) {
        deps.once.release(onceKey);
        throw error;
      }
    });
  };
}
