/**
 * Vendor writes at most once per origin (see ../idempotency.ts): claim the write key in the ledger, call the
 * vendor once, record the outcome for repeats, and audit every attempt. A repeat of the same origin gets the
 * first outcome; a pending record left by a crash is settled through the vendor key before anything is written
 * again; an uncertain outcome is recorded as unknown and never retried blindly.
 */
import type { Actor } from '../actions.js';
import type { VendorId } from '../case.js';
import {
  CaseConflictError,
  CaseNotFoundError,
  type CaseopsError,
  InvalidInputError,
  isCaseopsError,
  OutcomeUnknownError,
  UnsupportedOperationError,
  VendorRejectedError,
  VendorThrottledError,
  VendorUnauthorisedError,
  VendorUnavailableError,
} from '../errors.js';
import { type WriteOrigin, writeKey } from '../idempotency.js';
import type { Logger } from '../ports/logger.js';
import type { AuditTrail, WriteLedger, WriteOperation, WriteRecord } from '../ports/store.js';

export type WriteOutcome<T> =
  /** `repeated`: an earlier submit of the same thing did the write; this is its result, not a second write. */
  | { kind: 'done'; value: T; repeated: boolean }
  /**
   * The same write is still running: a double-click racing the first, or a first attempt whose process died
   * before it answered. `settleableInMs`: from then on a repeat settles it with the vendor instead of waiting.
   */
  | { kind: 'in-progress'; settleableInMs: number };

/** What a write keeps in the write record: enough to answer a repeat without writing again. */
export type StoredOutcome =
  | { ok: true; caseId: string; title?: string; created?: boolean }
  | { ok: false; code: string; message: string; reason?: string; retryAfterMs?: number; detail?: string };

export interface WriteSpec<T> {
  actor: Actor;
  operation: WriteOperation;
  vendor: VendorId;
  caseId?: string;
  origin: WriteOrigin;
  vendorKey: string;
  /** What was asked, in words, for the audit trail. Never a credential. */
  asked: string;
  perform(vendorKey: string): Promise<T>;
  remember(value: T): { caseId: string; title?: string; created?: boolean; detail: string };
  /** Answers a repeat of a write that succeeded, from what was remembered. */
  replay(stored: Extract<StoredOutcome, { ok: true }>, vendorKey: string): Promise<T>;
  /** Settles a pending record left by a crash through the vendor key; undefined when the vendor cannot tell. */
  resolveCrashed?(vendorKey: string): Promise<T | 'absent' | undefined>;
}

export interface WriteOnceOptions {
  store: WriteLedger & AuditTrail;
  logger: Logger;
  now: () => Date;
  /** A pending record older than this was left by a crash; younger, it belongs to a submit still in flight. */
  pendingStaleAfterMs: number;
  vendorCallScope: <T>(actor: Actor, call: () => Promise<T>) => Promise<T>;
}

export class WriteOnce {
  private readonly store: WriteOnceOptions['store'];
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly pendingStaleAfterMs: number;
  private readonly vendorCallScope: WriteOnceOptions['vendorCallScope'];

  constructor(options: WriteOnceOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.now = options.now;
    this.pendingStaleAfterMs = options.pendingStaleAfterMs;
    this.vendorCallScope = options.vendorCallScope;
  }

  /**
   * The write protocol: claim the write key, call the vendor once, record the outcome. A repeat of the same
   * origin gets the first outcome; a crashed attempt is settled through the vendor key before anything is
   * written again; an uncertain outcome is recorded as unknown and never retried blindly.
   */
  async run<T>(spec: WriteSpec<T>): Promise<WriteOutcome<T>> {
    const key = writeKey(spec.operation, spec.vendor, spec.origin);
    const begun = await this.store.beginWrite({
      key,
      operation: spec.operation,
      vendor: spec.vendor,
      caseId: spec.caseId,
      vendorKey: spec.vendorKey,
    });
    if (!begun.fresh) {
      const settled = await this.settleExisting(spec, begun.record);
      if (settled !== 'proceed') return settled;
    }
    const sentKey = begun.record.vendorKey;
    return this.perform(spec, key, sentKey);
  }

  private async settleExisting<T>(
    spec: WriteSpec<T>,
    record: WriteRecord,
  ): Promise<WriteOutcome<T> | 'proceed'> {
    const stored = record.result as StoredOutcome | undefined;
    switch (record.state) {
      case 'succeeded':
        if (stored?.ok)
          return {
            kind: 'done',
            value: await this.vendorCallScope(spec.actor, () => spec.replay(stored, record.vendorKey)),
            repeated: true,
          };
        throw new OutcomeUnknownError(
          spec.vendor,
          record.vendorKey,
          'the earlier attempt left no readable result',
        );
      case 'failed':
        throw rehydrateError(spec.vendor, stored, spec.caseId);
      case 'unknown':
        throw new OutcomeUnknownError(
          spec.vendor,
          record.vendorKey,
          stored && !stored.ok ? (stored.detail ?? stored.message) : 'an earlier attempt was not confirmed',
        );
      case 'pending': {
        const age = this.now().getTime() - Date.parse(record.createdAt);
        if (!(age > this.pendingStaleAfterMs)) {
          return { kind: 'in-progress', settleableInMs: Math.max(0, this.pendingStaleAfterMs - age) };
        }
        return this.resolveCrashed(spec, record);
      }
    }
  }

