/**
 * The "Send to vendor as note" form: the message as the note (editable), and either the case it goes to
 * (known from the card the message replies to) or a vendor and case id to fill in, pre-filled from a case
 * the message names.
 */
import type { VendorId } from '../../domain/case.js';
import { vendorName } from '../../vendors/plugin.js';
import { SEND_AS_NOTE_WORDS as W } from '../words.js';
import {
  type Block,
  context,
  input,
  type ModalView,
  plain,
  section,
  staticSelectElement,
  textElement,
} from './kit.js';
import { escapeMrkdwn } from './limits.js';
import { NOTE_MAX_CHARS } from './modals.js';

export const SEND_NOTE_CALLBACK_ID = 'send_note';

/** Where the message is, and the case when the form does not ask for it. */
export interface SendNoteMetadata {
  kind: 'send-note';
  channel: string;
  /** The message's ts: with the channel, the write's idempotency key. */
  ts: string;
  /** The thread's root, where the confirmation is posted (the message itself when it is not in a thread). */
  thread: string;
  vendor?: VendorId;
  id?: string;
}

export function sendNoteModal(options: {
  metadata: SendNoteMetadata;
  note: string;
  /** The vendors that take notes, when the form asks which case. */
  vendors: readonly VendorId[];
  /** A case the message names, to start the vendor and id fields with. */
  suggested?: { vendor: VendorId; id: string };
  /** Whether to ask who at the vendor sees the note. */
  withVisibility: boolean;
  caseTitle?: string;
}): ModalView {
  const { metadata } = options;
  const blocks: Block[] = [];
  if (metadata.vendor && metadata.id) {
    blocks.push(
      section(
        `${W.caseLine(vendorName(metadata.vendor), escapeMrkdwn(metadata.id))}${options.caseTitle ? `\n${escapeMrkdwn(options.caseTitle)}` : ''}`,
      ),
    );
  } else {
    blocks.push(
      section(W.askCase),
      input(
        { blockId: 'vendor', label: 'Vendor' },
        staticSelectElement({
          actionId: 'value',
          choices: options.vendors.map((v) => ({ text: vendorName(v), value: v })),
          initial: options.suggested?.vendor,
          placeholder: 'Choose a vendor',
        }),
      ),
      input(
        { blockId: 'case_id', label: 'Case id' },
        textElement({ actionId: 'value', initial: options.suggested?.id, maxLength: 100 }),
      ),
    );
  }
  blocks.push(
    input(
      { blockId: 'note', label: 'Note' },
      textElement({ actionId: 'value', multiline: true, initial: options.note, maxLength: NOTE_MAX_CHARS }),
    ),
  );
  if (options.withVisibility) {
    const named = metadata.vendor ? vendorName(metadata.vendor) : undefined;
    blocks.push(
      input(
        {
          blockId: 'visibility',
          label: 'Who sees it',
          hint: named ? `External notes are visible to ${named} staff.` : W.visibilityHint,
        },
        staticSelectElement({
          actionId: 'value',
          choices: [
            {
              text: named ? `${named} and us (external)` : 'The vendor and us (external)',
              value: 'EXTERNAL',
            },
            { text: 'Only us (internal)', value: 'INTERNAL' },
          ],
          initial: 'EXTERNAL',
        }),
      ),
    );
  }
  blocks.push(context('Each message is sent once, whoever sends it.'));
  return {
    type: 'modal',
    callback_id: SEND_NOTE_CALLBACK_ID,
    title: plain(W.title),
    submit: plain(W.submit),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}
