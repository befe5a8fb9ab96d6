/**
 * What a vendor call is, as the shared client and the adapters speak of it: the request, the answer (a good
 * one, or a failed one an adapter reads for its own error codes), the retry policy, the event each call
 * reports, and the small readers of an answer (Retry-After, an excerpt for an error message).
 */
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { VendorId } from '../../domain/case.js';
import type { VendorError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Logger } from '../../logging/logger.js';
import type { Tracing } from '../../observability/tracing.js';
import type { AuthStrategy } from './auth.js';
import type { RateBudget } from './rate-budget.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestBody =
  | { json: unknown; contentType?: string }
  | { form: Record<string, string> }
  | { raw: string; contentType: string };

export interface VendorRequest<T> {
  /** Names the operation in logs and metrics: "lookup", "open", "token", … */
  operation: string;
  method: HttpMethod;
  /** Built with encodePath so parameters are encoded. May be absolute (token endpoints on another host). */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Validates a successful body. Without it the body is read and ignored. */
  schema?: z.ZodType<T>;
  /** Safe to repeat: retried on network errors, 5xx and throttling. Writes must say false. */
  idempotent: boolean;
  /** Skip the auth strategy (token endpoints). */
  anonymous?: boolean;
  /** The case the call is about, so a 404 becomes "case X not found". */
  caseId?: string;
  signal?: AbortSignal;
}

export interface VendorResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

export interface FailedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  operation: string;
  caseId?: string;
}

export interface RetryPolicy {
  /** Total attempts for an idempotent call, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the caller gets a throttled error at once. */
  maxRetryAfterMs: number;
}

export interface CallEvent {
  vendor: VendorId;
  operation: string;
  outcome: 'ok' | VendorError['code'];
  durationMs: number;
  status?: number;
}

export interface VendorHttpOptions {
  vendor: VendorId;
  baseUrl: string;
  timeoutMs: number;
  budget: RateBudget;
  auth?: AuthStrategy;
  /** Vendor-specific reading of a non-2xx answer; return undefined to fall back to the default mapping. */
  mapError?: (answer: FailedAnswer) => VendorError | undefined;
  /** Vendor-specific check of a 2xx answer (error envelopes in a 200); return an error to fail the call. */
  inspectSuccess?: (answer: FailedAnswer) => VendorError | undefined;
  /**
   * Reads a response body (default JSON.parse). For vendors whose answers are not always strict JSON; throwing
   * means "not readable" and is treated like any unparseable body.
   */
  parseBody?: (text: string) => unknown;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  dispatcher?: Dispatcher;
  logger?: Logger;
  onCall?: (event: CallEvent) => void;
  /** One client span per call (retries are events on it); vendor, operation, case id and status only. */
  tracing?: Tracing;
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function tryParseJson(text: string, parse: (text: string) => unknown = JSON.parse): unknown {
  if (!text) return undefined;
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of a vendor's answer for an error message. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
