/** What every listener receives. Built once in app.ts. */
import type { CaseService } from '../domain/case-service.js';
import type { PolicyGate } from '../domain/policy-gate.js';
import type { Store } from '../domain/ports/store.js';
import type { Logger } from '../logging/logger.js';
import type { DigestControl } from '../scheduler/scheduler.js';
import type { SlackGateway } from './gateway.js';
import type { SlackMetrics } from './metrics.js';
import type { OnceGuard } from './once.js';

export interface SlackDeps {
  cases: CaseService;
  store: Store;
  slack: SlackGateway;
  /** Slack-only side effects that must happen once (posting a card from a button, re-delivered events). */
  once: OnceGuard;
  logger: Logger;
  now: () => Date;
  /** The scheduler, for `/case digest` (absent where digests do not run, e.g. some tests). */
  digests?: DigestControl;
  /** Counters and timings (absent in tests that do not look at them). */
  metrics?: SlackMetrics;
  /**
   * The access policy, for checks the case service does not make (digest settings, the audit trail) and for
   * refusing before a form is shown. Absent: everything is allowed, as in the built-in default policy.
   */
  policy?: PolicyGate;
}
