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
  // On a case card.
  app.action(CASE_ACTIONS.portal, portalLink());
  app.action<BlockAction>(CASE_ACTIONS.note, writeFormButton(deps, 'note'));
  app.action<BlockAction>(CASE_ACTIONS.cancel, writeFormButton(deps, 'cancel'));
  app.action<BlockAction>(CASE_ACTIONS.refresh, refreshCard(deps));
  app.action<BlockAction>(CASE_ACTIONS.watch, watchCase(deps));
  app.action<BlockAction>(CASE_ACTIONS.unwatch, unwatchCase(deps));
  app.action<BlockAction>(CASE_ACTIONS.post, postCardButton(deps));
  app.action<BlockAction>(CASE_ACTIONS.details, caseDetails(deps));
  // On cards, unfurls, App Home and the direct messages themselves.
  app.action<BlockAction>(CASE_ACTIONS.notify, notifyCase(deps));
  app.action<BlockAction>(CASE_ACTIONS.stopNotify, stopNotifying(deps));
  for (const id of Object.values(HOME_NIGHT_ACTIONS)) app.action<BlockAction>(id, setNightHours(deps));
  // On lists, App Home and the open form.
  app.action<BlockAction>(new RegExp(`^${LIST_PAGE_ACTION.replace('.', '\\.')}\\.`), listPage(deps));
  app.action<BlockAction>(SHOW_CASE_ACTION, showCase(deps));
  app.action<BlockAction>(WATCHING_UNWATCH_ACTION, unwatchFromList(deps));
  app.action<BlockAction>(PICK_VENDOR_ACTION, pickVendor(deps));
  app.action<BlockAction>(HOME_OPEN_ACTION, homeOpen(deps));
  // A field of the open form that decides which others are shown.
  app.action<BlockAction>({ callback_id: OPEN_CALLBACK_ID, action_id: VALUE_ACTION }, redrawOpenForm(deps));
  // On a nudge.
  for (const id of Object.values(NUDGE_ACTIONS)) app.action<BlockAction>(id, nudgeHold(deps));
}
