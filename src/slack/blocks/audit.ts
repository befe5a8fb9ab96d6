/**
 * `/case audit`: the vendor writes made through caseops on one case, newest first — who, when, what and how
 * it ended — from the audit trail. Long trails are cut to what one message holds, saying how many were left
 * out and how an admin exports the whole trail (`npm run audit`).
 */

import type { VendorId } from '../../domain/case.js';
import type { AuditEntry, WriteOperation } from '../../domain/ports/store.js';
import { vendorName } from '../../vendors/plugin.js';
import { type Block, context, header, sections, slackDate } from './kit.js';
import { escapeMrkdwn, fallbackText, type SlackMessage, truncate } from './limits.js';

const ACTION_WORDS: Record<WriteOperation, string> = {
  open: 'Opened the case',
  annotate: 'Added a note',
  cancel: 'Cancelled the case',
};

const OUTCOME_WORDS: Record<AuditEntry['outcome'], string> = {
  ok: ':white_check_mark: done',
  error: ':x: failed',
  unknown: ':warning: not confirmed by the vendor',
};

/** One entry's detail line at most this long: what was asked and what came back, never a whole note. */
export const AUDIT_DETAIL_CHARS = 400;
/**
 * Entry text kept well inside a message's block-text budget (12 000), leaving room for the header and the
 * closing line.
 */
export const AUDIT_TEXT_BUDGET = 10_000;

export function auditLine(entry: AuditEntry): string {
  const when = slackDate(entry.at) ?? escapeMrkdwn(entry.at);
  const where = entry.channelId ? ` in <#${entry.channelId}>` : '';
  const what = ACTION_WORDS[entry.action] ?? escapeMrkdwn(entry.action);
  const detail = escapeMrkdwn(truncate(entry.detail.replace(/\s+/g, ' ').trim(), AUDIT_DETAIL_CHARS));
  return `• ${when} · <@${entry.actorUserId}>${where} · *${what}* · ${OUTCOME_WORDS[entry.outcome]}\n      ${detail}`;
}

export interface AuditTrailOptions {
  /** True when the store may hold older entries than those given (it returned as many as were asked for). */
  more?: boolean;
}

export function buildAuditTrail(
  vendor: VendorId,
  caseId: string,
  entries: readonly AuditEntry[],
  options: AuditTrailOptions = {},
): SlackMessage {
  const name = `${vendorName(vendor)} case ${caseId}`;
  const title = `Audit trail: ${name}`;
  const code = `${vendorName(vendor)} case \`${escapeMrkdwn(caseId)}\``;
  if (entries.length === 0) {
    const text = `No vendor writes to ${code} were made through caseops: opening, notes and cancelling are recorded here once someone does them from Slack.`;
    return { text, blocks: [header(title), ...sections(text)] };
  }

  const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
  const lines: string[] = [];
  let used = 0;
  for (const entry of newestFirst) {
    const line = auditLine(entry);
    if (used + line.length + 1 > AUDIT_TEXT_BUDGET) break;
    lines.push(line);
    used += line.length + 1;
  }
  const left = newestFirst.length - lines.length;
  const blocks: Block[] = [header(title), ...sections(lines.join('\n'))];
  if (left > 0 || options.more) {
    const older =
      left > 0 ? `${left}${options.more ? ' or more' : ''} older entries` : 'Older entries, if any,';
    const exportCommand = `npm run audit -- --vendor ${vendor} --case ${escapeMrkdwn(caseId)}`;
    blocks.push(context(`${older} are not shown here. An admin can export them all: \`${exportCommand}\`.`));
  }
  const count = `${lines.length} ${lines.length === 1 ? 'entry' : 'entries'}`;
  return { text: fallbackText`Audit trail of ${name}: ${count}, newest first`, blocks };
}
