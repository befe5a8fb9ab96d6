/** "Open a vendor case" on App Home: the open flow (a vendor picker first when several vendors can open). */
import type { SlackDeps } from '../../deps.js';
import { startOpenFlow } from '../../open-flow.js';
import { afterAckButton } from './context.js';

export function homeOpen(deps: SlackDeps) {
  return afterAckButton(deps, (press) =>
    startOpenFlow(deps, { triggerId: press.triggerId, userId: press.userId }),
  );
}
