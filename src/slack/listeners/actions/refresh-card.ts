/** A card's Refresh button: the case as the vendor has it now, in place of the card. */
import { channelCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { actorOf, afterAckButton } from './context.js';

export function refreshCard(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
    const surface = press.ephemeral ? 'ephemeral' : 'channel';
    await press.replace(await channelCard(deps, c, press.channelId, surface));
  });
}
