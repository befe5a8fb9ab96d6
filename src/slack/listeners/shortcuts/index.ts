/** Shortcuts. */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { register as registerOpenVendorCase } from './open-vendor-case.js';
import { register as registerSendAsNote } from './send-as-note.js';

export function register(app: App, deps: SlackDeps): void {
  registerOpenVendorCase(app, deps);
  registerSendAsNote(app, deps);
}
