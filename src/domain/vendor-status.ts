/**
 * What `/case vendors` shows, in words: each configured vendor, what it allows, whether it is answering, its
 * current error ("Cisco: throttled, retrying in 40 s"), the last good answer and the rate budget in use. Pure:
 * it reads an adapter's capabilities and health and a clock value; the Slack side only lays it out.
 */

import type { VendorId } from './case.js';
import {
  CAPABILITIES,
  CAPABILITY_WORDS,
  type Capability,
  type VendorAdapter,
  type VendorHealth,
} from './ports/vendor.js';

export type VendorState = 'ok' | 'throttled' | 'failing' | 'idle';

export interface VendorStatus {
  vendor: VendorId;
  name: string;
  state: VendorState;
  /** One line: "Cisco: throttled, retrying in 40 s", "Juniper: OK, last answer 2 min ago". */
  headline: string;
  /** Capabilities in a stable order, and in words ("open, look up, add notes"). */
  allows: Capability[];
  allowsText: string;
  /** "2 min ago", or "none since start-up". */
  lastSuccess: string;
  /**
   * The error that makes the vendor unhealthy now, as its code and a plain sentence ("unavailable, HTTP 503:
   * not answering properly"); absent when healthy. Never the vendor's own text: that can quote anything a
   * self-hosted server says, and the latest error may come from anyone's call.
   */
  currentError?: string;
  /** "1 of 2 calls in flight, 3 queued; limit 2 calls/s". */
  budget: string;
}

/**
 * Errors that say something about the vendor rather than about one request: a case that does not exist or a
 * request the vendor refused leaves the vendor perfectly healthy.
 */
const HEALTH_ERRORS: Record<string, string> = {
  unavailable: 'not answering properly',
  unauthorised: 'refusing caseops’ credentials',
  throttled: 'throttling caseops',
  outcome_unknown: 'not confirming writes',
};

/** "unavailable, HTTP 503: not answering properly"; the code alone for an error that is not about the vendor. */
function errorSummary(error: NonNullable<VendorHealth['lastError']>): string {
  const code = error.httpStatus === undefined ? error.code : `${error.code}, HTTP ${error.httpStatus}`;
  const sentence = HEALTH_ERRORS[error.code];
  return sentence ? `${code}: ${sentence}` : code;
}

/** "40 s", "3 min", "2 h 5 min", "3 d". Rounds up below a minute so a wait never reads as "0 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1) return `${Number(perSecond.toFixed(2))} calls/s`;
  return `${Number((perSecond * 60).toFixed(2))} calls/min`;
}

export function describeBudget(budget: VendorHealth['budget']): string {
  return `${budget.inFlight} of ${budget.maxConcurrent} calls in flight, ${budget.queued} queued; limit ${formatRate(budget.ratePerSecond)}`;
}

/** `name` is the vendor's display name (its plugin's); the id stands in for it when none is given. */
export function vendorStatus(
  adapter: Pick<VendorAdapter, 'vendor' | 'capabilities' | 'health'>,
  now: number,
  name: string = adapter.vendor,
): VendorStatus {
  const health = adapter.health();
  const allows = CAPABILITIES.filter((capability) => adapter.capabilities.has(capability));
  const lastSuccessAt = health.lastSuccessAt ? Date.parse(health.lastSuccessAt) : undefined;
  const lastSuccess =
    lastSuccessAt === undefined ? 'none since start-up' : `${formatDuration(now - lastSuccessAt)} ago`;
  const throttledUntil = health.throttledUntil ? Date.parse(health.throttledUntil) : undefined;
  const error = health.lastError;
  const errorAt = error ? Date.parse(error.at) : undefined;
  const errorIsCurrent =
    error !== undefined &&
    error.code in HEALTH_ERRORS &&
    (lastSuccessAt === undefined || (errorAt !== undefined && errorAt > lastSuccessAt));

  let state: VendorState;
  let headline: string;
  if (throttledUntil !== undefined && throttledUntil > now) {
    state = 'throttled';
    headline = `${name}: throttled, retrying in ${formatDuration(throttledUntil - now)}`;
  } else if (errorIsCurrent) {
    state = 'failing';
    // lastError.at is the latest failure, not the first: say when it last failed, not "since".
    headline = `${name}: ${HEALTH_ERRORS[error.code]} (last error ${formatDuration(now - (errorAt ?? now))} ago; last good answer ${lastSuccess})`;
  } else if (lastSuccessAt !== undefined) {
    state = 'ok';
    headline = `${name}: OK, last answer ${lastSuccess}`;
  } else {
    state = 'idle';
    headline = `${name}: no calls yet since start-up`;
  }

  return {
    vendor: adapter.vendor,
    name,
    state,
    headline,
    allows,
    allowsText: allows.length > 0 ? allows.map((c) => CAPABILITY_WORDS[c]).join(', ') : 'nothing',
    lastSuccess,
    currentError:
      error && (state === 'failing' || (state === 'throttled' && error.code === 'throttled'))
        ? errorSummary(error)
        : undefined,
    budget: describeBudget(health.budget),
  };
}

/** Every configured vendor, in the registry's order. */
export function vendorStatuses(
  adapters: ReadonlyArray<Pick<VendorAdapter, 'vendor' | 'capabilities' | 'health'>>,
  now: number,
  nameOf: (vendor: VendorId) => string = (vendor) => vendor,
): VendorStatus[] {
  return adapters.map((adapter) => vendorStatus(adapter, now, nameOf(adapter.vendor)));
}
