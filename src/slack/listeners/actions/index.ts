/** Block actions: buttons and selects on cards, lists, modals and App Home; one handler per file. */
import type { App, BlockAction } from '@slack/bolt';
import { CASE_ACTIONS } from '../../blocks/case-card.js';
import { LIST_PAGE_ACTION, SHOW_CASE_ACTION, WATCHING_UNWATCH_ACTION } from '../../blocks/case-list.js';
import { HOME_OPEN_ACTION } from '../../blocks/home.js';
import { HOME_NIGHT_ACTIONS } from '../../blocks/home-subscriptions.js';
import { PICK_VENDOR_ACTION } from '../../blocks/modals.js';
import { NUDGE_ACTIONS } from '../../blocks/nudge.js';
import { OPEN_CALLBACK_ID, VALUE_ACTION } from '../../blocks/open-form.js';
import type { SlackDeps } from '../../deps.js';
import { caseDetails } from './case-details.js';
import type { ButtonArgs } from './context.js';
import { homeOpen } from './home-open.js';
import { listPage } from './list-page.js';
import { notifyCase, setNightHours, stopNotifying } from './notify-case.js';
import { nudgeHold } from './nudge-hold.js';
import { pickVendor } from './pick-vendor.js';
import { portalLink } from './portal-link.js';
import { postCardButton } from './post-card.js';
import { redrawOpenForm } from './redraw-open-form.js';
import { refreshCard } from './refresh-card.js';
import { showCase } from './show-case.js';
import { unwatchCase } from './unwatch-case.js';
import { unwatchFromList } from './unwatch-from-list.js';
import { watchCase } from './watch-case.js';
import { writeFormButton } from './write-form-button.js';

export function register(app: App, deps: SlackDeps): void {
  const routes: ActionRoute[] = [];
  const on = (constraint: ActionConstraint, handler: ActionHandler) => routes.push({ constraint, handler });
  // On a case card.
  on(CASE_ACTIONS.portal, portalLink());
  on(CASE_ACTIONS.note, writeFormButton(deps, 'note'));
  on(CASE_ACTIONS.cancel, writeFormButton(deps, 'cancel'));
  on(CASE_ACTIONS.refresh, refreshCard(deps));
  on(CASE_ACTIONS.watch, watchCase(deps));
  on(CASE_ACTIONS.unwatch, unwatchCase(deps));
  on(CASE_ACTIONS.post, postCardButton(deps));
  on(CASE_ACTIONS.details, caseDetails(deps));
  // On cards, unfurls, App Home and the direct messages themselves.
  on(CASE_ACTIONS.notify, notifyCase(deps));
  on(CASE_ACTIONS.stopNotify, stopNotifying(deps));
  for (const id of Object.values(HOME_NIGHT_ACTIONS)) on(id, setNightHours(deps));
  // On lists, App Home and the open form.
  on(new RegExp(`^${LIST_PAGE_ACTION.replace('.', '\\.')}\\.`), listPage(deps));
  on(SHOW_CASE_ACTION, showCase(deps));
  on(WATCHING_UNWATCH_ACTION, unwatchFromList(deps));
  on(PICK_VENDOR_ACTION, pickVendor(deps));
  on(HOME_OPEN_ACTION, homeOpen(deps));
  // A field of the open form that decides which others are shown.
  on({ callback_id: OPEN_CALLBACK_ID, action_id: VALUE_ACTION }, redrawOpenForm(deps));
  // On a nudge.
  for (const id of Object.values(NUDGE_ACTIONS)) on(id, nudgeHold(deps));

  // One Bolt listener for them all: Bolt runs every listener's middleware for every request it gets, a slash
  // command included, so each listener registered is paid for by every ack.
  app.action<BlockAction>(ANY_ACTION, async (args) => {
    const matching = routes.filter((route) => matches(route.constraint, args));
    const outcomes = await Promise.allSettled(matching.map((route) => route.handler(args)));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  });
}

type ActionConstraint = string | RegExp | { callback_id: string; action_id: string };
type ActionHandler = (args: ButtonArgs) => Promise<void>;
interface ActionRoute {
  constraint: ActionConstraint;
  handler: ActionHandler;
}

const ANY_ACTION = /(?:)/;

/** Bolt's own rules for these constraints: the action id (equal or matching) and the view's callback id. */
function matches(constraint: ActionConstraint, { payload, body }: ButtonArgs): boolean {
  const actionId = payload.action_id;
  if (typeof constraint === 'string') return actionId === constraint;
  if (constraint instanceof RegExp) return constraint.test(actionId);
  return actionId === constraint.action_id && body.view?.callback_id === constraint.callback_id;
}
