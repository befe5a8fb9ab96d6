/** A nudge's Snooze 1 h / Snooze 1 d / Done buttons: the nudge is replaced by what was decided, and by whom. */
import type { NudgeStay } from '../../../domain/ports/store.js';
import { notice } from '../../blocks/notices.js';
import { NUDGE_ACTIONS, readNudgeStay, SNOOZE_MS, situationWords } from '../../blocks/nudge.js';
import type { SlackDeps } from '../../deps.js';
import { durationWords } from '../../words.js';
import { actorOf, afterAckButton } from './context.js';

export function nudgeHold(deps: SlackDeps) {
  return afterAckButton(deps, async (press) => {
    const stay: NudgeStay = readNudgeStay(press.value);
    const actor = actorOf(press);
    if (press.actionId === NUDGE_ACTIONS.done) {
      await deps.nudges.done(actor, stay);
      await press.replace(
        notice(
          `:white_check_mark: <@${press.userId}> is on it: no more nudges while this case stays ${situationWords(stay)}.`,
        ),
      );
      return;
    }
    const ms = SNOOZE_MS[press.actionId];
    if (ms === undefined) return;
    await deps.nudges.snooze(actor, stay, ms);
    await press.replace(notice(`:zzz: <@${press.userId}> snoozed this nudge for ${durationWords(ms)}.`));
  });
}
