/**
 * Status tracking and digests, assembled for the composition root:
 *
 *   const tracking = createStatusTracking({ env, store, vendors, slackClient: slackApp.app.client, logger });
 *   const slackApp = createSlackApp({ …, digests: tracking.scheduler });   // `/case digest`
 *   tracking.enableCardUpdates((c, card) => channelCard(slackApp.deps, c, card.channelId, 'channel'));
 *   await tracking.start();                       // after store.migrate()
 *   …on SIGTERM: await tracking.stop();           // before store.close()
 *
 * (The Slack client only has to exist before the first digest fires; `createNotifierWebClient` builds one
 * without the Bolt app.)
 */
import { hostname } from 'node:os';
import { ConfigError, type Env } from '../config/env.js';
import type { DigestDefaults } from '../domain/digest.js';
import { isCaseopsError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Store } from '../domain/ports/store.js';
import { StatusTracker, type VendorLookup } from '../domain/status-tracking.js';
import type { Logger } from '../logging/logger.js';
import {
  SlackCardUpdater,
  type SlackCardUpdaterOptions,
  type SlackChatClient,
  SlackDigestPublisher,
  SlackNotifier,
} from '../slack/notifier.js';
import { DigestRunner } from './digest-runner.js';
import { parseTimeZone, validateCron } from './schedule.js';
import { processHolderName, Scheduler, type SchedulerObserver } from './scheduler.js';

export type { DigestOutcome } from './digest-runner.js';
export { DigestRunner } from './digest-runner.js';
export type { DigestControl } from './scheduler.js';
export { Scheduler } from './scheduler.js';

export interface StatusTrackingOptions {
  env: Pick<Env, 'POLL_CRON' | 'DIGEST_CRON' | 'DIGEST_TZ'> & Partial<Pick<Env, 'LEASE_TTL_MS'>>;
  store: Store;
  vendors: VendorLookup;
  /** Must not retry by itself and should reject 429s to us (Bolt app's client as caseops builds it does). */
  slackClient: SlackChatClient;
  logger: Logger;
  /** Unique per replica; defaults to host, pid and a random suffix. */
  holder?: string;
  clock?: Clock;
  /** Poll runs and digest outcomes, for /metrics. */
  observer?: SchedulerObserver;
}

export interface StatusTracking {
  tracker: StatusTracker;
  digests: DigestRunner;
  notifier: SlackNotifier;
  /** Also the `digests` the Slack app needs for `/case digest`. */
  scheduler: Scheduler;
  /** Cards remembered in the store are updated in place when the poller sees their case change. */
  enableCardUpdates(renderCard: SlackCardUpdaterOptions['renderCard']): void;
  start(): Promise<void>;
  /** Takes no new runs, lets in-flight ones finish (or stop at a safe point), then returns. */
  stop(): Promise<void>;
}

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

export function createStatusTracking(options: StatusTrackingOptions): StatusTracking {
  const { store, logger, clock } = options;
  const { pollCron, defaults } = scheduleSettingsFromEnv(options.env);
  const holder = options.holder ?? processHolderName(hostname(), process.pid);
  const notifier = new SlackNotifier({ client: options.slackClient, logger, clock });
  const tracker = new StatusTracker({ store, vendors: options.vendors, logger, clock });
  const digests = new DigestRunner({
    store,
    publisher: new SlackDigestPublisher({ notifier }),
    defaults,
    holder,
    logger,
    clock,
    leaseMs: options.env.LEASE_TTL_MS,
  });
  const scheduler = new Scheduler({
    store,
    tracker,
    digests,
    pollCron,
    holder,
    logger,
    clock,
    pollLeaseMs: options.env.LEASE_TTL_MS,
    observer: options.observer,
  });
  return {
    tracker,
    digests,
    notifier,
    scheduler,
    enableCardUpdates: (renderCard) => {
      tracker.setCardUpdater(new SlackCardUpdater({ store, notifier, renderCard, logger }));
    },
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}
