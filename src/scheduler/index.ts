/**
 * The scheduler's pieces for the composition root (src/compose/status-tracking.ts assembles them), and the
 * start-up check of the schedule variables.
 */
import { ConfigError, type Env } from '../config/env.js';
import type { DigestDefaults } from '../domain/digest.js';
import { isCaseopsError } from '../domain/errors.js';
import { parseTimeZone, validateCron } from './schedule.js';

export type { DigestOutcome } from './digest-runner.js';
export { DigestRunner } from './digest-runner.js';
export type { DigestControl } from './scheduler.js';
export { Scheduler } from './scheduler.js';

/**
 * POLL_CRON, DIGEST_CRON and DIGEST_TZ, checked the way `/case digest` checks a person's input; every problem
 * is reported at once, as start-up configuration errors are.
 */
export function scheduleSettingsFromEnv(env: Pick<Env, 'POLL_CRON' | 'DIGEST_CRON' | 'DIGEST_TZ'>): {
  pollCron: string;
  defaults: DigestDefaults;
} {
  const problems: string[] = [];
  const check = (name: string, value: string, parse: (text: string) => string): string => {
    try {
      return parse(value);
    } catch (error) {
      problems.push(`${name}: ${isCaseopsError(error) ? error.message : String(error)}`);
      return value;
    }
  };
  const pollCron = check('POLL_CRON', env.POLL_CRON, validateCron);
  const cron = check('DIGEST_CRON', env.DIGEST_CRON, validateCron);
  const timezone = check('DIGEST_TZ', env.DIGEST_TZ, parseTimeZone);
  if (problems.length > 0) throw new ConfigError(problems);
  return { pollCron, defaults: { cron, timezone } };
}
