/**
 * `/case digest …`: a channel's status-change digest.
 *
 *   /case digest                       the settings and the next run
 *   /case digest now                   post the digest now (the same run as a scheduled one)
 *   /case digest <schedule> [zone]     daily HH:MM, weekdays HH:MM, hourly, a cron expression, off, default
 *   /case digest empty on|off          post a digest even when nothing changed (or not)
 *
 * Policy: anyone may see the settings; changing them and `now` need the `digest` rule.
 */
import { InvalidInputError } from '../../../domain/errors.js';
import type { DigestRunOutcome } from '../../../domain/ports/schedule.js';
import type { DigestSettingsView } from '../../../domain/use-cases/digest-settings.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { isChannel } from '../../conversation.js';
import { echo, usageError } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case digest [now | <schedule> [time zone] | empty on|off]';

export type DigestArgs =
  | { action: 'show' }
  | { action: 'now' }
  /** The schedule as typed: read by the digest-settings use case (its schedule parser) when run. */
  | { action: 'schedule'; text: string }
  | { action: 'empty'; postWhenEmpty: boolean };

export const digestSubcommand = defineSubcommand<DigestArgs>({
  name: 'digest',
  aliases: ['digests'],
  usage,
  summary:
    "This channel's digest of status changes: show it, post it now, or set when it runs (daily HH:MM, weekdays HH:MM, hourly, a cron expression, off, default) and in which time zone.",
  examples: [
    '/case digest',
    '/case digest now',
    '/case digest daily 09:00 Europe/Berlin',
    '/case digest weekdays 17:30',
    '/case digest 0 */4 * * * UTC',
    '/case digest off',
    '/case digest empty on',
  ],
  parse: (words): DigestArgs => {
    const first = words.at(0)?.toLowerCase();
    if (first === undefined) return { action: 'show' };
    if (first === 'now') {
      if (words.length > 1)
        throw usageError(`\`now\` takes nothing after it; I got ${echo(words.rest(1))}.`, usage);
      return { action: 'now' };
    }
    if (first === 'empty') {
      const value = words.at(1)?.toLowerCase();
      if (words.length !== 2 || (value !== 'on' && value !== 'off')) {
        throw usageError(
          '`empty on` posts a digest even when nothing changed; `empty off` posts only when something did.',
          usage,
        );
      }
      return { action: 'empty', postWhenEmpty: value === 'on' };
    }
    return { action: 'schedule', text: words.rest(0) };
  },
  run: async (deps, invocation, args) => {
    let schedule: ReturnType<typeof deps.digestSettings.readSchedule> | undefined;
    if (args.action === 'schedule') {
      try {
        schedule = deps.digestSettings.readSchedule(args.text);
      } catch (error) {
        if (error instanceof InvalidInputError) throw usageError(error.message, usage);
        throw error;
      }
    }
    if (!isChannel(invocation.channelId)) {
      throw new InvalidInputError(
        'Digests belong to channels: run this in the channel that watches the cases.',
      );
    }
    const actor = { userId: invocation.userId, channelId: invocation.channelId };
    const channelId = invocation.channelId;
    const settings = deps.digestSettings;
    const notRunning = notice('Digests are not running in this caseops process.');
    switch (args.action) {
      case 'show': {
        const shown = await settings.show(channelId);
        const threadOnly = (await deps.updates.show(channelId)).mode === 'thread';
        const text = shown && describeSettings(shown, shown.watched);
        await invocation.reply(
          text ? notice(threadOnly ? `${text}\n${THREAD_ONLY_NOTE}` : text) : notRunning,
        );
        return;
      }
      case 'now': {
        const ran = await settings.postNow(actor, channelId);
        await invocation.reply(
          ran ? notice(describeOutcome(ran.outcome, ran.lastPostedAt, ran.timezone)) : notRunning,
        );
        return;
      }
      case 'schedule':
      case 'empty': {
        const change =
          args.action === 'empty' ? { postWhenEmpty: args.postWhenEmpty } : { schedule: schedule! };
        const changed = await settings.change(actor, channelId, change);
        const lead = args.action === 'empty' ? 'Digest updated.' : 'Digest schedule set.';
        await invocation.reply(changed ? notice(`${lead} ${describeSettings(changed)}`) : notRunning);
        return;
      }
    }
  },
});

/** Why a channel set to `/case updates thread` sees no scheduled digest. */
const THREAD_ONLY_NOTE =
  "*Updates:* this channel hears in the cards' threads only, so no scheduled digest is posted here (`/case updates both` to have it again; nothing is skipped meanwhile).";

function describeSettings(view: DigestSettingsView, watched?: number): string {
  const { effective, nextRun: next, now } = view;
  const lines: string[] = [];
  const zone = escapeMrkdwn(effective.timezone);
  if (!effective.enabled) {
    lines.push(
      '*Digest:* off. Turn it back on with `/case digest default` or a schedule such as `daily 09:00`.',
    );
  } else {
    const what = effective.followsDefault
      ? `\`${escapeMrkdwn(effective.cron)}\` in ${zone} (the workspace default)`
      : `\`${escapeMrkdwn(effective.display)}\` in ${zone}`;
    lines.push(`*Digest:* ${what}.`);
    lines.push(
      next
        ? `*Next run:* ${when(next.toISOString(), effective.timezone)} (${fromNow(next, now)}).`
        : '*Next run:* never: this schedule does not fire again.',
    );
  }
  lines.push(
    `*Last posted:* ${effective.lastPostedAt ? when(effective.lastPostedAt, effective.timezone) : 'not yet'}.`,
  );
  lines.push(
    effective.postWhenEmpty
      ? '*When nothing changed:* a short "no changes" digest is posted (`/case digest empty off` to skip it).'
      : '*When nothing changed:* nothing is posted (`/case digest empty on` to post anyway).',
  );
  if (watched !== undefined) {
    lines.push(
      watched === 0
        ? 'This channel watches no case yet: `/case watch <vendor> <id>`.'
        : `This channel watches ${watched} ${watched === 1 ? 'case' : 'cases'}.`,
    );
  }
  return lines.join('\n');
}

function describeOutcome(
  outcome: DigestRunOutcome,
  lastPostedAt: string | undefined,
  timezone: string,
): string {
  switch (outcome.status) {
    case 'posted':
      return `Posted the digest: ${outcome.changes} ${outcome.changes === 1 ? 'change' : 'changes'}${outcome.messages > 1 ? ` in ${outcome.messages} messages` : ''}.`;
    case 'posted-empty':
      return 'Posted the digest: nothing changed.';
    case 'nothing-to-post':
      return `Nothing changed since the last digest${lastPostedAt ? ` (${when(lastPostedAt, timezone)})` : ''}, so nothing was posted.`;
    case 'busy':
      return "This channel's digest is being posted right now; it will include everything up to now.";
    case 'disabled':
      return 'The digest is off in this channel.';
    case 'failed':
      return `${outcome.messages > 0 ? `Posted ${outcome.messages} message(s), then ` : ''}Slack did not accept the digest (${escapeMrkdwn(outcome.error)}). The changes not posted stay for the next digest.`;
    case 'abandoned':
    case 'stopping':
      return 'caseops is restarting: the digest will go out with the next run.';
  }
}

function when(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  const fallback = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(ms));
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function fromNow(next: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((next.getTime() - now.getTime()) / 60_000));
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
