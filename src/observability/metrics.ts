/**
 * caseops' Prometheus metrics, on a registry of its own (never prom-client's global one, so tests and several
 * app instances in one process do not collide). The rest of the app never touches prom-client: it calls the
 * small hooks here (`vendorCallObserver` is VendorDeps.onCall, `onTokenRefresh` is VendorDeps.onTokenRefresh,
 * `observeAck` from the Slack listeners, `pollRun` from the scheduler, …). Label values come from our own code
 * (vendor ids, operation names, error codes), never from what a person typed, so cardinality stays bounded.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { VendorHealth } from '../domain/ports/vendor.js';
import type { CallEvent } from '../vendors/http/wire.js';
import { PendingAcks } from './pending-acks.js';

/** How a command or interaction ended, as the Slack layer classifies it. */
export type HandlingOutcome = 'ok' | 'denied' | 'invalid' | 'error' | (string & {});

export interface MetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC) on the same registry; default true. */
  defaultMetrics?: boolean;
  /** Ack times held between scrapes at most (pending-acks.ts). */
  pendingAcksCapacity?: number;
}

// Slack wants an ack within 3 s; the buckets resolve the region around it.
const ACK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const VENDOR_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const POLL_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class CaseopsMetrics {
  readonly registry = new Registry();

  private readonly commands = new Counter({
    name: 'caseops_commands_total',
    help: 'Slash commands handled, by subcommand and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly interactions = new Counter({
    name: 'caseops_interactions_total',
    help: 'Interactions handled (buttons, modal submissions, shortcuts), by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly ackSeconds = new Histogram({
    name: 'caseops_ack_seconds',
    help: 'Time from receiving a Slack request to acknowledging it (Slack allows 3 s).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: ACK_BUCKETS,
    registers: [this.registry],
    collect: () => this.pendingAcks.recordAll(),
  });
  private readonly pendingAcks: PendingAcks;
  private readonly vendorCalls = new Counter({
    name: 'caseops_vendor_calls_total',
    help: 'HTTP calls to vendors (each attempt, retries included), by vendor, operation and outcome (ok or error code).',
    labelNames: ['vendor', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly vendorCallSeconds = new Histogram({
    name: 'caseops_vendor_call_duration_seconds',
    help: 'Duration of vendor calls including time queued in the rate budget, by vendor, operation and outcome.',
    labelNames: ['vendor', 'operation', 'outcome'] as const,
    buckets: VENDOR_BUCKETS,
    registers: [this.registry],
  });
  private readonly vendorThrottled = new Counter({
    name: 'caseops_vendor_throttled_total',
    help: 'Times a vendor told caseops to slow down (HTTP 429 or its own throttling answer), by vendor.',
    labelNames: ['vendor'] as const,
    registers: [this.registry],
  });
  private readonly tokenRefreshes = new Counter({
    name: 'caseops_vendor_token_refreshes_total',
    help: 'Access tokens fetched from a vendor, by vendor.',
    labelNames: ['vendor'] as const,
    registers: [this.registry],
  });
  private readonly pollRuns = new Counter({
    name: 'caseops_poll_runs_total',
    help: 'Poller runs, by outcome (ok, error, abandoned by a stop, skipped when another replica has the run).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly pollSeconds = new Histogram({
    name: 'caseops_poll_run_duration_seconds',
    help: 'Duration of poller runs that did work.',
    labelNames: ['outcome'] as const,
    buckets: POLL_BUCKETS,
    registers: [this.registry],
  });
  private readonly refreshed = new Counter({
    name: 'caseops_cases_refreshed_total',
    help: 'Watched cases the poller refreshed, by outcome (ok, failed at the vendor, skipped: vendor not configured).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly digests = new Counter({
    name: 'caseops_digests_posted_total',
    help: 'Scheduled digests posted to channels, by outcome (ok, empty for a "no changes" digest, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly slackErrors = new Counter({
    name: 'caseops_slack_api_errors_total',
    help: 'Slack Web API calls that failed, by method and Slack error code.',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });
  private readonly slackRateLimited = new Counter({
    name: 'caseops_slack_rate_limited_total',
    help: 'Slack Web API answers of HTTP 429 (rate limited), by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  private readonly policyDecisions = new Counter({
    name: 'caseops_policy_decisions_total',
    help: 'Policy checks, by action and decision (allowed, denied).',
    labelNames: ['action', 'decision'] as const,
    registers: [this.registry],
  });

  private vendorHealth: () => readonly VendorHealth[] = () => [];

  constructor(options: MetricsOptions = {}) {
    this.pendingAcks = new PendingAcks(
      (kind, outcome, seconds) => this.ackSeconds.observe({ kind, outcome }, seconds),
      options.pendingAcksCapacity,
    );
    this.vendorGauge(
      'caseops_vendor_last_success_timestamp_seconds',
      'Unix time of the last vendor call that got a good answer, by vendor (absent before the first).',
      (health) => (health.lastSuccessAt ? Date.parse(health.lastSuccessAt) / 1000 : undefined),
    );
    this.vendorGauge(
      'caseops_vendor_throttled',
      '1 while a vendor has asked caseops to back off, else 0, by vendor.',
      (health) => (health.throttledUntil ? 1 : 0),
    );
    this.vendorGauge(
      'caseops_vendor_requests_in_flight',
      'Vendor calls in flight now, by vendor (the rate budget in use).',
      (health) => health.budget.inFlight,
    );
    this.vendorGauge(
      'caseops_vendor_requests_queued',
      'Vendor calls waiting for the rate budget now, by vendor.',
      (health) => health.budget.queued,
    );
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge read from the adapters' health at scrape time, so it is never stale and costs nothing between. */
  private vendorGauge(name: string, help: string, read: (health: VendorHealth) => number | undefined): void {
    const source = () => this.vendorHealth();
    new Gauge({
      name,
      help,
      labelNames: ['vendor'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const health of source()) {
          const value = read(health);
          if (value !== undefined) this.set({ vendor: health.vendor }, value);
        }
      },
    });
  }

  /** The Prometheus content type of `render()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Where the vendor gauges read from at scrape time: usually `() => registry.enabled().map(a => a.health())`. */
  trackVendorHealth(source: () => readonly VendorHealth[]): void {
    this.vendorHealth = source;
  }

  // Hooks are arrow properties so they can be handed over unbound (deps.onCall = metrics.vendorCallObserver).

  commandHandled = (kind: string, outcome: HandlingOutcome): void => {
    this.commands.inc({ kind, outcome });
  };

  interactionHandled = (kind: string, outcome: HandlingOutcome): void => {
    this.interactions.inc({ kind, outcome });
  };

  /** Counted in the histogram at the next scrape (pending-acks.ts). */
  observeAck = (kind: string, outcome: HandlingOutcome, seconds: number): void => {
    this.pendingAcks.add(kind, outcome, seconds);
  };

  /** VendorDeps.onCall. */
  vendorCallObserver = (event: CallEvent): void => {
    const labels = { vendor: event.vendor, operation: event.operation, outcome: event.outcome };
    this.vendorCalls.inc(labels);
    this.vendorCallSeconds.observe(labels, event.durationMs / 1000);
    if (event.outcome === 'throttled') this.vendorThrottled.inc({ vendor: event.vendor });
  };

  /** VendorDeps.onTokenRefresh. */
  onTokenRefresh = (vendor: string): void => {
    this.tokenRefreshes.inc({ vendor });
  };

  /** A throttling event that did not come through a vendor call (vendorCallObserver counts those itself). */
  throttled = (vendor: string): void => {
    this.vendorThrottled.inc({ vendor });
  };

  pollRun = (outcome: 'ok' | 'error' | 'abandoned' | 'skipped', seconds?: number): void => {
    this.pollRuns.inc({ outcome });
    if (seconds !== undefined) this.pollSeconds.observe({ outcome }, seconds);
  };

  casesRefreshed = (count: number, outcome: 'ok' | 'failed' | 'skipped' = 'ok'): void => {
    if (count > 0) this.refreshed.inc({ outcome }, count);
  };

  /** One finished poll, from the poller's report (StatusTracker's PollReport fits). */
  observePoll = (
    report: { refreshed: number; failed: number; skipped: number; abandoned: boolean },
    seconds: number,
  ): void => {
    this.pollRun(report.abandoned ? 'abandoned' : 'ok', seconds);
    this.casesRefreshed(report.refreshed, 'ok');
    this.casesRefreshed(report.failed, 'failed');
    this.casesRefreshed(report.skipped, 'skipped');
  };

  digestPosted = (outcome: 'ok' | 'empty' | 'error' = 'ok'): void => {
    this.digests.inc({ outcome });
  };

  /** One channel's digest run (the digest runner's DigestOutcome fits); runs that posted nothing are not counted. */
  observeDigest = (outcome: { status: string }): void => {
    if (outcome.status === 'posted') this.digestPosted('ok');
    else if (outcome.status === 'posted-empty') this.digestPosted('empty');
    else if (outcome.status === 'failed') this.digestPosted('error');
  };

  slackApiError = (method: string, code: string): void => {
    this.slackErrors.inc({ method, code });
  };

  slack429 = (method: string): void => {
    this.slackRateLimited.inc({ method });
  };

  policyDecision = (action: string, allowed: boolean): void => {
    this.policyDecisions.inc({ action, decision: allowed ? 'allowed' : 'denied' });
  };
}

export function createMetrics(options: MetricsOptions = {}): CaseopsMetrics {
  return new CaseopsMetrics(options);
}
