/**
 * The floor under channel digest schedules (DIGEST_MIN_INTERVAL): a channel cannot schedule digests closer
 * together than the operator allows, and is told the minimum in words with a schedule that would do.
 */
import { describe, expect, it } from 'vitest';
import { cronSchedules } from '../../src/compose/use-cases.js';
import { loadEnv } from '../../src/config/env.js';
import { ScheduleTooFrequentError } from '../../src/domain/errors.js';
import type { DigestRuns } from '../../src/domain/ports/schedule.js';
import type { DigestSettings } from '../../src/domain/ports/store.js';
import { DigestSettingsService } from '../../src/domain/use-cases/digest-settings.js';
import { shortestGapMs } from '../../src/scheduler/schedule.js';
import { describeError } from '../../src/slack/words.js';

const FIFTEEN_MINUTES = 15 * 60_000;
const NOW = new Date('2026-03-28T10:00:00Z');

function service(minIntervalMs: number | undefined) {
  const rows = new Map<string, DigestSettings>();
  let resyncs = 0;
  const runs: DigestRuns = {
    defaults: { cron: '* * * * * *', timezone: 'UTC' },
    settingsChanged: async () => {
      resyncs++;
    },
    runDigestNow: async () => ({ status: 'nothing-to-post' }),
  };
  const settings = new DigestSettingsService({
    store: {
      getDigestSettings: async (channelId) => rows.get(channelId),
      saveDigestSettings: async (row) => {
        const saved = { cursor: 0, ...row };
        rows.set(row.channelId, saved);
        return saved;
      },
      watchesInChannel: async () => [],
    },
    schedules: cronSchedules,
    runs,
    minIntervalMs,
    now: () => NOW,
  });
  const change = (text: string) =>
    settings.change({ userId: 'U0ONCALL', channelId: 'C0NOC' }, 'C0NOC', {
      schedule: settings.readSchedule(text),
    });
  return { change, rows, resyncs: () => resyncs };
}

async function refusal(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('the digest schedule floor', () => {
  it('refuses every-second digests, saying the minimum and an example, and saves nothing', async () => {
    const { change, rows, resyncs } = service(FIFTEEN_MINUTES);
    const error = await refusal(change('* * * * * *'));
    expect(error).toBeInstanceOf(ScheduleTooFrequentError);
    expect(describeError(error).text).toBe(
      'Digests in a channel may run at most once every 15 minutes, and `* * * * * *` would post 1 second apart. ' +
        "Try `*/15 * * * *` or `hourly`. (The minimum is set by caseops' operator.)",
    );
    expect(rows.size).toBe(0);
    expect(resyncs()).toBe(0);
  });

  it('refuses a schedule whose fires bunch up once a day, even if most are far apart', async () => {
    const { change } = service(FIFTEEN_MINUTES);
    const error = (await refusal(change('0,5 9 * * *'))) as ScheduleTooFrequentError;
    expect(error).toBeInstanceOf(ScheduleTooFrequentError);
    expect(error.shortestGapMs).toBe(5 * 60_000);
  });

  it('measures a gap across midnight', () => {
    expect(shortestGapMs('58 23,0 * * *', 'UTC', NOW)).toBe(60 * 60_000);
    expect(shortestGapMs('1,59 0,23 * * *', 'UTC', NOW)).toBe(2 * 60_000);
  });

  it('accepts schedules at or above the minimum', async () => {
    const { change, rows } = service(FIFTEEN_MINUTES);
    await change('*/15 * * * *');
    expect(rows.get('C0NOC')?.cron).toBe('*/15 * * * *');
    await change('daily 09:00 Europe/Berlin');
    expect(rows.get('C0NOC')?.cron).toBe('0 9 * * *');
    await change('0 9 * * 1');
    expect(rows.get('C0NOC')?.cron).toBe('0 9 * * 1');
  });

  it("leaves the operator's own default alone: `default` follows DIGEST_CRON whatever it is", async () => {
    const { change, rows } = service(FIFTEEN_MINUTES);
    await change('default');
    expect(rows.get('C0NOC')?.schedule).toBe('default');
  });

  it('applies an operator minimum of two hours to `hourly`', async () => {
    const { change } = service(2 * 60 * 60_000);
    const error = await refusal(change('hourly'));
    expect(describeError(error).text).toBe(
      'Digests in a channel may run at most once every 2 hours, and `hourly` would post 1 hour apart. ' +
        "Try `daily 09:00` or `weekdays 17:30`. (The minimum is set by caseops' operator.)",
    );
  });
});

describe('DIGEST_MIN_INTERVAL', () => {
  it('defaults to 15 minutes and reads s, m, min and h', () => {
    expect(loadEnv({}).DIGEST_MIN_INTERVAL).toBe(FIFTEEN_MINUTES);
    expect(loadEnv({ DIGEST_MIN_INTERVAL: '90s' }).DIGEST_MIN_INTERVAL).toBe(90_000);
    expect(loadEnv({ DIGEST_MIN_INTERVAL: '30min' }).DIGEST_MIN_INTERVAL).toBe(30 * 60_000);
    expect(loadEnv({ DIGEST_MIN_INTERVAL: '1h' }).DIGEST_MIN_INTERVAL).toBe(60 * 60_000);
    expect(loadEnv({ DIGEST_MIN_INTERVAL: '20' }).DIGEST_MIN_INTERVAL).toBe(20 * 60_000);
  });

  it('names the variable and the expected form when it is not a length of time', () => {
    expect(() => loadEnv({ DIGEST_MIN_INTERVAL: 'often' })).toThrow(
      'DIGEST_MIN_INTERVAL: expected a length of time such as 15m, 90s or 1h',
    );
  });
});
