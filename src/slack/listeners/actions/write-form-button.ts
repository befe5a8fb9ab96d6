/** A card's Add note and Cancel buttons: each opens its form for the pressed card's case. */
import { openCancelModal, openNoteModal } from '../../case-modals.js';
import type { SlackDeps } from '../../deps.js';
import { readCaseRef } from '../../payloads.js';
import { afterAckButton } from './context.js';

export function writeFormButton(deps: SlackDeps, form: 'note' | 'cancel') {
  const openModal = form === 'note' ? openNoteModal : openCancelModal;
  return afterAckButton(deps, async (press) => {
    const ref = readCaseRef(press.value);
    await openModal(deps, {
      triggerId: press.triggerId,
      userId: press.userId,
      vendor: ref.v,
      rawId: ref.id,
      channelId: press.channelId,
    });
  });
}
