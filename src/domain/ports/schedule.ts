/**
 * Digest schedules as the domain meets them: what a person typed, read into a cron expression and a zone,
 * and when such a schedule fires next. The cron engine behind it is the scheduler's (src/scheduler/schedule.ts);
 * the composition root passes it in.
 */
import type { DigestDefaults } from '../digest.js';

export type ParsedSchedule =
  | { kind: 'off'; display: 'off' }
  /** Back to the deployment's DIGEST_CRON / DIGEST_TZ. */
  | { kind: 'default'; display: 'default' }
  | {
      kind: 'cron';
      /** A cron expression (5 or 6 fields). */
      cron: string;
      /** The schedule as a person reads it back (`daily 09:00`, or the cron expression). */
      display: string;
    };

export interface ScheduleWithZone {
  schedule: ParsedSchedule;
  /** The zone named after the schedule, canonically spelled; undefined when none was given. */
  timezone?: string;
}

export interface ScheduleParser {
  /** `<schedule> [time zone]` as typed; throws InvalidInputError saying exactly what is wrong. */
  parse(text: string): ScheduleWithZone;
  /** The first fire of `cron` in `timezone` after `after`; undefined when it never fires again. */
  nextFireTime(cron: string, timezone: string, after: Date): Date | undefined;
  /**
   * The shortest time between consecutive fires over about a day; undefined when it fires fewer than twice.
   * May stop at the first gap under `stopBelowMs` and answer that one.
   */
  shortestGapMs(cron: string, timezone: string, after: Date, stopBelowMs?: number): number | undefined;
}

/** How a digest run asked for now ended. */
export type DigestRunOutcome =
  | { status: 'posted'; messages: number; changes: number }
  /** Nothing changed and the channel did not ask for empty digests: nothing was posted. */
  | { status: 'nothing-to-post' }
  | { status: 'posted-empty' }
  /** Another run (here or on another replica) is posting this channel's digest right now. */
  | { status: 'busy' }
  | { status: 'disabled' }
  /** Part of the digest may have been posted; the rest stays for the next run. */
  | { status: 'failed'; messages: number; changes: number; error: string }
  /** A stop request ended the run between two messages. */
  | { status: 'abandoned'; messages: number; changes: number }
  /** The process is shutting down and took no new run. */
  | { status: 'stopping' };

/** The running digest schedule (the scheduler). */
export interface DigestRuns {
  /** DIGEST_CRON / DIGEST_TZ. */
  readonly defaults: DigestDefaults;
  /** A channel's settings changed: bring the digest tasks in line now rather than at the next resync. */
  settingsChanged(): Promise<void>;
  runDigestNow(channelId: string): Promise<DigestRunOutcome>;
}
