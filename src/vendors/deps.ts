/** What each vendor's `fromEnv` factory receives besides configuration; tests inject their own. */
import type { Dispatcher } from 'undici';
import type { Clock } from '../domain/ports/clock.js';
import type { Logger } from '../logging/logger.js';
import type { Tracing } from '../observability/tracing.js';
import type { CallEvent, RetryPolicy } from './http/wire.js';

export interface VendorDeps {
  logger: Logger;
  clock?: Clock;
  /** Metrics hook: every vendor call, its outcome and duration. */
  onCall?: (event: CallEvent) => void;
  /** Metrics hook: a token was fetched. */
  onTokenRefresh?: (vendor: string) => void;
  /** Spans for vendor calls (src/observability/tracing.ts). */
  tracing?: Tracing;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
}
