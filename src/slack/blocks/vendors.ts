/**
 * `/case vendors`: each configured vendor's state in one line ("Cisco: throttled, retrying in 40 s"), what it
 * allows, its last good answer, its current error and the rate budget in use; then the vendors that are not
 * configured. The words come from domain/vendor-status.ts; this only lays them out.
 */

import type { VendorId } from '../../domain/case.js';
import type { VendorState, VendorStatus } from '../../domain/vendor-status.js';
import { VENDOR_IDS, vendorName } from '../../vendors/plugin.js';
import { type Block, context, header, section } from './kit.js';
import { escapeMrkdwn, type SlackMessage, truncate } from './limits.js';

const STATE_ICONS: Record<VendorState, string> = {
  ok: ':large_green_circle:',
  throttled: ':hourglass_flowing_sand:',
  failing: ':red_circle:',
  idle: ':white_circle:',
};

/** A vendor's error can quote its answer at length; the gist is enough here. */
export const VENDOR_ERROR_CHARS = 300;

export function vendorStatusText(status: VendorStatus): string {
  const lines = [
    `${STATE_ICONS[status.state]} *${escapeMrkdwn(status.headline)}*`,
    `Allows: ${escapeMrkdwn(status.allowsText)}`,
    `Last good answer: ${escapeMrkdwn(status.lastSuccess)}`,
  ];
  if (status.currentError) {
    lines.push(`Current error: ${escapeMrkdwn(truncate(status.currentError, VENDOR_ERROR_CHARS))}`);
  }
  lines.push(`Rate budget: ${escapeMrkdwn(status.budget)}`);
  return lines.join('\n');
}

export function buildVendorStatus(statuses: readonly VendorStatus[]): SlackMessage {
  const configured = new Set<VendorId>(statuses.map((s) => s.vendor));
  const missing = VENDOR_IDS.filter((vendor) => !configured.has(vendor)).map((v) => vendorName(v));
  const blocks: Block[] = [header('Vendors in this workspace')];
  if (statuses.length === 0) {
    blocks.push(
      section(
        'No vendor is configured in this workspace, so caseops cannot reach any. An admin sets each vendor up with its environment variables.',
      ),
    );
  }
  for (const status of statuses) blocks.push(section(vendorStatusText(status)));
  if (statuses.length > 0) {
    blocks.push(
      context(
        missing.length > 0
          ? `Not configured here: ${missing.join(', ')}.`
          : 'All four vendors are configured here.',
      ),
    );
  }
  const text =
    statuses.length > 0
      ? statuses.map((s) => s.headline).join('; ')
      : 'No vendor is configured in this workspace.';
  return { text, blocks };
}
