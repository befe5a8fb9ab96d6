/** A case list's paging buttons: the page asked for, in place of the list. */
import { buildListPage } from '../../blocks/case-list.js';
import type { SlackDeps } from '../../deps.js';
import { readListPage } from '../../payloads.js';
import { afterAckButton } from './context.js';

export function listPage(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readListPage(press.value);
    // The list was read when it was shown: its pages come from that read, not from the vendor's pages again.
    const result = await deps.cases.list({ userId: press.userId, channelId: press.channelId }, ref.v, ref.q, {
      reuse: true,
    });
    await press.replace(buildListPage(ref.v, ref.q, result.cases, ref.p));
  });
}
