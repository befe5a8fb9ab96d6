/** A card's Watch button: the channel watches the case; the card says so, and a posted card tells the channel. */
import { notice } from '../../blocks/notices.js';
import { channelCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { actorOf, afterAckButton, channelOf } from './context.js';

export function watchCase(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const channelId = channelOf(press);
    const { added, case: c } = await deps.cases.watch(actorOf(press), ref.v, ref.id, channelId);
    const line = added
      ? `:eyes: <@${press.userId}> is watching this case here: status changes will be posted in this channel.`
      : 'This channel already watches this case.';
    await press.replace(
      await channelCard(
        deps,
        c,
        channelId,
        press.ephemeral ? 'ephemeral' : 'channel',
        press.ephemeral ? line : undefined,
      ),
    );
    if (!press.ephemeral && added) await press.tell(notice(line));
  });
}