  /** A pending record older than any vendor call: the process that wrote it died. Ask the vendor. */
  private async resolveCrashed<T>(
    spec: WriteSpec<T>,
    record: WriteRecord,
  ): Promise<WriteOutcome<T> | 'proceed'> {
    const resolveCrashed = spec.resolveCrashed;
    const found = resolveCrashed
      ? await this.vendorCallScope(spec.actor, () => resolveCrashed(record.vendorKey))
      : undefined;
    if (found === 'absent') {
      this.logger.warn(
        { key: record.key, vendor: spec.vendor },
        'crashed write never reached the vendor; writing now',
      );
      return 'proceed';
    }
    if (found !== undefined) {
      const memo = spec.remember(found);
      await this.finish(record.key, 'succeeded', {
        ok: true,
        caseId: memo.caseId,
        title: memo.title,
        created: memo.created,
      });
      await this.audit(spec, 'ok', `${spec.asked}: settled after a restart: ${memo.detail}`, memo.caseId);
      return { kind: 'done', value: found, repeated: true };
    }
    const detail = 'caseops stopped while the request was on its way and the vendor offers no way to check';
    await this.finish(record.key, 'unknown', { ok: false, code: 'outcome_unknown', message: detail, detail });
    await this.audit(spec, 'unknown', `${spec.asked}: ${detail}`);
    throw new OutcomeUnknownError(spec.vendor, record.vendorKey, detail);
  }

  private async perform<T>(spec: WriteSpec<T>, key: string, sentKey: string): Promise<WriteOutcome<T>> {
    let value: T;
    try {
      value = await this.vendorCallScope(spec.actor, () => spec.perform(sentKey));
    } catch (error) {
      const uncertain =
        error instanceof OutcomeUnknownError ||
        (error instanceof VendorUnavailableError && error.outcomeUncertain);
      if (uncertain) {
        const detail = error instanceof VendorUnavailableError ? error.detail : (error as Error).message;
        await this.finish(key, 'unknown', { ok: false, code: 'outcome_unknown', message: detail, detail });
        await this.audit(spec, 'unknown', `${spec.asked}: not confirmed (${detail})`);
        if (error instanceof OutcomeUnknownError) throw error;
        throw new OutcomeUnknownError(spec.vendor, sentKey, detail);
      }
      await this.finish(key, 'failed', storedFailure(error));
      await this.audit(spec, 'error', `${spec.asked}: ${plainReason(error)}`);
      throw error;
    }
    const memo = spec.remember(value);
    await this.finish(key, 'succeeded', {
      ok: true,
      caseId: memo.caseId,
      title: memo.title,
      created: memo.created,
    });
    await this.audit(spec, 'ok', `${spec.asked}: ${memo.detail} (reference ${sentKey})`, memo.caseId);
    this.logger.info(
      { vendor: spec.vendor, operation: spec.operation, caseId: memo.caseId, user: spec.actor.userId },
      `${spec.operation} succeeded`,
    );
    return { kind: 'done', value, repeated: false };
  }

  private async finish(
    key: string,
    state: 'succeeded' | 'failed' | 'unknown',
    result: StoredOutcome,
  ): Promise<void> {
    await quietly(this.logger, `record the ${state} write`, () => this.store.finishWrite(key, state, result));
  }

  private async audit(
    spec: WriteSpec<unknown>,
    outcome: 'ok' | 'error' | 'unknown',
    detail: string,
    caseId?: string,
  ): Promise<void> {
    await quietly(this.logger, 'append to the audit trail', () =>
      this.store.appendAudit({
        actorUserId: spec.actor.userId,
        channelId: spec.actor.channelId,
        vendor: spec.vendor,
        caseId: caseId ?? spec.caseId,
        action: spec.operation,
        outcome,
        detail,
        at: this.now().toISOString(),
      }),
    );
  }
}

/**
 * Bookkeeping after the vendor has already acted must not turn a done write into an error for the person;
 * it is logged loudly instead (a pending record left behind is settled on the next attempt).
 */
export async function quietly(logger: Logger, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error({ err: error }, `could not ${what}`);
  }
}

/** The vendor's reason in plain words, for audit lines. */
export function plainReason(error: unknown): string {
  if (error instanceof VendorRejectedError || error instanceof CaseConflictError) return error.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}

function storedFailure(error: unknown): StoredOutcome {
  const e = error as Partial<CaseopsError> & { reason?: string; retryAfterMs?: number; detail?: string };
  return {
    ok: false,
    code: isCaseopsError(error) ? error.code : 'internal',
    message: error instanceof Error ? error.message : String(error),
    reason: e.reason,
    retryAfterMs: e.retryAfterMs,
    detail: e.detail,
  };
}

/** Turns a remembered failure back into the typed error the Slack layer knows how to word. */
function rehydrateError(vendor: VendorId, stored: StoredOutcome | undefined, caseId?: string): Error {
  if (!stored || stored.ok) return new VendorRejectedError(vendor, 'the earlier attempt failed');
  switch (stored.code) {
    case 'conflict':
      return new CaseConflictError(vendor, stored.reason ?? stored.message);
    case 'not_found':
      return new CaseNotFoundError(vendor, caseId ?? 'that');
    case 'throttled':
      return new VendorThrottledError(vendor, stored.retryAfterMs);
    case 'unauthorised':
      return new VendorUnauthorisedError(vendor, stored.message);
    case 'unavailable':
      return new VendorUnavailableError(vendor, stored.detail ?? stored.message);
    case 'unsupported':
      return new UnsupportedOperationError(vendor, 'that', stored.message);
    case 'invalid_input':
      return new InvalidInputError(stored.message);
    default:
      return new VendorRejectedError(vendor, stored.reason ?? stored.message);
  }
}
