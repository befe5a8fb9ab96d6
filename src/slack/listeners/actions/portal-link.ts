/** The card's portal link opens in the browser; Slack still reports the click, which only needs an ack. */
import type { ButtonArgs } from './context.js';

export function portalLink(): (args: ButtonArgs) => Promise<void> {
  return async ({ ack }) => {
    await ack();
  };
}
