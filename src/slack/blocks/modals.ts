/**
 * The other modals: the placeholder a modal shows while caseops fetches what it needs, "Submitting…", the
 * vendor picker, the note form, the cancel confirmation and the result screens.
 */

import type { Case, VendorId } from '../../domain/case.js';
import type { Capability } from '../../domain/ports/vendor.js';
import { vendorName, vendorShortName } from '../../vendors/plugin.js';
import { buildCaseBlocks } from './case-card.js';
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

export const PICKER_CALLBACK_ID = 'pick_vendor';
export const PICK_VENDOR_ACTION = 'vendor.pick';
export const NOTE_CALLBACK_ID = 'add_note';
export const CANCEL_CALLBACK_ID = 'cancel_case';
/** Notes are at most this long in caseops (Slack's input limit; vendors accept at least this). */
export const NOTE_MAX_CHARS = 3000;
export const REASON_MAX_CHARS = 1000;

export interface CaseModalMetadata {
  kind: 'note' | 'cancel';
  vendor: VendorId;
  id: string;
  channel?: string;
  attempt: number;
}

export interface PickerMetadata {
  kind: 'pick';
  channel?: string;
  source?: string;
  /** Text to pre-fill the chosen vendor's form with (message shortcut). */
  prefill?: string;
}

export function simpleModal(title: string, blocks: Block[], close = 'Close'): ModalView {
  return { type: 'modal', title: plain(title), close: plain(close), blocks };
}

export function loadingModal(title: string): ModalView {
  return simpleModal(title, [section(':hourglass_flowing_sand: One moment…')]);
}

export function submittingModal(title: string, vendor: VendorId): ModalView {
  return simpleModal(title, [
    section(`:hourglass_flowing_sand: Sending to ${vendorName(vendor)}…`),
    context(
      'This usually takes a few seconds. If you close this window, the result is sent to you as a message.',
    ),
  ]);
}

export function messageModal(title: string, text: string, extra: Block[] = []): ModalView {
  return simpleModal(title, [section(text), ...extra], 'Done');
}

export function vendorPickerModal(vendors: VendorId[], metadata: PickerMetadata): ModalView {
  // A select in a section (not an input): choosing fires at once, and a modal without inputs needs no submit.
  return {
    type: 'modal',
    callback_id: PICKER_CALLBACK_ID,
    title: plain('Open a vendor case'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section('*Which vendor?* The form for that vendor opens as soon as you choose.', {
        blockId: 'vendor',
        accessory: staticSelectElement({
          actionId: PICK_VENDOR_ACTION,
          choices: vendors.map((v) => ({ text: vendorName(v), value: v })),
          placeholder: 'Choose a vendor',
        }),
      }),
    ],
  };
}

export function noteModal(options: {
  metadata: CaseModalMetadata;
  title?: string;
  initial?: string;
  notice?: string;
  withVisibility: boolean;
  visibility?: string;
}): ModalView {
  const { metadata } = options;
  const blocks: Block[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push(
    section(
      `Add a note to ${vendorName(metadata.vendor)} case \`${escapeMrkdwn(metadata.id)}\`${options.title ? `: ${escapeMrkdwn(options.title)}` : ''}.`,
    ),
    input(
      { blockId: 'note', label: 'Note' },
      textElement({
        actionId: 'value',
        multiline: true,
        initial: options.initial,
        maxLength: NOTE_MAX_CHARS,
      }),
    ),
  );
  if (options.withVisibility) {
    const vendor = vendorName(metadata.vendor);
    blocks.push(
      input(
        {
          blockId: 'visibility',
          label: 'Who sees it',
          // As the vendor's document words it: an internal note is kept from the customer, which is us.
          hint: `Internal notes are not visible to the customer (us): only ${vendor} staff read them.`,
        },
        staticSelectElement({
          actionId: 'value',
          choices: [
            { text: `Us and ${vendor} (external)`, value: 'EXTERNAL' },
            { text: `${vendor} staff only, not us (internal)`, value: 'INTERNAL' },
          ],
          initial: options.visibility ?? 'EXTERNAL',
        }),
      ),
    );
  }
  return {
    type: 'modal',
    callback_id: NOTE_CALLBACK_ID,
    title: plain('Add note'),
    submit: plain('Add note'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

export function cancelModal(options: {
  metadata: CaseModalMetadata;
  reason?: string;
  notice?: string;
  title?: string;
}): ModalView {
  const { metadata } = options;
  const name = vendorName(metadata.vendor);
  const blocks: Block[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push(
    section(
      `:warning: You are about to cancel ${name} case \`${escapeMrkdwn(metadata.id)}\`${options.title ? ` (${escapeMrkdwn(options.title)})` : ''}. ${name} may not let it be reopened.`,
    ),
    input(
      { blockId: 'reason', label: 'Reason', hint: `${name} records this reason with the cancellation.` },
      textElement({
        actionId: 'value',
        multiline: true,
        initial: options.reason,
        maxLength: REASON_MAX_CHARS,
      }),
    ),
  );
  return {
    type: 'modal',
    callback_id: CANCEL_CALLBACK_ID,
    title: plain(`Cancel ${vendorShortName(metadata.vendor)} case`),
    submit: plain('Cancel the case'),
    close: plain('Keep it'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

/** The result of a write: the case as it stands now, with a line on what happened. */
export function caseResultModal(
  title: string,
  headline: string,
  c: Case,
  capabilities: ReadonlySet<Capability>,
  footer?: string,
): ModalView {
  const blocks: Block[] = [section(headline), ...buildCaseBlocks(c, { surface: 'modal', capabilities })];
  if (footer) blocks.push(context(footer));
  return simpleModal(title, blocks, 'Done');
}
