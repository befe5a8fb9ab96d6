/**
 * Keys that make vendor writes happen at most once.
 *
 * - The **write key** names one attempt as Slack delivered it: a modal's view id plus how many times the form
 *   was handed back for fixing, or a slash command's trigger id. A double-clicked submit or a repeated request
 *   carries the same origin, so it finds the first attempt's record instead of writing again.
 * - The **vendor key** goes to the vendor (Equinix customerReferenceId, Motadata tag), unless the request carries
 *   the vendor's own (its plugin says so: Juniper's tracking number from the form). It is stable for the whole modal, across fixes and resubmits, so even a
 *   second attempt after an uncertain first one lets the vendor recognise the case it already has.
 */
import { createHash } from 'node:crypto';
import type { VendorId } from './case.js';
import type { WriteOperation } from './ports/store.js';

export type WriteOrigin =
  /** A modal submission; `attempt` grows each time the form comes back with the vendor's refusal. */
  | { kind: 'view'; viewId: string; attempt: number }
  /** A slash command carrying everything (e.g. `/case note eqx 123 text`); trigger ids are unique per call. */
  | { kind: 'command'; triggerId: string }
  /**
   * A Slack message sent on as it is ("Send to vendor as note"): keyed on the message itself, so the same
   * message is written once whoever sends it and however often.
   */
  | { kind: 'message'; channelId: string; ts: string };

function originScope(origin: WriteOrigin): string {
  switch (origin.kind) {
    case 'view':
      return `view:${origin.viewId}`;
    case 'command':
      return `cmd:${origin.triggerId}`;
    case 'message':
      return `msg:${origin.channelId}:${origin.ts}`;
  }
}

export function writeKey(operation: WriteOperation, vendor: VendorId, origin: WriteOrigin): string {
  const attempt = origin.kind === 'view' ? `:${origin.attempt}` : '';
  return `${operation}:${vendor}:${originScope(origin)}${attempt}`;
}

/** `co-` and 24 hex characters: inside Equinix's 40-character customerReferenceId and any tag format. */
export function vendorKey(operation: WriteOperation, vendor: VendorId, origin: WriteOrigin): string {
  const digest = createHash('sha256')
    .update(`${operation}:${vendor}:${originScope(origin)}`)
    .digest('hex');
  return `co-${digest.slice(0, 24)}`;
}
