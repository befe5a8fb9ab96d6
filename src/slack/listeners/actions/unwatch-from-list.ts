/** Unwatch in `/case watching`'s list: the channel stops watching the case; the list is shown again. */
import { InvalidInputError } from '../../../domain/errors.js';
import { buildWatchingList } from '../../blocks/case-list.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { afterAckButton } from './context.js';

export function unwatchFromList(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    if (!isChannel(press.channelId)) throw new InvalidInputError('This button is not in a channel.');
    const viewer = { userId: press.userId, channelId: press.channelId };
    await deps.cases.unwatch(viewer, ref.v, ref.id, press.channelId);
    await press.replace(
      buildWatchingList(press.channelId, await deps.cases.watching(press.channelId, viewer)),
    );
  });
}
