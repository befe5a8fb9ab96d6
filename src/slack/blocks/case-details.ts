/**
 * The Details view of a case: everything the vendor said about it, grouped as the vendor plugin grouped it,
 * and every note. Built from the Case alone (the plugins fill `details`), so it knows no vendor.
 */
import type { Case, CaseDetail } from '../../domain/case.js';
import { vendorName } from '../../vendors/plugin.js';
import { headlineFields, newestFirst, noteText, titleBlock } from './case-card.js';
import { type Block, context, fieldsSection, type ModalView, plain, section, sections } from './kit.js';
import { escapeMrkdwn, fitModal, SLACK_LIMITS } from './limits.js';

/** The heading details without a group of their own go under. */
const UNGROUPED = 'Details';
/** A note in Details is shown whole up to this, which keeps one note to one section. */
const DETAIL_NOTE_CHARS = 2500;

/** Details in the order the vendor plugin listed them, gathered under their groups (first-seen order). */
export function groupDetails(details: readonly CaseDetail[]): Array<{ group: string; items: CaseDetail[] }> {
  const groups = new Map<string, CaseDetail[]>();
  for (const detail of details) {
    const group = detail.group ?? UNGROUPED;
    const items = groups.get(group) ?? [];
    items.push(detail);
    groups.set(group, items);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}

export function caseDetailsBlocks(c: Case, now: number = Date.now()): Block[] {
  const blocks: Block[] = [titleBlock(c.title || `Case ${c.id}`), fieldsSection(headlineFields(c, now))];
  const about = [escapeMrkdwn(vendorName(c.vendor))];
  if (c.alternateIds.length > 0)
    about.push(`Also known as ${c.alternateIds.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}`);
  blocks.push(context(...about));

  // Where a plugin lists no details, the card's own fields are all there is.
  const details = c.details ?? c.fields;
  for (const { group, items } of groupDetails(details)) {
    blocks.push(section(`*${escapeMrkdwn(group)}*`));
    for (let i = 0; i < items.length; i += SLACK_LIMITS.message.fieldCount) {
      blocks.push(
        fieldsSection(
          items
            .slice(i, i + SLACK_LIMITS.message.fieldCount)
            .map((d) => ({ label: escapeMrkdwn(d.label), value: escapeMrkdwn(d.value) || '—' })),
        ),
      );
    }
  }

  if (c.notes.length > 0) {
    blocks.push(section(`*Notes* (${c.notes.length}, newest first)`));
    for (const n of newestFirst(c.notes)) blocks.push(...sections(noteText(n, now, DETAIL_NOTE_CHARS)));
  }
  return blocks;
}

/** The modal, within Slack's limits: past 100 blocks the oldest notes give way to an "n more" line. */
export function caseDetailsModal(c: Case, now: number = Date.now()): ModalView {
  return fitModal({
    type: 'modal',
    title: plain('Case details'),
    close: plain('Close'),
    blocks: caseDetailsBlocks(c, now),
  });
}
