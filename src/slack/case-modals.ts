/**
 * Opening the note and cancel modals. What the vendor allows, whether the id is plausible and whether the
 * policy lets this person do it here are checked first, so a refusal is answered at once instead of after a
 * form was filled in.
 */
import type { VendorId } from '../domain/case.js';
import { pluginFor } from '../vendors/plugin.js';
import { cancelModal, noteModal } from './blocks/modals.js';
import { isChannel } from './conversation.js';
import type { SlackDeps } from './deps.js';
import { refuseEarly } from './policy.js';

interface CaseModalStart {
  triggerId: string;
  /** Who asked for the form (the policy looks at them). */
  userId: string;
  vendor: VendorId;
  rawId: string;
  channelId?: string;
  title?: string;
}

export async function openNoteModal(deps: SlackDeps, start: CaseModalStart): Promise<void> {
  const id = deps.cases.adapterFor(start.vendor, 'annotate').parseCaseId(start.rawId);
  await refuseEarly(deps, 'annotate', {
    vendor: start.vendor,
    userId: start.userId,
    channelId: start.channelId,
  });
  await deps.slack.openView(
    start.triggerId,
    noteModal({
      metadata: {
        kind: 'note',
        vendor: start.vendor,
        id,
        channel: isChannel(start.channelId) ? start.channelId : undefined,
        attempt: 0,
      },
      title: start.title,
      withVisibility: pluginFor(start.vendor)?.noteVisibility === true,
    }),
  );
}

export async function openCancelModal(
  deps: SlackDeps,
  start: CaseModalStart & { reason?: string },
): Promise<void> {
  const id = deps.cases.adapterFor(start.vendor, 'cancel').parseCaseId(start.rawId);
  await refuseEarly(deps, 'cancel', {
    vendor: start.vendor,
    userId: start.userId,
    channelId: start.channelId,
  });
  await deps.slack.openView(
    start.triggerId,
    cancelModal({
      metadata: {
        kind: 'cancel',
        vendor: start.vendor,
        id,
        channel: isChannel(start.channelId) ? start.channelId : undefined,
        attempt: 0,
      },
      reason: start.reason,
      title: start.title,
    }),
  );
}
