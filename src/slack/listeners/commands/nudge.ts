/**
 * `/case nudge …`: a channel's nudges about watched cases that wait too long.
 *
 *   /case nudge                          the rules and the next nudges due
 *   /case nudge waiting-on-us 2h         nudge when a case has waited on us this long (and again after each period)
 *   /case nudge vendor-silent 1d         nudge when the vendor has been silent this long
 *   /case nudge waiting-on-us off        clear one rule
 *   /case nudge off                      clear every rule
 *
 * Policy: anyone may look; changing the rules needs the `digest` rule, as digest settings do.
 */

import { InvalidInputError } from '../../../domain/errors.js';
import { MIN_NUDGE_PERIOD_MS } from '../../../domain/nudges.js';
import type { NudgeSituation } from '../../../domain/ports/store.js';
import type { NudgeSettingsView } from '../../../domain/use-cases/nudges.js';
import { vendorName } from '../../../vendors/plugin.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { situationWords } from '../../blocks/nudge.js';
import { isChannel } from '../../conversation.js';
import { durationWords } from '../../words.js';
import { echo, usageError } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage =
  '/case nudge [waiting-on-us|vendor-silent <30m|2h|1d|off> | off]  e.g. /case nudge waiting-on-us 2h';

const SITUATION_NAMES: Record<string, NudgeSituation> = {
  'waiting-on-us': 'waiting-on-us',
  'vendor-silent': 'vendor-silent',
};

const UNIT_MS = { m: 60_000, h: 60 * 60_000, d: 24 * 60 * 60_000 } as const;
/** A week of days: a longer nudge is not a nudge. */
const MAX_PERIOD_MS = 30 * UNIT_MS.d;

/** `30m`, `2h`, `1d` → milliseconds; throws the usage error with what was wrong. */
export function readDuration(word: string): number {
  const match = /^(\d{1,4})([mhd])$/i.exec(word);
  if (!match) {
    throw usageError(
      `${echo(word)} is not a duration: write a number and m, h or d, like 30m, 2h or 1d.`,
      usage,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase() as keyof typeof UNIT_MS];
  if (ms < MIN_NUDGE_PERIOD_MS) throw usageError('A nudge period must be at least 1m.', usage);
  if (ms > MAX_PERIOD_MS) throw usageError('A nudge period can be at most 30d.', usage);
  return ms;
}

export type NudgeArgs =
  | { action: 'show' }
  | { action: 'off' }
  | { action: 'rule'; situation: NudgeSituation; periodMs: number | undefined };

export const nudgeSubcommand = defineSubcommand<NudgeArgs>({
  name: 'nudge',
  aliases: ['nudges'],
  usage,
  summary:
    "Nudge this channel when a watched case has been waiting on us, or the vendor has been silent, for too long: in the card's thread, repeated after each period, at most 3 times.",
  examples: [
    '/case nudge',
    '/case nudge waiting-on-us 2h',
    '/case nudge vendor-silent 1d',
    '/case nudge off',
  ],
  parse: (words): NudgeArgs => {
    const first = words.at(0)?.toLowerCase();
    if (first === undefined) return { action: 'show' };
    if (first === 'off') {
      if (words.length > 1)
        throw usageError(`\`off\` takes nothing after it; I got ${echo(words.rest(1))}.`, usage);
      return { action: 'off' };
    }
    const situation = SITUATION_NAMES[first];
    if (!situation) {
      throw usageError(
        `${echo(first)} is not something caseops nudges about: use waiting-on-us or vendor-silent.`,
        usage,
      );
    }
    const period = words.at(1);
    if (period === undefined)
      throw usageError(`How long may a case be ${first}? Add a duration like 2h.`, usage);
    if (words.length > 2) throw usageError(`I don't know what to do with ${echo(words.rest(2))}.`, usage);
    return {
      action: 'rule',
      situation,
      periodMs: period.toLowerCase() === 'off' ? undefined : readDuration(period),
    };
  },
  run: async (deps, invocation, args) => {
    if (!isChannel(invocation.channelId)) {
      throw new InvalidInputError(
        'Nudges belong to channels: run this in the channel that watches the cases.',
      );
    }
    const actor = { userId: invocation.userId, channelId: invocation.channelId };
    const channelId = invocation.channelId;
    switch (args.action) {
      case 'show':
        await invocation.reply(notice(describeNudges(await deps.nudges.show(channelId))));
        return;
      case 'off':
        await invocation.reply(
          notice(
            `Nudges are off in this channel.\n${describeNudges(await deps.nudges.turnOff(actor, channelId))}`,
          ),
        );
        return;
      case 'rule': {
        const view = await deps.nudges.setRule(actor, channelId, args.situation, args.periodMs);
        await invocation.reply(notice(`Nudge rule set.\n${describeNudges(view)}`));
        return;
      }
    }
  },
});

export function describeNudges(view: NudgeSettingsView): string {
  const lines: string[] = [];
  const rules = Object.entries(view.rules) as Array<[NudgeSituation, number]>;
  if (rules.length === 0) {
    lines.push(
      '*Nudges:* none. Set one with `/case nudge waiting-on-us 2h` or `/case nudge vendor-silent 1d`.',
    );
  } else {
    for (const [situation, ms] of rules) {
      const what = situation === 'waiting-on-us' ? 'a case waits on us' : 'the vendor is silent';
      lines.push(
        `*Nudge* when ${what} for ${durationWords(ms)} (again after each ${durationWords(ms)}, at most 3 times).`,
      );
    }
  }
  const zone = escapeMrkdwn(view.timezone);
  lines.push(
    view.quiet
      ? `*Quiet hours:* ${view.quiet.from}–${view.quiet.to} ${zone}${view.quietNow ? ' (now)' : ''}.`
      : '*Quiet hours:* none (`/case quiet 20:00-08:00`).',
  );
  if (rules.length > 0) {
    if (view.upcoming.length === 0) lines.push('No nudge is due for the cases this channel watches.');
    for (const next of view.upcoming.slice(0, 10)) {
      const ms = next.due.getTime() - view.now.getTime();
      const when = ms <= 0 ? 'at the next poll' : `in ${durationWords(ms)}`;
      lines.push(
        `• ${vendorName(next.stay.vendor)} \`${escapeMrkdwn(next.stay.caseId)}\` (${situationWords(next.stay)}): nudge ${next.sequence} ${when}`,
      );
    }
  }
  return lines.join('\n');
}
