/**
 * A channel's digest settings: show them with the next run, change the schedule or the "post when nothing
 * changed" switch, or post the digest now. Anyone may look; changing them and posting now need the policy's
 * `digest` rule (posting now changes what the channel reads as much as a new schedule does).
 */
import type { Actor } from '../actions.js';
import {
  type DigestDefaults,
  type EffectiveDigestSchedule,
  effectiveDigestSchedule,
  FOLLOWS_DEFAULT_SCHEDULE,
} from '../digest.js';
import { ScheduleTooFrequentError } from '../errors.js';
import type { PolicyGate } from '../policy-gate.js';
import type { DigestRunOutcome, DigestRuns, ScheduleParser, ScheduleWithZone } from '../ports/schedule.js';
import type { DigestSettings, DigestSettingsStore, WatchStore } from '../ports/store.js';

export interface DigestSettingsServiceOptions {
  store: Pick<DigestSettingsStore, 'getDigestSettings' | 'saveDigestSettings'> &
    Pick<WatchStore, 'watchesInChannel'>;
  schedules: ScheduleParser;
  /** The running scheduler; absent where digests do not run in this process. */
  runs?: DigestRuns;
  policy?: Pick<PolicyGate, 'authorize'>;
  /**
   * The shortest gap a channel's own schedule may have between two digests (DIGEST_MIN_INTERVAL). The seconds
   * field and every-minute crons are for the operator's POLL_CRON and DIGEST_CRON, not for channels.
   */
  minIntervalMs?: number;
  now?: () => Date;
}

export interface DigestSettingsView {
  effective: EffectiveDigestSchedule;
  /** When the schedule fires next; undefined when it is off or never fires again. */
  nextRun?: Date;
  now: Date;
}

export type DigestChange = { schedule: ScheduleWithZone } | { postWhenEmpty: boolean };

/** Undefined from a method: digests are not running in this process. */
export class DigestSettingsService {
  private readonly now: () => Date;

  constructor(private readonly options: DigestSettingsServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** `<schedule> [time zone]` as typed; throws InvalidInputError saying what is wrong. */
  readSchedule(text: string): ScheduleWithZone {
    return this.options.schedules.parse(text);
  }

  async show(channelId: string): Promise<(DigestSettingsView & { watched: number }) | undefined> {
    const runs = this.options.runs;
    if (!runs) return undefined;
    const stored = await this.options.store.getDigestSettings(channelId);
    const watched = (await this.options.store.watchesInChannel(channelId)).length;
    return { ...this.view(effectiveDigestSchedule(channelId, stored, runs.defaults)), watched };
  }

  async change(
    actor: Actor,
    channelId: string,
    change: DigestChange,
  ): Promise<DigestSettingsView | undefined> {
    await this.authorize(actor, channelId);
    const runs = this.options.runs;
    if (!runs) return undefined;
    const stored = await this.options.store.getDigestSettings(channelId);
    if ('schedule' in change) {
      const { timezone } = effectiveDigestSchedule(channelId, stored, runs.defaults);
      this.checkFloor(change.schedule, timezone);
    }
    const saved = await this.options.store.saveDigestSettings(
      changedSettings(channelId, stored, runs.defaults, change, actor.userId, this.now()),
    );
    await runs.settingsChanged();
    return this.view(effectiveDigestSchedule(channelId, saved, runs.defaults));
  }

  async postNow(
    actor: Actor,
    channelId: string,
  ): Promise<{ outcome: DigestRunOutcome; lastPostedAt?: string; timezone: string } | undefined> {
    await this.authorize(actor, channelId);
    const runs = this.options.runs;
    if (!runs) return undefined;
    const outcome = await runs.runDigestNow(channelId);
    const stored = await this.options.store.getDigestSettings(channelId);
    const { timezone } = effectiveDigestSchedule(channelId, stored, runs.defaults);
    return { outcome, lastPostedAt: stored?.lastPostedAt, timezone };
  }

  /** Refuses a schedule of the channel's own that fires closer together than the operator's minimum. */
  private checkFloor({ schedule, timezone }: ScheduleWithZone, channelZone: string): void {
    const minimum = this.options.minIntervalMs;
    if (minimum === undefined || schedule.kind !== 'cron') return;
    const gap = this.options.schedules.shortestGapMs(
      schedule.cron,
      timezone ?? channelZone,
      this.now(),
      minimum,
    );
    if (gap !== undefined && gap < minimum) {
      throw new ScheduleTooFrequentError(schedule.display, gap, minimum);
    }
  }

  private async authorize(actor: Actor, channelId: string): Promise<void> {
    await this.options.policy?.authorize('digest', { userId: actor.userId, channelId });
  }

  private view(effective: EffectiveDigestSchedule): DigestSettingsView {
    const now = this.now();
    const nextRun = effective.enabled
      ? this.options.schedules.nextFireTime(effective.cron, effective.timezone, now)
      : undefined;
    return { effective, nextRun, now };
  }
}

/** The settings row after `change`, keeping whatever the person did not change. */
export function changedSettings(
  channelId: string,
  stored: DigestSettings | undefined,
  defaults: DigestDefaults,
  change: DigestChange,
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
  if ('postWhenEmpty' in change) return { ...base, postWhenEmpty: change.postWhenEmpty };
  const { schedule, timezone } = change.schedule;
  switch (schedule.kind) {
    case 'off':
      // The schedule is kept as it was, so the settings can still say what "off" replaced.
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
