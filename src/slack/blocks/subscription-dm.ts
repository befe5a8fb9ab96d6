/** The direct message to a subscriber: what changed on the case since the last one, and "Stop notifying". */
import type { CaseEvent } from '../../domain/ports/store.js';
import type { DueSubscriptionDm } from '../../scheduler/subscription-dm-runner.js';
import { vendorName } from '../../vendors/plugin.js';
import { CASE_ACTIONS, caseRefValue, STATE_LOOK } from './case-card.js';
import { actions, type Block, button, context, section, sections } from './kit.js';
import { escapeMrkdwn, fallbackText, linkOrCode, truncate } from './limits.js';

/** Lines shown in one message; a night's worth of changes beyond it is summed up in one line. */
const MAX_LINES = 20;
const NOTE_CHARS = 300;

function changeLine(event: CaseEvent): string {
  if (event.kind === 'status') {
    const to = STATE_LOOK[event.toState];
    return `${to.emoji} Status: ${STATE_LOOK[event.fromState].words} → *${to.words}* (${escapeMrkdwn(event.toStatus)})`;
  }
  if (event.kind === 'owner') {
    return `:bust_in_silhouette: Owner: ${escapeMrkdwn(event.from || '—')} → *${escapeMrkdwn(event.to || '—')}*`;
  }
  const author = event.note?.author ? ` from ${escapeMrkdwn(event.note.author)}` : '';
  const firstLine = (event.note?.text ?? '').split('\n')[0] ?? '';
  return `:memo: Vendor note${author}: ${escapeMrkdwn(truncate(firstLine, NOTE_CHARS))}`;
}

export function buildSubscriptionDm(dm: DueSubscriptionDm): { text: string; blocks: Block[] } {
  const latest = dm.events.at(-1);
  const title = latest?.title ?? '';
  const name = `${vendorName(dm.vendor)} case`;
  const shown = dm.events.slice(-MAX_LINES);
  const lines = shown.map(changeLine);
  const hidden = dm.events.length - shown.length;
  if (hidden > 0) lines.unshift(`_${hidden} earlier ${hidden === 1 ? 'change' : 'changes'} not shown._`);
  const count = dm.events.length;
  return {
    text: fallbackText`${name} ${dm.caseId} changed: ${title} (${count} ${count === 1 ? 'change' : 'changes'})`,
    blocks: [
      section(
        `:bell: *${escapeMrkdwn(name)} ${linkOrCode(latest?.url, dm.caseId)}* · ${escapeMrkdwn(truncate(title, 200))}`,
      ),
      // Split, not cut, at Slack's section limit, so the newest changes at the end are never the ones lost.
      ...sections(lines.join('\n')),
      context('You asked caseops to notify you about this case.'),
      actions('subscription_dm_actions', [
        button({
          text: 'Stop notifying',
          actionId: CASE_ACTIONS.stopNotify,
          value: caseRefValue(dm.vendor, dm.caseId),
        }),
      ]),
    ],
  };
}
