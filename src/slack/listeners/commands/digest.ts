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
import {
  type DigestDefaults,
  type EffectiveDigestSchedule,
  effectiveDigestSchedule,
  FOLLOWS_DEFAULT_SCHEDULE,
} from '../../../domain/digest.js';
import { InvalidInputError } from '../../../domain/errors.js';
import type { DigestSettings } from '../../../domain/ports/store.js';
import type { DigestOutcome } from '../../../scheduler/digest-runner.js';
import { nextFireTime, parseScheduleWithZone, type ScheduleWithZone } from '../../../scheduler/schedule.js';
import { escapeMrkdwn } from '../../blocks/limits.js';
import { notice } from '../../blocks/notices.js';
import { isChannel } from '../../conversation.js';
import type { SlackDeps } from '../../deps.js';
import { authorizeInSlack } from '../../policy.js';
import { echo, usageError } from './grammar.js';
import { defineSubcommand } from './types.js';

const usage = '/case digest [now | <schedule> [time zone] | empty on|off]';

export type DigestArgs =
  | { action: 'show' }
  | { action: 'now' }
  | { action: 'schedule'; choice: ScheduleWithZone }
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
    try {
      return { action: 'schedule', choice: parseScheduleWithZone(words.rest(0)) };
    } catch (error) {
      if (error instanceof InvalidInputError) throw usageError(error.message, usage);
      throw error;
    }
  },
  run: async (deps, invocation, args) => {
    if (!isChannel(invocation.channelId)) {
      throw new InvalidInputError(
        'Digests belong to channels: run this in the channel that watches the cases.',
      );
    }
    if (args.action !== 'show') {
      // Posting now changes what the channel reads as much as a new schedule does: one `digest` rule covers
      // both. Showing the settings changes nothing, so anyone may.
      await authorizeInSlack(deps, 'digest', { userId: invocation.userId, channelId: invocation.channelId });
    }
    const control = deps.digests;
    if (!control) {
      await invocation.reply(notice('Digests are not running in this caseops process.'));
      return;
    }
    const channelId = invocation.channelId;
    switch (args.action) {
      case 'show': {
        const stored = await deps.store.getDigestSettings(channelId);
        const watched = (await deps.store.watchesInChannel(channelId)).length;
        await invocation.reply(
          notice(
            describeSettings(effectiveDigestSchedule(channelId, stored, control.defaults), deps, watched),
          ),
        );
        return;
      }
      case 'now': {
        const outcome = await control.runDigestNow(channelId);
        const stored = await deps.store.getDigestSettings(channelId);
        await invocation.reply(notice(describeOutcome(outcome, stored, control.defaults)));
        return;
      }
      case 'schedule':
      case 'empty': {
        const stored = await deps.store.getDigestSettings(channelId);
        const saved = await deps.store.saveDigestSettings(
          changedSettings(channelId, stored, control.defaults, args, invocation.userId, deps.now()),
        );
        await control.settingsChanged();
        const effective = effectiveDigestSchedule(channelId, saved, control.defaults);
        const lead = args.action === 'empty' ? 'Digest updated.' : 'Digest schedule set.';
        await invocation.reply(notice(`${lead} ${describeSettings(effective, deps)}`));
        return;
      }
    }
  },
});

/** The settings row after `args`, keeping whatever the person did not change. */
export function changedSettings(
  channelId: string,
  stored: DigestSettings | undefined,
  defaults: DigestDefaults,
  args: Extract<DigestArgs, { action: 'schedule' | 'empty' }>,
  userId: string,
  now: Date,
): Omit<DigestSettings, 'cursor' | 'lastPostedAt'> {
  const current = effectiveDigestSchedule(channelId, stored, defaults);
  const base = {
    channelId,
    cron: stored?.cron ?? defaults.cron,
    schedule: stored?.schedule ?? FOLLOWS_DEFAULT_SCHEDULE,
    timezone: stored?.timezone ?? defaults.timezone,
    enabled: current.enabled,
    postWhenEmpty: current.postWhenEmpty,
    updatedBy: userId,
    updatedAt: now.toISOString(),
  };
  if (args.action === 'empty') return { ...base, postWhenEmpty: args.postWhenEmpty };
  const { schedule, timezone } = args.choice;
  switch (schedule.kind) {
    case 'off':
      // The schedule is kept as it was, so `/case digest` can still say what "off" replaced.
      return {
        ...base,
        enabled: false,
        schedule: 'off',
        cron: current.cron,
        timezone: timezone ?? current.timezone,
      };
    case 'default':
      return {
        ...base,
        enabled: true,
        schedule: FOLLOWS_DEFAULT_SCHEDULE,
        cron: defaults.cron,
        timezone: defaults.timezone,
      };
    case 'cron':
      // Without a zone, a channel keeps the zone it had (its own, or the default's).
      return {
        ...base,
        enabled: true,
        schedule: schedule.display,
        cron: schedule.cron,
        timezone: timezone ?? current.timezone,
      };
  }
}

function describeSettings(
  effective: EffectiveDigestSchedule,
  deps: Pick<SlackDeps, 'now'>,
  watched?: number,
): string {
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
    const next = nextFireTime(effective.cron, effective.timezone, deps.now());
    lines.push(`*Digest:* ${what}.`);
    lines.push(
      next
        ? `*Next run:* ${when(next.toISOString(), effective.timezone)} (${fromNow(next, deps.now())}).`
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
  outcome: DigestOutcome | { status: 'stopping' },
  stored: DigestSettings | undefined,
  defaults: DigestDefaults,
): string {
  switch (outcome.status) {
    case 'posted':
      return `Posted the digest: ${outcome.changes} ${outcome.changes === 1 ? 'change' : 'changes'}${outcome.messages > 1 ? ` in ${outcome.messages} messages` : ''}.`;
    case 'posted-empty':
      return 'Posted the digest: nothing changed.';
    case 'nothing-to-post': {
      const timezone = effectiveDigestSchedule('', stored, defaults).timezone;
      return `Nothing changed since the last digest${stored?.lastPostedAt ? ` (${when(stored.lastPostedAt, timezone)})` : ''}, so nothing was posted.`;
    }
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
