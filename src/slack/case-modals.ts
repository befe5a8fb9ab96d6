/**
 * Opening the note and cancel modals. What the vendor allows and whether the id is plausible are checked
 * first (no I/O), so a refusal is answered at once instead of after a form was filled in.
 */
import type { VendorId } from '../domain/case.js';
import { cancelModal, noteModal } from './blocks/modals.js';
import { isChannel } from './conversation.js';
import type { SlackDeps } from './deps.js';

interface CaseModalStart {
  triggerId: string;
  vendor: VendorId;
  rawId: string;
  channelId?: string;
  title?: string;
}

export async function openNoteModal(deps: SlackDeps, start: CaseModalStart): Promise<void> {
  const id = deps.cases.adapterFor(start.vendor, 'annotate').parseCaseId(start.rawId);
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
      withVisibility: start.vendor === 'equinix',
    }),
  );
}

export async function openCancelModal(
  deps: SlackDeps,
  start: CaseModalStart & { reason?: string },
): Promise<void> {
  const id = deps.cases.adapterFor(start.vendor, 'cancel').parseCaseId(start.rawId);
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
