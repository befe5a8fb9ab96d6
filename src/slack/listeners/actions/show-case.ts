/**
 * "Show" on a case in a list or on App Home: the case card, as an ephemeral message beside a list, or in a
 * modal from App Home (opened at once, filled in when the vendor answers).
 */
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { caseResultModal, loadingModal, messageModal } from '../../blocks/modals.js';
import { capabilitiesOf, channelCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { describeError } from '../../words.js';
import { afterAckButton } from './context.js';

export function showCase(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const actor = { userId: press.userId, channelId: press.channelId };
    if (press.messageTs) {
      const c = await deps.cases.lookup(actor, ref.v, ref.id);
      await press.tell(await channelCard(deps, c, press.channelId, 'ephemeral', undefined, press.userId));
      return;
    }
    const title = `${vendorName(ref.v).split(' ')[0]} ${ref.id}`;
    const { viewId } = await deps.slack.openView(press.triggerId, loadingModal(title));
    try {
      const c = await deps.cases.lookup(actor, ref.v, ref.id);
      await deps.slack.updateView(
        viewId,
        caseResultModal(title, `*${escapeMrkdwn(c.title)}*`, c, capabilitiesOf(deps, c.vendor)),
      );
    } catch (error) {
      await deps.slack.updateView(viewId, messageModal(title, describeError(error, deps.logger).text));
    }
  });
}
