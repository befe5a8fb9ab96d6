/**
 * Digest schedules: what a person types (`daily 09:00`, `weekdays 17:30`, `hourly`, `off`, or a cron
 * expression), optionally followed by an IANA time zone, turned into a node-cron expression; and the next
 * fire times of such an expression in a zone, computed from a given instant so callers can inject a clock.
 *
 * Fire times follow node-cron's own model (its matcher is the judge: a candidate fires only when node-cron's
 * `match` says so): schedules match wall-clock time in the zone, a wall time skipped by a DST change does not
 * fire that day, and a wall time repeated by a DST change fires once.
 */
import cron from 'node-cron';
import { InvalidInputError } from '../domain/errors.js';
import type { ParsedSchedule, ScheduleWithZone } from '../domain/ports/schedule.js';
import { closestName } from '../text/suggest.js';

export type { ParsedSchedule, ScheduleWithZone };

const SCHEDULE_EXAMPLES =
  'Use `daily HH:MM`, `weekdays HH:MM`, `hourly`, `off`, `default`, or a cron expression such as `0 9 * * 1-5`, optionally followed by a time zone such as Europe/Berlin.';

const TIME_OF_DAY = /^(\d{1,2}):(\d{2})$/;

/**
 * Parses `<schedule> [time zone]` as typed after `/case digest`. Throws InvalidInputError saying exactly
 * what is wrong (unknown keyword, bad time, bad cron field, unknown zone).
 */
export function parseScheduleWithZone(text: string): ScheduleWithZone {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = tokens;
  if (first === undefined)
    throw new InvalidInputError(`A schedule is needed. ${SCHEDULE_EXAMPLES}`, 'schedule');
  const keyword = first.toLowerCase();

  if (keyword === 'off' || keyword === 'default') {
    if (rest.length > 0) {
      throw new InvalidInputError(
        `\`${keyword}\` takes nothing after it: \`/case digest ${keyword}\`.`,
        'schedule',
      );
    }
    return {
      schedule: keyword === 'off' ? { kind: 'off', display: 'off' } : { kind: 'default', display: 'default' },
    };
  }

  if (keyword === 'hourly') {
    if (rest.length > 1) throw tooManyWords('hourly', '`hourly [time zone]`');
    return {
      schedule: { kind: 'cron', cron: '0 * * * *', display: 'hourly' },
      timezone: rest[0] === undefined ? undefined : parseTimeZone(rest[0]),
    };
  }

  if (keyword === 'daily' || keyword === 'weekdays') {
    const [time, zone, ...extra] = rest;
    if (time === undefined) {
      throw new InvalidInputError(
        `\`${keyword}\` needs a time of day: \`${keyword} 09:00\` (24-hour clock).`,
        'schedule',
      );
    }
    if (extra.length > 0) throw tooManyWords(keyword, `\`${keyword} HH:MM [time zone]\``);
    const { hour, minute } = parseTimeOfDay(time);
    const days = keyword === 'daily' ? '*' : '1-5';
    return {
      schedule: {
        kind: 'cron',
        cron: `${minute} ${hour} * * ${days}`,
        display: `${keyword} ${pad2(hour)}:${pad2(minute)}`,
      },
      timezone: zone === undefined ? undefined : parseTimeZone(zone),
    };
  }

  return parseCronWithZone(tokens);
}

function parseCronWithZone(tokens: string[]): ScheduleWithZone {
  const last = tokens[tokens.length - 1]!;
  // A zone always contains a letter and is never a valid cron field on its own, except for names like
  // `mon` that Intl does not know as zones, so "is it a zone?" decides the split.
  const lastIsZone = tokens.length >= 6 && looksLikeTimeZone(last) && isKnownTimeZone(last);
  const cronTokens = lastIsZone ? tokens.slice(0, -1) : tokens;
  if (cronTokens.length !== 5 && cronTokens.length !== 6) {
    if (tokens.length === 1) {
      throw new InvalidInputError(
        `"${tokens[0]}" is not a schedule I understand. ${SCHEDULE_EXAMPLES}`,
        'schedule',
      );
    }
    if (tokens.length >= 6 && looksLikeTimeZone(last) && last.includes('/')) parseTimeZone(last);
    throw new InvalidInputError(
      `A cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; "${cronTokens.join(' ')}" has ${cronTokens.length}. ${SCHEDULE_EXAMPLES}`,
      'schedule',
    );
  }
  const expression = cronTokens.join(' ');
  try {
    validateCron(expression);
  } catch (error) {
    // `0 9 * * mon-fri Europe/Berln`: the cron part is fine, the zone is what is wrong.
    if (tokens.length >= 6 && !lastIsZone && looksLikeTimeZone(last) && last.includes('/')) {
      parseTimeZone(last);
    }
    throw error;
  }
  return {
    schedule: { kind: 'cron', cron: expression, display: expression },
    timezone: lastIsZone ? parseTimeZone(last) : undefined,
  };
}

