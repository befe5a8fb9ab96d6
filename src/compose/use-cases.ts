/**
 * The use cases, built once and handed to whoever drives them (the Slack surface, the poller's card updates):
 * each gets only the store ports and services it uses.
 */
import { hostname } from 'node:os';
import type { PolicyGate } from '../domain/policy-gate.js';
import { policyAuthorizer } from '../domain/policy-gate.js';
import type { ChannelMembership } from '../domain/ports/channels.js';
import type { Logger } from '../domain/ports/logger.js';
import type { DigestRuns, ScheduleParser } from '../domain/ports/schedule.js';
import type { Store } from '../domain/ports/store.js';
import type { VendorDirectory } from '../domain/ports/vendor.js';
import { CaseAuditTrail } from '../domain/use-cases/audit-trail.js';
import { CaseAccess } from '../domain/use-cases/case-access.js';
import { CaseCards } from '../domain/use-cases/case-cards.js';
import { CaseService } from '../domain/use-cases/case-service.js';
import { DigestSettingsService } from '../domain/use-cases/digest-settings.js';
import { Home } from '../domain/use-cases/home.js';
import { NudgeService } from '../domain/use-cases/nudges.js';
import { SubscriptionService } from '../domain/use-cases/subscriptions.js';
import { UpdateDeliveryService } from '../domain/use-cases/update-delivery.js';
import { WritePosts } from '../domain/use-cases/write-posts.js';
import { nextFireTime, parseScheduleWithZone, shortestGapMs } from '../scheduler/schedule.js';
import { processHolderName } from '../scheduler/scheduler.js';
import { runAs } from '../vendors/http/requester.js';

/** Digest schedules read and computed with node-cron's rules (src/scheduler/schedule.ts). */
export const cronSchedules: ScheduleParser = { parse: parseScheduleWithZone, nextFireTime, shortestGapMs };

export interface UseCaseOptions {
  store: Store;
  vendors: VendorDirectory;
  logger: Logger;
  /** The access policy; without one everything is allowed, as in the built-in default policy. */
  policy?: PolicyGate;
  /** The running scheduler, for the digest settings; absent where digests do not run. */
  digests?: DigestRuns;
  /** DIGEST_MIN_INTERVAL: the shortest gap a channel's own digest schedule may have. */
  digestMinIntervalMs?: number;
  /**
   * Who is in which channel (the Slack side's, cached). With it, cases opened or first watched in a private
   * channel stay there, App Home lists the viewer's channels' watches and the audit trail the viewer's channels'
   * entries; without it (tests of other parts) only the policy limits reads.
   */
  channels?: ChannelMembership;
  now?: () => Date;
}

export interface UseCases {
  cases: CaseService;
  cards: CaseCards;
  home: Home;
  auditTrail: CaseAuditTrail;
  digestSettings: DigestSettingsService;
  nudges: NudgeService;
  subscriptions: SubscriptionService;
  updates: UpdateDeliveryService;
  writePosts: WritePosts;
  policy?: PolicyGate;
}

export function createUseCases(options: UseCaseOptions): UseCases {
  const { store, vendors, logger, policy, now, channels } = options;
  const access = channels
    ? new CaseAccess({
        store,
        channels,
        namedForLookup: policy
          ? (vendor, userId) => policy.policy.namesUser('lookup', vendor, userId)
          : undefined,
      })
    : undefined;
  const cases = new CaseService({
    vendors,
    store,
    logger,
    authorize: policy ? policyAuthorizer(policy) : undefined,
    // Each person's vendor calls queue in their own lane of the vendor's budget.
    vendorCallScope: (actor, call) => runAs(actor.userId, call),
    access,
    now,
  });
  return {
    cases,
    cards: new CaseCards({ cases, store, logger, access }),
    home: new Home({ store, logger, channels, access, policy, now }),
    auditTrail: new CaseAuditTrail({ store, vendors, policy, access }),
    digestSettings: new DigestSettingsService({
      store,
      schedules: cronSchedules,
      runs: options.digests,
      minIntervalMs: options.digestMinIntervalMs,
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
    subscriptions: new SubscriptionService({ cases, store, logger, now }),
    updates: new UpdateDeliveryService({ store, policy, now }),
    writePosts: new WritePosts({
      store,
      holder: processHolderName(hostname(), process.pid),
      logger,
      now,
    }),
    policy,
  };
}

/** DIGEST_CRON / DIGEST_TZ's own defaults, for processes that run no digests. */
const DEFAULT_DIGEST_DEFAULTS = { cron: '0 9 * * 1-5', timezone: 'UTC' };
