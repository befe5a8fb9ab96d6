/**
 * Status tracking and digests, assembled: the poller (StatusTracker), the digest runner posting through the
 * Slack notifier, the scheduler firing both, and the card updater keeping posted cards current.
 *
 *   const tracking = createStatusTracking({ env, store, vendors, slackClient, logger });
 *   tracking.enableCardUpdates(useCases.cards, channelCardRenderer(useCases));   // once they exist
 *   await tracking.start();                       // after store.migrate()
 *   …on SIGTERM: await tracking.stop();           // before store.close()
 */
import { hostname } from 'node:os';
import type { Env } from '../config/env.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Store } from '../domain/ports/store.js';
import { StatusTracker, type VendorLookup } from '../domain/status-tracking.js';
import { CardThreadLinks } from '../domain/use-cases/card-threads.js';
import { updateDeliveryQuestions } from '../domain/use-cases/update-delivery.js';
import type { Logger } from '../logging/logger.js';
import { ATTR, type Tracing } from '../observability/tracing.js';
import { DigestRunner } from '../scheduler/digest-runner.js';
import { scheduleSettingsFromEnv } from '../scheduler/index.js';
import { type MemoryRelease, memoryRelease } from '../scheduler/memory-release.js';
import { NudgeRunner } from '../scheduler/nudge-runner.js';
import {
  type PollRunner,
  processHolderName,
  Scheduler,
  type SchedulerObserver,
} from '../scheduler/scheduler.js';
import { SubscriptionDmRunner } from '../scheduler/subscription-dm-runner.js';
import { ThreadReplyRunner } from '../scheduler/thread-replies.js';
import {
  SlackCardUpdater,
  type SlackCardUpdaterOptions,
  type SlackChatClient,
  SlackDigestPublisher,
  SlackNotifier,
} from '../slack/notifier.js';
import { SlackNudgePublisher } from '../slack/nudges.js';
import { permalinkFetcher } from '../slack/permalinks.js';
import { type SlackDmClient, SlackSubscriptionDmPublisher } from '../slack/subscription-dms.js';
import { SlackThreadReplyPublisher } from '../slack/thread-replies.js';
import { POLLER, runAs } from '../vendors/http/requester.js';

export interface StatusTrackingOptions {
  env: Pick<Env, 'POLL_CRON' | 'DIGEST_CRON' | 'DIGEST_TZ'> & Partial<Pick<Env, 'LEASE_TTL_MS'>>;
  store: Store;
  vendors: VendorLookup;
  /** Must not retry by itself and should reject 429s to us (Bolt app's client as caseops builds it does). */
  slackClient: SlackChatClient & Partial<SlackDmClient>;
  logger: Logger;
  /** Unique per replica; defaults to host, pid and a random suffix. */
  holder?: string;
  clock?: Clock;
  /** Poll runs and digest outcomes, for /metrics. */
  observer?: SchedulerObserver;
  /** Spans for polls and digests (src/observability/tracing.ts). */
  tracing?: Tracing;
  /** Run after each poll and its follow-on steps; defaults to V8's memory-reducing collection. */
  memoryRelease?: MemoryRelease;
}

export interface StatusTracking {
  tracker: StatusTracker;
  digests: DigestRunner;
  notifier: SlackNotifier;
  nudges: NudgeRunner;
  /** Replies in the posted cards' threads, after each poll. */
  threadReplies: ThreadReplyRunner;
  /** Direct messages to the people who pressed "Notify me". */
  subscriptionDms: SubscriptionDmRunner;
  /** Also the `digests` the Slack app needs for `/case digest`. */
  scheduler: Scheduler;
  /** Cards remembered in the store are updated in place when the poller sees their case change. */
  enableCardUpdates(
    cards: SlackCardUpdaterOptions['cards'],
    renderCard: SlackCardUpdaterOptions['renderCard'],
  ): void;
  start(): Promise<void>;
  /** Takes no new runs, lets in-flight ones finish (or stop at a safe point), then returns. */
  stop(): Promise<void>;
}

