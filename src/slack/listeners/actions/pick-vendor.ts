/** The vendor picker in the open-a-case form: the picked vendor's form, in place of the picker. */
import { InvalidInputError } from '../../../domain/errors.js';
import { loadingModal, messageModal } from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import { type OpenVendor, openModalTitle } from '../../blocks/open-form.js';
import type { SlackDeps } from '../../deps.js';
import { fillOpenForm } from '../../open-flow.js';
import { readPickerMetadata } from '../../payloads.js';
import { describeError } from '../../words.js';
import { type ButtonArgs, pressContext } from './context.js';

export function pickVendor(deps: SlackDeps) {
  return async ({ ack, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const press = pressContext(deps, body, respond);
    const action = body.actions[0];
    const picked = action && action.type === 'static_select' ? action.selected_option?.value : undefined;
    const viewId = body.view?.id;
    if (!viewId) {
      // The menu lives in the open-a-case form; without the form there is nothing to fill in.
      await press.tell(notice('That form is gone. Start again with `/case open`.'));
      return;
    }
    try {
      const meta = readPickerMetadata(body.view?.private_metadata);
      const vendor = deps.cases
        .enabledVendors()
        .find((a) => a.vendor === picked && a.capabilities.has('open'))?.vendor;
      if (!vendor)
        throw new InvalidInputError('That vendor cannot open cases here any more. Choose another.');
      await deps.slack.updateView(viewId, loadingModal(openModalTitle(vendor as OpenVendor)));
      await fillOpenForm(deps, viewId, vendor as OpenVendor, {
        userId: press.userId,
        channelId: meta.channel,
        prefill: meta.prefill,
        source: meta.source,
      });
    } catch (error) {
      const text = describeError(error, deps.logger).text;
      try {
        await deps.slack.updateView(viewId, messageModal('Open a vendor case', text));
      } catch {
        await press.tell(notice(text));
      }
    }
  };
}
