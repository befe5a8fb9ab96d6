/**
 * "Notify me" / "Stop notifying" (on cards, unfurls, App Home rows and the direct messages themselves), and
 * App Home's night-hour pickers. Subscribing is a read of the case, so the use case applies the policy's
 * `lookup` rules; the answer says what will happen. On App Home the page is published again instead.
 */
import type { VendorId } from '../../../domain/case.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { vendorName } from '../../../vendors/plugin.js';
import { CASE_ACTIONS, caseRefValue } from '../../blocks/case-card.js';
import { HOME_NIGHT_ACTIONS } from '../../blocks/home-subscriptions.js';
import { actions, button, section } from '../../blocks/kit.js';
import { escapeMrkdwn, type SlackMessage } from '../../blocks/limits.js';
import { channelCard } from '../../cards.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { publishHome } from '../events/app-home-opened.js';
import { actorOf, afterAckButton, type PressContext } from './context.js';

function caseName(vendor: VendorId, id: string): string {
  return `${escapeMrkdwn(vendorName(vendor))} case \`${escapeMrkdwn(id)}\``;
}

/** App Home has no channel to answer in: the page itself shows the change. */
function onHome(press: PressContext): boolean {
  return press.viewId !== undefined && press.channelId === undefined && press.messageTs === undefined;
}

function withButton(line: string, text: string, actionId: string, value: string): SlackMessage {
  return {
    text: line,
    blocks: [section(line), actions('subscription_answer', [button({ text, actionId, value })])],
  };
}

export function notifyCase(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const { added, case: c, night } = await deps.subscriptions.subscribe(actorOf(press), ref.v, ref.id);
    if (onHome(press)) return publishHome(deps, press.userId);
    const name = caseName(c.vendor, c.id);
    const line = added
      ? `:bell: You will get a direct message from caseops when ${name} changes (status, vendor notes, owner): at most one per poll, none between ${night.from} and ${night.to} in your Slack time zone (what changes then comes in one message when your morning begins). App Home lists what caseops notifies you about and sets those hours.`
      : `You are already notified about ${name}.`;
    await press.tell(
      withButton(line, 'Stop notifying', CASE_ACTIONS.stopNotify, caseRefValue(c.vendor, c.id)),
    );
  });
}

export function stopNotifying(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    const removed = await deps.subscriptions.unsubscribe(actorOf(press), ref.v, ref.id);
    if (onHome(press)) return publishHome(deps, press.userId);
    const name = caseName(ref.v, ref.id);
    const line = removed
      ? `:no_bell: caseops no longer sends you direct messages about ${name}.`
      : `caseops was not notifying you about ${name}.`;
    if (press.ephemeral) {
      try {
        const c = await deps.cases.lookup(actorOf(press), ref.v, ref.id);
        return await press.replace(
          await channelCard(deps, c, press.channelId, 'ephemeral', line, press.userId),
        );
      } catch (error) {
        deps.logger.warn({ err: error }, 'unsubscribed; the card could not be refreshed');
      }
    }
    await press.tell(withButton(line, 'Notify me', CASE_ACTIONS.notify, caseRefValue(ref.v, ref.id)));
  });
}

export function setNightHours(deps: SlackDeps) {
  return afterAckButton(deps, async (press, body) => {
    const action = body.actions[0];
    const picked = action?.type === 'static_select' ? action.selected_option?.value : undefined;
    if (!picked) throw new InvalidInputError('Pick a time for your night hours.');
    const end = press.actionId === HOME_NIGHT_ACTIONS.from ? 'from' : 'to';
    try {
      await deps.subscriptions.setNight(press.userId, end, picked);
    } finally {
      // Shown as saved, or as it still is when the choice was refused.
      await publishHome(deps, press.userId);
    }
  });
}
