/**
 * Buttons outside the case card: list paging and "Show", Unwatch in the watching list, the vendor picker in
 * the open modal, and "Open a vendor case" on App Home.
 */

import type { App, BlockAction } from '@slack/bolt';
import { InvalidInputError } from '../../../domain/errors.js';
import { vendorName } from '../../../vendors/plugin.js';
import {
  buildListPage,
  buildWatchingList,
  LIST_PAGE_ACTION,
  SHOW_CASE_ACTION,
  WATCHING_UNWATCH_ACTION,
} from '../../blocks/case-list.js';
import { HOME_OPEN_ACTION } from '../../blocks/home.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { caseResultModal, loadingModal, messageModal, PICK_VENDOR_ACTION } from '../../blocks/modals.js';
import { notice } from '../../blocks/notices.js';
import { type OpenVendor, openModalTitle } from '../../blocks/open-form.js';
import { capabilitiesOf, channelCard } from '../../cards.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { describeError } from '../../errors.js';
import { fillOpenForm, startOpenFlow } from '../../open-flow.js';
import { readCaseRef, readListPage, readPickerMetadata } from '../../payloads.js';
import { afterAck, pressContext } from './context.js';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(
    new RegExp(`^${LIST_PAGE_ACTION.replace('.', '\\.')}\\.`),
    async ({ ack, body, respond }) => {
      await ack();
      const press = pressContext(deps, body, respond);
      await afterAck(deps, press, async () => {
        const ref = readListPage(press.value);
        const result = await deps.cases.list(
          { userId: press.userId, channelId: press.channelId },
          ref.v,
          ref.q,
        );
        await press.replace(buildListPage(ref.v, ref.q, result.cases, ref.p));
      });
    },
  );

  app.action<BlockAction>(SHOW_CASE_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, async () => {
      const ref = readCaseRef(press.value);
      const actor = { userId: press.userId, channelId: press.channelId };
      if (press.messageTs) {
        const c = await deps.cases.lookup(actor, ref.v, ref.id);
        await press.tell(await channelCard(deps, c, press.channelId, 'ephemeral'));
        return;
      }
      // From App Home: a modal, opened at once and filled in when the vendor answers.
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
  });

  app.action<BlockAction>(WATCHING_UNWATCH_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, async () => {
      const ref = readCaseRef(press.value);
      if (!isChannel(press.channelId)) throw new InvalidInputError('This button is not in a channel.');
      await deps.cases.unwatch(
        { userId: press.userId, channelId: press.channelId },
        ref.v,
        ref.id,
        press.channelId,
      );
      await press.replace(buildWatchingList(press.channelId, await deps.cases.watching(press.channelId)));
    });
  });

  app.action<BlockAction>(PICK_VENDOR_ACTION, async ({ ack, body, respond }) => {
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
  });

  app.action<BlockAction>(HOME_OPEN_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, () =>
      startOpenFlow(deps, { triggerId: press.triggerId, userId: press.userId }),
    );
  });
}
