/** Block actions: buttons and selects on cards, lists, modals and App Home. */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { register as registerCaseButtons } from './case-buttons.js';
import { register as registerOtherButtons } from './other-buttons.js';

export function register(app: App, deps: SlackDeps): void {
  registerCaseButtons(app, deps);
  registerOtherButtons(app, deps);
}