const CRON_FIELD_RULES: Record<string, string> = {
  second: 'the seconds field takes 0–59',
  minute: 'the minute field takes 0–59',
  hour: 'the hour field takes 0–23',
  dayOfMonth: 'the day-of-month field takes 1–31 (or L, 15W, LW)',
  month: 'the month field takes 1–12 or jan–dec',
  dayOfWeek: 'the day-of-week field takes 0–7 (0 and 7 are Sunday) or sun–sat',
};

/** Throws InvalidInputError naming the offending field when `expression` is not a node-cron expression. */
export function validateCron(expression: string): string {
  const normalised = expression.trim().replace(/\s+/g, ' ');
  const result = cron.validateDetailed(normalised);
  if (result.valid) return normalised;
  const problem = result.errors[0];
  if (!problem || problem.field === 'expression') {
    throw new InvalidInputError(
      `"${normalised}" is not a cron expression${problem ? ` (${problem.message})` : ''}: it takes 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as \`0 9 * * 1-5\`.`,
      'schedule',
    );
  }
  const rule = CRON_FIELD_RULES[problem.field] ?? `the ${problem.field} field is invalid`;
  const impossible = problem.message.includes('impossible');
  throw new InvalidInputError(
    impossible
      ? `"${normalised}" can never fire: ${problem.value ?? ''} is not a day that month has.`
      : `"${problem.value ?? ''}" is not valid in "${normalised}": ${rule}.`,
    'schedule',
  );
}

function parseTimeOfDay(text: string): { hour: number; minute: number } {
  const match = TIME_OF_DAY.exec(text);
  const hour = match ? Number(match[1]) : Number.NaN;
  const minute = match ? Number(match[2]) : Number.NaN;
  if (!match || hour > 23 || minute > 59) {
    throw new InvalidInputError(
      `"${text}" is not a time of day: use the 24-hour clock, HH:MM, such as 09:00 or 17:30.`,
      'schedule',
    );
  }
  return { hour, minute };
}

function tooManyWords(keyword: string, form: string): InvalidInputError {
  return new InvalidInputError(`Too many words after \`${keyword}\`: the form is ${form}.`, 'schedule');
}

function looksLikeTimeZone(text: string): boolean {
  return /[A-Za-z]/.test(text) && /^[A-Za-z0-9_+\-/]+$/.test(text);
}

function isKnownTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: text });
    return true;
  } catch {
    return false;
  }
}

let zoneNames: readonly string[] | undefined;
function knownZoneNames(): readonly string[] {
  zoneNames ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zoneNames;
}

/**
 * Validates an IANA time zone name (case-insensitively) and returns it canonically spelled. Throws
 * InvalidInputError, with a suggestion when the name is close to a real one.
 */
export function parseTimeZone(text: string): string {
  const name = text.trim();
  const exact = knownZoneNames().find((zone) => zone.toLowerCase() === name.toLowerCase());
  if (exact) return exact;
  if (looksLikeTimeZone(name) && isKnownTimeZone(name)) {
    // Aliases Intl accepts but does not list (GMT, Etc/GMT+5): keep the person's spelling, upper-cased
    // where the whole name is an abbreviation.
    return /^[a-z]+$/i.test(name) ? name.toUpperCase() : name;
  }
  const suggestion = closestZoneName(name);
  throw new InvalidInputError(
    `"${name}" is not a time zone I know.${suggestion ? ` Did you mean ${suggestion}?` : ''} Use an IANA name such as Europe/Berlin, America/New_York or UTC.`,
    'timezone',
  );
}

function closestZoneName(name: string): string | undefined {
  return closestName(name, knownZoneNames(), () => 3);
}

// Next fire times -----------------------------------------------------------------------------------------

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const wallFormatters = new Map<string, Intl.DateTimeFormat>();
function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of `epochMs` in `timeZone`. */
export function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of wallFormatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

