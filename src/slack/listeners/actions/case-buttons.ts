/** The buttons on a case card: Add note, Cancel, Refresh, Watch/Unwatch, Post to channel, and the portal link. */

import type { App, BlockAction } from '@slack/bolt';
import { InvalidInputError } from '../../../domain/errors.js';
import { vendorName } from '../../../vendors/plugin.js';
import { CASE_ACTIONS } from '../../blocks/case-card.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { cardContext, channelCard, postCard } from '../../cards.js';
import { openCancelModal, openNoteModal } from '../../case-modals.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { afterAck, type PressContext, pressContext } from './context.js';

function channelOf(press: PressContext): string {
  if (!isChannel(press.channelId)) {
    throw new InvalidInputError('Watches and posted cards belong to channels; this button is not in one.');
  }
  return press.channelId;
}

function actorOf(press: PressContext) {
  return { userId: press.userId, channelId: press.channelId, teamId: press.teamId };
}

export function register(app: App, deps: SlackDeps): void {
  // The portal link opens in the browser; Slack still reports the click, which only needs an ack.
  app.action(CASE_ACTIONS.portal, async ({ ack }) => {
    await ack();
  });

  // Add note and Cancel both open their form for the pressed card's case.
  for (const [actionId, openModal] of [
    [CASE_ACTIONS.note, openNoteModal],
    [CASE_ACTIONS.cancel, openCancelModal],
  ] as const) {
    app.action<BlockAction>(actionId, async ({ ack, body, respond }) => {
      await ack();
      const press = pressContext(deps, body, respond);
      await afterAck(deps, press, async () => {
        const ref = readCaseRef(press.value);
        await openModal(deps, {
          triggerId: press.triggerId,
          userId: press.userId,
          vendor: ref.v,
          rawId: ref.id,
          channelId: press.channelId,
        });
      });
    });
  }

  app.action<BlockAction>(CASE_ACTIONS.refresh, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, async () => {
      const ref = readCaseRef(press.value);
      const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
      const surface = press.ephemeral ? 'ephemeral' : 'channel';
      await press.replace(await channelCard(deps, c, press.channelId, surface));
    });
  });

  app.action<BlockAction>(CASE_ACTIONS.watch, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, async () => {
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
  });

  app.action<BlockAction>(CASE_ACTIONS.unwatch, async ({ ack, body, respond }) => {
    await ack();
    const press = pressContext(deps, body, respond);
    await afterAck(deps, press, async () => {
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
  });

  app.action<BlockAction>(CASE_ACTIONS.post, async ({ ack, body, respond }) => {
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
        await postCard(deps, channelId, c, await cardContext(deps.store, c.vendor, c.id, channelId));
        await press.replace(
          notice(`Posted ${vendorName(c.vendor)} case \`${escapeMrkdwn(c.id)}\` in this channel.`),
        );
      } catch (error) {
        deps.once.release(onceKey);
        throw error;
      }
    });
  });
}
