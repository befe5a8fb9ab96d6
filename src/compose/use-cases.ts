/**
 * The use cases, built once and handed to whoever drives them (the Slack surface, the poller's card updates):
 * each gets only the store ports and services it uses.
 */
import type { PolicyGate } from '../domain/policy-gate.js';
import { policyAuthorizer } from '../domain/policy-gate.js';
import type { Logger } from '../domain/ports/logger.js';
import type { DigestRuns, ScheduleParser } from '../domain/ports/schedule.js';
import type { Store } from '../domain/ports/store.js';
import type { VendorDirectory } from '../domain/ports/vendor.js';
import { CaseAuditTrail } from '../domain/use-cases/audit-trail.js';
import { CaseCards } from '../domain/use-cases/case-cards.js';
import { CaseService } from '../domain/use-cases/case-service.js';
import { DigestSettingsService } from '../domain/use-cases/digest-settings.js';
import { Home } from '../domain/use-cases/home.js';
import { NudgeService } from '../domain/use-cases/nudges.js';
import { nextFireTime, parseScheduleWithZone } from '../scheduler/schedule.js';

/** Digest schedules read and computed with node-cron's rules (src/scheduler/schedule.ts). */
export const cronSchedules: ScheduleParser = { parse: parseScheduleWithZone, nextFireTime };

export interface UseCaseOptions {
  store: Store;
  vendors: VendorDirectory;
  logger: Logger;
  /** The access policy; without one everything is allowed, as in the built-in default policy. */
  policy?: PolicyGate;
  /** The running scheduler, for the digest settings; absent where digests do not run. */
  digests?: DigestRuns;
  now?: () => Date;
}

export interface UseCases {
  cases: CaseService;
  cards: CaseCards;
  home: Home;
  auditTrail: CaseAuditTrail;
  digestSettings: DigestSettingsService;
  nudges: NudgeService;
  policy?: PolicyGate;
}

export function createUseCases(options: UseCaseOptions): UseCases {
  const { store, vendors, logger, policy, now } = options;
  const cases = new CaseService({
    vendors,
    store,
    logger,
    authorize: policy ? policyAuthorizer(policy) : undefined,
    now,
  });
  return {
    cases,
    cards: new CaseCards({ cases, store, logger }),
    home: new Home({ store, logger }),
    auditTrail: new CaseAuditTrail({ store, vendors, policy }),
    digestSettings: new DigestSettingsService({
      store,
      schedules: cronSchedules,
      runs: options.digests,
      policy,
      now,
    }),
    // Quiet hours are read in the channel's digest zone; without running digests, the workspace default's.
    nudges: new NudgeService({
      store,
      digestDefaults: options.digests?.defaults ?? DEFAULT_DIGEST_DEFAULTS,
      policy,
      now,
    }),
    policy,
  };
}

/** DIGEST_CRON / DIGEST_TZ's own defaults, for processes that run no digests. */
const DEFAULT_DIGEST_DEFAULTS = { cron: '0 9 * * 1-5', timezone: 'UTC' };