export function createStatusTracking(options: StatusTrackingOptions): StatusTracking {
  const { store, logger, clock } = options;
  const { pollCron, defaults } = scheduleSettingsFromEnv(options.env);
  const holder = options.holder ?? processHolderName(hostname(), process.pid);
  const notifier = new SlackNotifier({ client: options.slackClient, logger, clock });
  const tracker = new StatusTracker({ store, vendors: options.vendors, logger, clock });
  // Each card's permalink, asked once and kept: the digest links each case to its card's thread.
  const cardThreads = new CardThreadLinks({
    store,
    fetchPermalink: permalinkFetcher(options.slackClient),
    logger,
  });
  const digests = new DigestRunner({
    store,
    publisher: new SlackDigestPublisher({ notifier }),
    defaults,
    holder,
    logger,
    clock,
    leaseMs: options.env.LEASE_TTL_MS,
    tracing: options.tracing,
    // `/case updates thread`: no scheduled digest for the channel (its changes wait for a later one).
    channelsWithoutScheduledDigest: updateDeliveryQuestions(store).channelsWithoutScheduledDigest,
    threadLinks: (channelId, cases) => cardThreads.linksFor(channelId, cases),
    threadLinksForFire: (channelIds) => cardThreads.forChannels(channelIds),
  });
  // The poller's vendor calls draw on its reserved share of each vendor's budget (src/vendors/http/rate-budget.ts).
  const polls: PollRunner = { pollOnce: (poll) => runAs(POLLER, () => tracker.pollOnce(poll)) };
  const nudges = new NudgeRunner({
    store,
    publisher: new SlackNudgePublisher(notifier),
    digestDefaults: defaults,
    logger,
    clock,
  });
  // Each posted card's thread hears what changed (`/case updates thread|both`); the card then shows the count.
  let cardUpdater: SlackCardUpdater | undefined;
  const threadReplies = new ThreadReplyRunner({
    store,
    publisher: new SlackThreadReplyPublisher(notifier),
    wantsThreadReplies: updateDeliveryQuestions(store).wantsThreadReplies,
    refreshCard: async (current, channelId) => cardUpdater?.cardInChannelChanged(current, channelId),
    logger,
    clock,
  });
  const subscriptionDms = new SubscriptionDmRunner({
    store,
    publisher: new SlackSubscriptionDmPublisher(notifier, options.slackClient),
    logger,
    clock,
  });
  const release = options.memoryRelease ?? memoryRelease({ logger });
  const scheduler = new Scheduler({
    store,
    tracker: options.tracing?.enabled ? tracedPolls(polls, options.tracing) : polls,
    digests,
    pollCron,
    holder,
    logger,
    clock,
    pollLeaseMs: options.env.LEASE_TTL_MS,
    observer: options.observer,
    afterPoll: [
      { name: 'nudges', runOnce: (signal) => nudges.runOnce(signal) },
      { name: 'thread replies', runOnce: (signal, fence) => threadReplies.runOnce(signal, fence) },
      {
        name: 'subscription direct messages',
        runOnce: (signal, fence) => subscriptionDms.runOnce(signal, fence),
      },
      // Last: what the poll and the steps above allocated is garbage by now.
      { name: 'memory release', runOnce: () => release.runOnce() },
    ],
  });
  const enableCardUpdates: StatusTracking['enableCardUpdates'] = (cards, renderCard) => {
    cardUpdater = new SlackCardUpdater({ cards, notifier, renderCard });
    tracker.setCardUpdater(cardUpdater);
  };
  return {
    tracker,
    digests,
    notifier,
    nudges,
    threadReplies,
    subscriptionDms,
    scheduler,
    enableCardUpdates,
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}

/** The scheduler's polls as spans: how many cases were watched, refreshed, failed and changed. */
function tracedPolls(tracker: PollRunner, tracing: Tracing): PollRunner {
  return {
    pollOnce: (options) =>
      tracing.inSpan('caseops.poll', {}, async (span) => {
        const report = await tracker.pollOnce(options);
        span.setAttributes({
          'caseops.poll.watched': report.watched,
          'caseops.poll.refreshed': report.refreshed,
          'caseops.poll.failed': report.failed,
          'caseops.poll.skipped': report.skipped,
          'caseops.poll.changes': report.changes.length,
          [ATTR.outcome]: report.abandoned ? 'abandoned' : 'ok',
        });
        return report;
      }),
  };
}
