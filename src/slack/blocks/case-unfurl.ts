/**
 * A vendor case link unfurled in a message: a compact card (title, state, severity, owner, age), a "Watch
 * here" button where the channel may watch it, and "Notify me" (direct messages to whoever presses it).
 */
import type { Case } from '../../domain/case.js';
import { vendorName } from '../../vendors/plugin.js';
import { CASE_ACTIONS, caseRefValue, STATE_LOOK } from './case-card.js';
import { actions, type Block, button, context, section } from './kit.js';
import { escapeMrkdwn, truncate } from './limits.js';

export const UNFURL_WATCH_ACTION = 'unfurl.watch';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "3 days", "5 hours", "12 minutes": how long ago `iso` was, roughly. */
export function ageOf(iso: string | undefined, now: Date): string | undefined {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const ms = Math.max(0, now.getTime() - at);
  const [amount, unit] =
    ms >= DAY
      ? [Math.floor(ms / DAY), 'day']
      : ms >= HOUR
        ? [Math.floor(ms / HOUR), 'hour']
        : [Math.floor(ms / MINUTE), 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

export function buildCaseUnfurl(c: Case, options: { now: Date; canWatch: boolean }): Block[] {
  const look = STATE_LOOK[c.state];
  const facts = [
    `${look.emoji} ${look.words}${c.status && c.status.toLowerCase() !== look.words.toLowerCase() ? ` (${escapeMrkdwn(c.status)})` : ''}`,
    c.severity ? `Severity ${escapeMrkdwn(c.severity)}` : undefined,
    c.owner ? `Owner ${escapeMrkdwn(c.owner)}` : undefined,
    ageOf(c.createdAt, options.now) ? `Opened ${ageOf(c.createdAt, options.now)} ago` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  const blocks: Block[] = [
    section(
      `*${escapeMrkdwn(vendorName(c.vendor))} case ${escapeMrkdwn(c.id)}* · ${escapeMrkdwn(truncate(c.title, 200))}`,
    ),
    context(facts.join('  ·  ')),
  ];
  const value = caseRefValue(c.vendor, c.id);
  blocks.push(
    actions(`unfurl:${c.vendor}:${c.id}`, [
      ...(options.canWatch ? [button({ text: 'Watch here', actionId: UNFURL_WATCH_ACTION, value })] : []),
      button({ text: 'Notify me', actionId: CASE_ACTIONS.notify, value }),
    ]),
  );
  return blocks;
}
