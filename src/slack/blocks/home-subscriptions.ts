/**
 * App Home's "Notifying you": the cases the person pressed "Notify me" on, each with Unsubscribe, and their
 * night hours (no direct message then) as two pickers that save when changed.
 */
import type { SubscriptionsView } from '../../domain/use-cases/subscriptions.js';
import { vendorName } from '../../vendors/plugin.js';
import { CASE_ACTIONS, caseRefValue } from './case-card.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  header,
  section,
  staticSelectElement,
} from './kit.js';
import { escapeMrkdwn, linkOrCode, truncate } from './limits.js';

export const HOME_NIGHT_ACTIONS = { from: 'home.night_from', to: 'home.night_to' } as const;

/** Rows shown; App Home holds 100 blocks in all, and the other sections need theirs. */
export const HOME_SUBSCRIPTIONS_SHOWN = 25;

/** Every full and half hour of the day, "00:00" to "23:30". */
const NIGHT_CHOICES = Array.from({ length: 48 }, (_, index) => {
  const time = `${String(Math.floor(index / 2)).padStart(2, '0')}:${index % 2 === 0 ? '00' : '30'}`;
  return { text: time, value: time };
});

function nightChoices(current: string) {
  return NIGHT_CHOICES.some((c) => c.value === current)
    ? NIGHT_CHOICES
    : [...NIGHT_CHOICES, { text: current, value: current }].sort((a, b) => a.value.localeCompare(b.value));
}

export function buildHomeSubscriptions(view: SubscriptionsView): Block[] {
  const { night } = view;
  const blocks: Block[] = [divider(), header('Notifying you')];
  blocks.push(
    context(
      `caseops sends you a direct message when one of these cases changes (status, vendor notes, owner), at most one per case per poll, none between ${night.from} and ${night.to} in your Slack time zone: what changes then comes in one message when your morning begins.`,
    ),
  );
  if (view.subscriptions.length === 0) {
    blocks.push(
      context('Press *Notify me* on a case card or a pasted case link to be told when it changes.'),
    );
  }
  for (const s of view.subscriptions.slice(0, HOME_SUBSCRIPTIONS_SHOWN)) {
    const title = s.title ? ` *${escapeMrkdwn(truncate(s.title, 150))}*` : '';
    const status = s.status ? `\n${escapeMrkdwn(s.status)}` : '';
    blocks.push(
      section(`${escapeMrkdwn(vendorName(s.vendor))} ${linkOrCode(s.url, s.caseId)}${title}${status}`, {
        blockId: `subscribed:${s.vendor}:${s.caseId}`,
        accessory: button({
          text: 'Unsubscribe',
          actionId: CASE_ACTIONS.stopNotify,
          value: caseRefValue(s.vendor, s.caseId),
        }),
      }),
    );
  }
  const more = view.subscriptions.length - HOME_SUBSCRIPTIONS_SHOWN;
  if (more > 0) blocks.push(context(`${more} more not shown.`));
  blocks.push(
    section('*Your night* (no direct messages from, until):'),
    actions('home_night', [
      staticSelectElement({
        actionId: HOME_NIGHT_ACTIONS.from,
        choices: nightChoices(night.from),
        initial: night.from,
        placeholder: 'From',
      }),
      staticSelectElement({
        actionId: HOME_NIGHT_ACTIONS.to,
        choices: nightChoices(night.to),
        initial: night.to,
        placeholder: 'Until',
      }),
    ]),
  );
  return blocks;
}
