/** Modal submissions. */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { register as registerCaseWrites } from './case-writes.js';
import { register as registerOpenCase } from './open-case.js';

export function register(app: App, deps: SlackDeps): void {
  registerOpenCase(app, deps);
  registerCaseWrites(app, deps);
}
