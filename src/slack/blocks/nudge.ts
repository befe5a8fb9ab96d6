/** A nudge message (posted in the case card's thread) with its Snooze and Done buttons. */
import * as z from 'zod';
import { InvalidInputError } from '../../domain/errors.js';
import type { NudgeStay } from '../../domain/ports/store.js';
import type { DueNudge } from '../../scheduler/nudge-runner.js';
import { vendorName } from '../../vendors/plugin.js';
import { glanceDuration } from '../words.js';
import { actions, type Block, button, context, section } from './kit.js';
import { escapeMrkdwn, fallbackText, linkOrCode, truncate } from './limits.js';

export const NUDGE_ACTIONS = {
  snoozeHour: 'nudge.snooze_1h',
  snoozeDay: 'nudge.snooze_1d',
  done: 'nudge.done',
} as const;

export const SNOOZE_MS: Record<string, number> = {
  [NUDGE_ACTIONS.snoozeHour]: 60 * 60_000,
  [NUDGE_ACTIONS.snoozeDay]: 24 * 60 * 60_000,
};

/** "waiting on us", "Cisco silent": the situation in words, inside a sentence. */
export function situationWords(stay: Pick<NudgeStay, 'situation' | 'vendor'>): string {
  return stay.situation === 'waiting-on-us' ? 'waiting on us' : `${vendorName(stay.vendor)} silent`;
}

const StayValue = z.object({
  c: z.string().min(1).max(40),
  v: z.string().min(1).max(40),
  id: z.string().min(1).max(100),
  s: z.enum(['waiting-on-us', 'vendor-silent']),
  t: z.string().refine((t) => !Number.isNaN(Date.parse(t))),
});

export function nudgeStayValue(stay: NudgeStay): string {
  return JSON.stringify({
    c: stay.channelId,
    v: stay.vendor,
    id: stay.caseId,
    s: stay.situation,
    t: stay.stayStart,
  });
}

export function readNudgeStay(value: string | undefined): NudgeStay {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    throw new InvalidInputError('This button is from an older caseops and no longer works.');
  }
  const checked = StayValue.safeParse(parsed);
  if (!checked.success)
    throw new InvalidInputError('This button is from an older caseops and no longer works.');
  const { c, v, id, s, t } = checked.data;
  return { channelId: c, vendor: v, caseId: id, situation: s, stayStart: t };
}

export function buildNudgeMessage(nudge: DueNudge): { text: string; blocks: Block[] } {
  const { stay } = nudge;
  const who = nudge.mention ? `<@${nudge.mention}> ` : '';
  const caseWords = `${vendorName(stay.vendor)} ${linkOrCode(nudge.url, stay.caseId)}`;
  const title = escapeMrkdwn(truncate(nudge.title, 200));
  const line = `:alarm_clock: ${who}${caseWords} · ${title} has been *${situationWords(stay)}* for ${glanceDuration(nudge.lastedMs)}.`;
  const value = nudgeStayValue(stay);
  return {
    text: fallbackText`${vendorName(stay.vendor)} case ${stay.caseId}: ${situationWords(stay)} for ${glanceDuration(nudge.lastedMs)}`,
    blocks: [
      section(line),
      context(`Nudge ${nudge.sequence} of at most 3 for this stay.`),
      actions('nudge_actions', [
        button({ text: 'Snooze 1 h', actionId: NUDGE_ACTIONS.snoozeHour, value }),
        button({ text: 'Snooze 1 d', actionId: NUDGE_ACTIONS.snoozeDay, value }),
        button({ text: 'Done', actionId: NUDGE_ACTIONS.done, value, style: 'primary' }),
      ]),
    ],
  };
}
