import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.js';
import {
  nextFireTime,
  nextFireTimes,
  parseScheduleWithZone,
  parseTimeZone,
  validateCron,
  wallTimeAt,
} from '../../src/scheduler/schedule.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

function rejection(text: string): string {
  try {
    parseScheduleWithZone(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('parseScheduleWithZone', () => {
  it.each([
    ['daily 09:00', '0 9 * * *', 'daily 09:00', undefined],
    ['daily 9:05 europe/berlin', '5 9 * * *', 'daily 09:05', 'Europe/Berlin'],
    ['WEEKDAYS 17:30 America/New_York', '30 17 * * 1-5', 'weekdays 17:30', 'America/New_York'],
    ['hourly', '0 * * * *', 'hourly', undefined],
    ['hourly utc', '0 * * * *', 'hourly', 'UTC'],
    ['0 9 * * 1-5', '0 9 * * 1-5', '0 9 * * 1-5', undefined],
    ['0 9 * * mon-fri Asia/Tokyo', '0 9 * * mon-fri', '0 9 * * mon-fri', 'Asia/Tokyo'],
    ['*/10 * * * * *', '*/10 * * * * *', '*/10 * * * * *', undefined],
    ['0 0 8 * * 1-5 Europe/Berlin', '0 0 8 * * 1-5', '0 0 8 * * 1-5', 'Europe/Berlin'],
  ])('%s', (text, expectedCron, display, zone) => {
    const parsed = parseScheduleWithZone(text);
    expect(parsed.schedule).toEqual({ kind: 'cron', cron: expectedCron, display });
    expect(parsed.timezone).toBe(zone);
    if (parsed.schedule.kind === 'cron') expect(cron.validate(parsed.schedule.cron)).toBe(true);
  });

  it('off and default', () => {
    expect(parseScheduleWithZone('off').schedule).toEqual({ kind: 'off', display: 'off' });
    expect(parseScheduleWithZone('Default').schedule).toEqual({ kind: 'default', display: 'default' });
  });

  it('says exactly what is wrong', () => {
    expect(rejection('')).toMatch(/A schedule is needed/);
    expect(rejection('daily')).toMatch(/`daily` needs a time of day/);
    expect(rejection('daily 24:00')).toMatch(/"24:00" is not a time of day/);
    expect(rejection('weekdays 9:7')).toMatch(/"9:7" is not a time of day/);
    expect(rejection('daily 09:00 UTC extra')).toMatch(/Too many words after `daily`/);
    expect(rejection('off please')).toMatch(/`off` takes nothing after it/);
    expect(rejection('sometimes')).toMatch(/"sometimes" is not a schedule I understand/);
    expect(rejection('1 2 3')).toMatch(/5 fields .* "1 2 3" has 3/);
    expect(rejection('0 25 * * *')).toMatch(
      /"25" is not valid in "0 25 \* \* \*": the hour field takes 0–23/,
    );
    expect(rejection('70 9 * * *')).toMatch(/the minute field takes 0–59/);
    expect(rejection('0 9 * 13 *')).toMatch(/the month field takes 1–12/);
    expect(rejection('0 9 31 2 *')).toMatch(/can never fire/);
    expect(rejection('daily 09:00 Europe/Berln')).toMatch(
      /"Europe\/Berln" is not a time zone I know. Did you mean Europe\/Berlin\?/,
    );
    expect(rejection('0 9 * * 1-5 Mars/Olympus')).toMatch(/"Mars\/Olympus" is not a time zone I know/);
  });
});

describe('parseTimeZone', () => {
  it('spells zones canonically and refuses unknown ones', () => {
    expect(parseTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone('utc')).toBe('UTC');
    expect(() => parseTimeZone('Nowhere/Special')).toThrow(InvalidInputError);
    expect(() => parseTimeZone('+02:00')).toThrow(InvalidInputError);
  });
});

describe('validateCron', () => {
  it('normalises spacing', () => {
    expect(validateCron('  0  9 * *   1-5 ')).toBe('0 9 * * 1-5');
  });
});

describe('nextFireTimes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('daily 09:00 Europe/Berlin fires at 09:00 local on both sides of the spring change', () => {
    // Clocks go from 02:00 CET to 03:00 CEST on Sunday 29 March 2026.
    const fires = nextFireTimes('0 9 * * *', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 3);
    expect(iso(fires)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    for (const fire of fires)
      expect(wallTimeAt(fire.getTime(), 'Europe/Berlin')).toMatchObject({ hour: 9, minute: 0 });
  });

  it('daily 09:00 Europe/Berlin fires at 09:00 local on both sides of the autumn change', () => {
    // Clocks go from 03:00 CEST back to 02:00 CET on Sunday 25 October 2026.
    const fires = nextFireTimes('0 9 * * *', 'Europe/Berlin', new Date('2026-10-24T00:00:00Z'), 3);
    expect(iso(fires)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('weekdays skip the weekend in the channel zone, not in UTC', () => {
    // 23:30 on Friday in New York is already Saturday in UTC.
    const fires = nextFireTimes('30 23 * * 1-5', 'America/New_York', new Date('2026-06-05T12:00:00Z'), 2);
    expect(iso(fires)).toEqual(['2026-06-06T03:30:00.000Z', '2026-06-09T03:30:00.000Z']);
  });

  it('finds rare fires and reports none for expressions that can never fire again', () => {
    expect(nextFireTime('0 0 29 2 1', 'UTC', new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2044-02-29T00:00:00.000Z',
    );
  });

  // node-cron decides when a task actually fires; the times shown to people must be the same ones.
  it.each([
    ['0 9 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z'],
    ['30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z'],
    ['0 * * * *', 'Europe/Berlin', '2026-10-24T22:30:00Z'],
    ['30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z'],
    ['0 9 * * 1-5', 'Asia/Kolkata', '2026-05-01T00:00:00Z'],
    ['*/20 * * * * *', 'UTC', '2026-05-01T00:00:07Z'],
    ['0 0 L * *', 'America/Sao_Paulo', '2026-01-15T00:00:00Z'],
    ['0 30 2 * * 0', 'Australia/Lord_Howe', '2026-09-20T00:00:00Z'],
  ])('agrees with node-cron for "%s" in %s from %s', (expression, zone, from) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(from));
    const task = cron.createTask(expression, () => undefined, { timezone: zone });
    const expected = iso(task.getNextRuns(6));
    void task.destroy();
    expect(iso(nextFireTimes(expression, zone, new Date(from), 6))).toEqual(expected);
  });
});
