/**
 * A channel's nudges: show the rules and the next nudges due, set or clear a rule, set quiet hours, and what
 * people say on a nudge (snooze it, or done for this stay). Anyone may look; changing the rules and quiet
 * hours needs the policy's `digest` rule, as digest settings do.
 */
import type { Actor } from '../actions.js';
import { caseKey } from '../case.js';
import { type DigestDefaults, effectiveDigestSchedule } from '../digest.js';
import { inQuietHours, nextNudgeDue, nudgeStayOf } from '../nudges.js';
import type { PolicyGate } from '../policy-gate.js';
import type {
  DigestSettingsStore,
  EventLog,
  NudgeSettings,
  NudgeSituation,
  NudgeStay,
  NudgeStore,
  WatchStore,
} from '../ports/store.js';
import { type ClockStore, recordedClocks } from '../response-clock.js';

export interface NudgeServiceOptions {
  store: Pick<
    NudgeStore,
    'getNudgeSettings' | 'saveNudgeSettings' | 'nudgesOfStay' | 'nudgeHold' | 'holdNudges'
  > &
    Pick<WatchStore, 'watchesInChannel'> &
    Pick<EventLog, 'getSnapshots'> &
    ClockStore &
    Pick<DigestSettingsStore, 'getDigestSettings'>;
  /** DIGEST_CRON / DIGEST_TZ: quiet hours are read in the channel's digest time zone. */
  digestDefaults: DigestDefaults;
  policy?: Pick<PolicyGate, 'authorize'>;
  now?: () => Date;
}

export interface UpcomingNudge {
  stay: NudgeStay;
  title: string;
  sequence: number;
  due: Date;
}

export interface NudgeSettingsView {
  rules: Partial<Record<NudgeSituation, number>>;
  quiet?: { from: string; to: string };
  timezone: string;
  quietNow: boolean;
  /** Soonest first. */
  upcoming: UpcomingNudge[];
  now: Date;
}

export class NudgeService {
  private readonly now: () => Date;

  constructor(private readonly options: NudgeServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async show(channelId: string): Promise<NudgeSettingsView> {
    const { store } = this.options;
    const settings = await store.getNudgeSettings(channelId);
    const timezone = await this.timezoneOf(channelId);
    const now = this.now();
    const upcoming: UpcomingNudge[] = [];
    const rules = settings?.rules ?? {};
    if (Object.keys(rules).length > 0) {
      const watches = await store.watchesInChannel(channelId);
      const snapshots = await store.getSnapshots(watches);
      const clocks = await recordedClocks(store, snapshots);
      for (const snapshot of snapshots) {
        const stay = nudgeStayOf(channelId, snapshot, clocks.get(caseKey(snapshot.vendor, snapshot.caseId)));
        const period = stay && rules[stay.situation];
        if (!stay || period === undefined) continue;
        const next = nextNudgeDue(stay, period, await store.nudgesOfStay(stay), await store.nudgeHold(stay));
        if (next) upcoming.push({ stay, title: snapshot.title, ...next });
      }
    }
    upcoming.sort((a, b) => a.due.getTime() - b.due.getTime());
    return {
      rules,
      ...(settings?.quiet ? { quiet: settings.quiet } : {}),
      timezone,
      quietNow: inQuietHours(now, settings?.quiet, timezone),
      upcoming,
      now,
    };
  }

  /** Sets (or, with `periodMs` undefined, clears) the rule for one situation. */
  async setRule(
    actor: Actor,
    channelId: string,
    situation: NudgeSituation,
    periodMs: number | undefined,
  ): Promise<NudgeSettingsView> {
    await this.change(actor, channelId, (current) => {
      const rules = { ...current.rules };
      if (periodMs === undefined) delete rules[situation];
      else rules[situation] = periodMs;
      return { ...current, rules };
    });
    return this.show(channelId);
  }

  async turnOff(actor: Actor, channelId: string): Promise<NudgeSettingsView> {
    await this.change(actor, channelId, (current) => ({ ...current, rules: {} }));
    return this.show(channelId);
  }

  async setQuiet(
    actor: Actor,
    channelId: string,
    quiet: { from: string; to: string } | undefined,
  ): Promise<NudgeSettingsView> {
    await this.change(actor, channelId, (current) => {
      const { quiet: _old, ...rest } = current;
      return quiet ? { ...rest, quiet } : rest;
    });
    return this.show(channelId);
  }

  /** No nudge about this stay before `now + ms`. */
  async snooze(actor: Actor, stay: NudgeStay, ms: number): Promise<Date> {
    const until = new Date(this.now().getTime() + ms);
    const hold = await this.options.store.nudgeHold(stay);
    await this.options.store.holdNudges(
      stay,
      { done: hold?.done ?? false, snoozedUntil: until.toISOString() },
      actor.userId,
    );
    return until;
  }

  /** No more nudges about this stay; the next stay (the case leaves the situation and comes back) is nudged. */
  async done(actor: Actor, stay: NudgeStay): Promise<void> {
    await this.options.store.holdNudges(stay, { done: true }, actor.userId);
  }

  private async change(
    actor: Actor,
    channelId: string,
    edit: (current: NudgeSettings) => NudgeSettings,
  ): Promise<void> {
    await this.options.policy?.authorize('digest', { userId: actor.userId, channelId });
    const stored = await this.options.store.getNudgeSettings(channelId);
    const base: NudgeSettings = stored ?? {
      channelId,
      rules: {},
      updatedBy: actor.userId,
      updatedAt: this.now().toISOString(),
    };
    await this.options.store.saveNudgeSettings({
      ...edit(base),
      channelId,
      updatedBy: actor.userId,
      updatedAt: this.now().toISOString(),
    });
  }

  private async timezoneOf(channelId: string): Promise<string> {
    const digest = await this.options.store.getDigestSettings(channelId);
    return effectiveDigestSchedule(channelId, digest, this.options.digestDefaults).timezone;
  }
}
