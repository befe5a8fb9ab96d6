/** A card's Unwatch button: the channel stops watching the case; the card is refreshed to say so. */
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { channelCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { actorOf, afterAckButton, channelOf } from './context.js';

export function unwatchCase(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const channelId = channelOf(press);
    const removed = await deps.cases.unwatch(actorOf(press), ref.v, ref.id, channelId);
    const line = removed
      ? `Stopped watching ${vendorName(ref.v)} case \`${escapeMrkdwn(ref.id)}\` in this channel.`
      : 'This channel was not watching this case.';
    // On an ephemeral card the line rides on the refreshed card; when that cannot be shown, it goes alone.
    let lineShown = false;
    try {
      const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
      await press.replace(
        await channelCard(
          deps,
          c,
          channelId,
          press.ephemeral ? 'ephemeral' : 'channel',
          press.ephemeral ? line : undefined,
        ),
      );
      lineShown = press.ephemeral;
    } catch (error) {
      deps.logger.warn({ err: error }, 'unwatched; the card could not be refreshed');
    }
    if (!lineShown) await press.tell(notice(line));
  });
}
