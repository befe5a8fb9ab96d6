/** What every listener receives: the use cases it talks to and the Slack-side helpers. Built once in app.ts. */
import type { PolicyGate } from '../domain/policy-gate.js';
import type { CaseAuditTrail } from '../domain/use-cases/audit-trail.js';
import type { CaseCards } from '../domain/use-cases/case-cards.js';
import type { CaseService } from '../domain/use-cases/case-service.js';
import type { DigestSettingsService } from '../domain/use-cases/digest-settings.js';
import type { Home } from '../domain/use-cases/home.js';
import type { NudgeService } from '../domain/use-cases/nudges.js';
import type { SubscriptionService } from '../domain/use-cases/subscriptions.js';
import type { UpdateDeliveryService } from '../domain/use-cases/update-delivery.js';
import type { WritePosts } from '../domain/use-cases/write-posts.js';
import type { Logger } from '../logging/logger.js';
import type { FollowUpQueue } from './follow-ups.js';
import type { SlackGateway } from './gateway.js';
import type { SlackMetrics } from './metrics.js';
import type { OnceGuard } from './once.js';

/** The use cases the Slack surface drives; the composition root builds them. */
export interface SlackUseCases {
  cases: CaseService;
  cards: CaseCards;
  home: Home;
  auditTrail: CaseAuditTrail;
  digestSettings: DigestSettingsService;
  nudges: NudgeService;
  /** "Notify me": each person's subscriptions and night hours. */
  subscriptions: SubscriptionService;
  /** How each channel hears about its cases (`/case updates`). */
  updates: UpdateDeliveryService;
  /** Cards and confirmations posted after a write, exactly once per write. */
  writePosts: WritePosts;
  /**
   * The access policy, for refusing before a form is shown or acknowledged (the use cases make the
   * authoritative checks). Absent: everything is allowed, as in the built-in default policy.
   */
  policy?: PolicyGate;
}

export interface SlackDeps extends SlackUseCases {
  slack: SlackGateway;
  /** Slack-only side effects that must happen once (posting a card from a button, re-delivered events). */
  once: OnceGuard;
  logger: Logger;
  now: () => Date;
  /** Counters and timings (absent in tests that do not look at them). */
  metrics?: SlackMetrics;
  /** Where work after an ack waits for its turns (follow-ups.ts). */
  followUps: FollowUpQueue;
}
