/**
 * A card's Details button: every field the vendor returned, in a modal. The modal opens at once (a trigger
 * lasts 3 s) and fills in when the vendor answers; from a modal it is stacked on top, elsewhere it opens.
 */
import { caseDetailsModal } from '../../blocks/case-details.js';
import { loadingModal, messageModal } from '../../blocks/modals.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { describeError } from '../../words.js';
import { actorOf, afterAckButton } from './context.js';

const TITLE = 'Case details';

export function caseDetails(deps: SlackDeps) {
  return afterAckButton(deps, async (press, body) => {
    const ref = readCaseRef(press.value);
    const placeholder = loadingModal(TITLE);
    const { viewId } =
      body.view?.type === 'modal'
        ? await deps.slack.pushView(press.triggerId, placeholder)
        : await deps.slack.openView(press.triggerId, placeholder);
    try {
      const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
      await deps.slack.updateView(viewId, caseDetailsModal(c));
    } catch (error) {
      await deps.slack.updateView(viewId, messageModal(TITLE, describeError(error, deps.logger).text));
    }
  });
}