function sameWallTime(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

/** Offset of `timeZone` from UTC at `epochMs`, in ms (positive east of Greenwich). */
function offsetAt(epochMs: number, timeZone: string): number {
  const wall = wallTimeAt(epochMs, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks read `wall`, or undefined when they never do (skipped by a DST
 * change). Where they read it twice (the repeated hour), this picks the instant node-cron's scheduler
 * picks: the one found from the offset in force at the wall time read as UTC.
 */
function instantOf(wall: WallTime, timeZone: string): number | undefined {
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const first = wallAsUtc - offsetAt(wallAsUtc, timeZone);
  if (sameWallTime(wallTimeAt(first, timeZone), wall)) return first;
  const second = wallAsUtc - offsetAt(first, timeZone);
  if (sameWallTime(wallTimeAt(second, timeZone), wall)) return second;
  return undefined;
}

/** Far enough for any satisfiable expression (29 February on a given weekday recurs within 28 years). */
const SEARCH_DAYS = 366 * 29;

/**
 * The next `count` instants strictly after `after` at which node-cron fires `expression` in `timeZone`.
 * Fewer (possibly none) when the expression cannot fire again.
 */
export function nextFireTimes(expression: string, timeZone: string, after: Date, count = 1): Date[] {
  const fields = cron.parse(expression);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const hours = [...fields.hour].sort((a, b) => a - b);
  const months = new Set(fields.month);
  // node-cron's own matcher decides day-of-month and day-of-week (L, W, #, names): the task is never started.
  const matcher = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const found: Date[] = [];
    let from = after.getTime();
    let lowerBound: WallTime | undefined = wallTimeAt(from, timeZone);
    let day = { year: lowerBound.year, month: lowerBound.month, day: lowerBound.day };
    let daysSearched = 0;
    while (found.length < count && daysSearched < SEARCH_DAYS) {
      const fire = months.has(day.month)
        ? firstFireOnDay(day, lowerBound, from, { seconds, minutes, hours }, timeZone, matcher)
        : undefined;
      if (fire === undefined) {
        day = nextCalendarDay(day);
        lowerBound = undefined;
        daysSearched++;
        continue;
      }
      // The same day may hold further fire times: search on from just after this one.
      found.push(new Date(fire));
      from = fire;
      lowerBound = wallTimeAt(fire, timeZone);
    }
    return found;
  } finally {
    matcher.destroy();
  }
}

export function nextFireTime(expression: string, timeZone: string, after: Date): Date | undefined {
  return nextFireTimes(expression, timeZone, after, 1)[0];
}

/** At most this many fires are looked at: at a 15-minute floor, more than two days of them. */
const GAP_SAMPLE_FIRES = 200;
/** A day and an hour from the first fire: every firing day repeats the same times, and a gap may span midnight. */
const GAP_WINDOW_MS = 25 * 60 * 60 * 1000;

/**
 * The shortest time between two consecutive fires of `expression` in `timeZone`, over the day after its first
 * fire after `after` (undefined when it fires fewer than twice): `* * * * * *` answers 1000. Fires are found a
 * few at a time and the search ends at the first gap under `stopBelowMs`, so a too-frequent schedule is
 * refused without listing a day of its fires.
 */
export function shortestGapMs(
  expression: string,
  timeZone: string,
  after: Date,
  stopBelowMs = 0,
): number | undefined {
  let first: number | undefined;
  let previous: number | undefined;
  let shortest: number | undefined;
  let seen = 0;
  let batch = 2;
  while (seen < GAP_SAMPLE_FIRES) {
    const fires = nextFireTimes(expression, timeZone, new Date(previous ?? after.getTime()), batch);
    for (const fire of fires.map((date) => date.getTime())) {
      seen++;
      if (previous !== undefined) {
        if (first !== undefined && previous - first > GAP_WINDOW_MS) return shortest;
        shortest = Math.min(shortest ?? Number.POSITIVE_INFINITY, fire - previous);
        if (shortest < stopBelowMs) return shortest;
      }
      first ??= fire;
      previous = fire;
    }
    if (fires.length < batch) return shortest;
    batch = Math.min(batch * 4, GAP_SAMPLE_FIRES - seen);
  }
  return shortest;
}

function firstFireOnDay(
  day: { year: number; month: number; day: number },
  lowerBound: WallTime | undefined,
  afterMs: number,
  sets: { seconds: number[]; minutes: number[]; hours: number[] },
  timeZone: string,
  matcher: { match(date: Date): boolean },
): number | undefined {
  // DST moves wall time by at most a couple of hours, so anything more than that before the lower bound
  // on the same day is certainly in the past and need not be converted.
  const skipBefore = lowerBound
    ? lowerBound.hour * 3600 + lowerBound.minute * 60 + lowerBound.second - 3 * 3600
    : Number.NEGATIVE_INFINITY;
  let dayChecked = false;
  for (const hour of sets.hours) {
    if (hour * 3600 + 3599 < skipBefore) continue;
    for (const minute of sets.minutes) {
      if (hour * 3600 + minute * 60 + 59 < skipBefore) continue;
      for (const second of sets.seconds) {
        const instant = instantOf({ ...day, hour, minute, second }, timeZone);
        if (instant === undefined) continue;
        if (!dayChecked) {
          // Every field but the day ones matches by construction, so a miss here rules out the whole day.
          if (!matcher.match(new Date(instant))) return undefined;
          dayChecked = true;
        }
        if (instant > afterMs && matcher.match(new Date(instant))) return instant;
      }
    }
  }
  return undefined;
}

function nextCalendarDay(day: { year: number; month: number; day: number }) {
  const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
