/**
 * Creating a case exactly once when the vendor's answer can be lost. Shared by adapters whose vendor lets us
 * find a create by its idempotency key afterwards (Juniper's customer tracking number, a Motadata tag):
 * - a create that definitely failed is reported as it is;
 * - a create the vendor refused as a repeat of the key returns the case that already carries the key;
 * - a create whose outcome is uncertain (sent, then no readable answer) is checked through the key before
 *   anything else: found means it landed; not found means one more attempt is safe; a check that itself fails
 *   leaves the outcome unknown, and nothing is sent again;
 * - for a vendor that never refuses a repeated key (`checkFirst`), the key is looked for before the first
 *   create, so a repeat caseops' own write ledger did not catch still finds the first case.
 */
import type { VendorId } from '../domain/case.js';
import { OutcomeUnknownError, VendorUnavailableError } from '../domain/errors.js';
import type { Logger } from '../logging/logger.js';

export interface CreateOnceSteps<T> {
  vendor: VendorId;
  /** The idempotency key as the vendor knows it; named to the person when the outcome stays unknown. */
  key: string;
  create(): Promise<T>;
  /** The case that carries the key at the vendor, or undefined when none does. */
  findExisting(): Promise<T | undefined>;
  /** The vendor refused the create because the key is already taken (Juniper's repeated tracking number). */
  isDuplicate?(error: unknown): boolean;
  /**
   * Look for the key before the first create: the vendor would accept a repeat and open a second case. A
   * check that fails does not stop the create (the write ledger still holds the key on our side); it is logged.
   */
  checkFirst?: boolean;
  logger?: Logger;
}

export interface CreateOnceResult<T> {
  value: T;
  /** False when the key was already taken before this call. */
  created: boolean;
}

/** The first attempt plus one more after a check found nothing. */
const MAX_ATTEMPTS = 2;

export function isOutcomeUncertain(error: unknown): error is VendorUnavailableError {
  return error instanceof VendorUnavailableError && error.outcomeUncertain;
}

export async function createOnce<T>(steps: CreateOnceSteps<T>): Promise<CreateOnceResult<T>> {
  if (steps.checkFirst) {
    const existing = await findBeforeCreate(steps);
    if (existing) return { value: existing, created: false };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await steps.create(), created: true };
    } catch (error) {
      if (steps.isDuplicate?.(error)) {
        const found = await steps.findExisting();
        if (!found) throw error;
        // After an unanswered attempt of our own, the "duplicate" is that attempt landing late.
        return { value: found, created: attempt > 1 };
      }
      if (!isOutcomeUncertain(error)) throw error;

      steps.logger?.warn(
        { vendor: steps.vendor, key: steps.key, attempt, detail: error.detail },
        'create was not confirmed; checking the idempotency key before anything else',
      );
      const found = await findAfterUncertainCreate(steps, error);
      if (found) return { value: found, created: true };
      if (attempt >= MAX_ATTEMPTS) {
        throw new OutcomeUnknownError(
          steps.vendor,
          steps.key,
          `${error.detail}; nothing carrying ${steps.key} could be found afterwards`,
        );
      }
      steps.logger?.info(
        { vendor: steps.vendor, key: steps.key },
        'nothing carries the idempotency key yet; sending the create once more',
      );
    }
  }
}

async function findAfterUncertainCreate<T>(
  steps: CreateOnceSteps<T>,
  uncertain: VendorUnavailableError,
): Promise<T | undefined> {
  try {
    return await steps.findExisting();
  } catch (error) {
    // Without a working check, a second create could duplicate the first: stop and say so.
    throw new OutcomeUnknownError(
      steps.vendor,
      steps.key,
      `${uncertain.detail}; checking for ${steps.key} failed too (${(error as Error).message})`,
    );
  }
}

async function findBeforeCreate<T>(steps: CreateOnceSteps<T>): Promise<T | undefined> {
  try {
    return await steps.findExisting();
  } catch (error) {
    steps.logger?.warn(
      { vendor: steps.vendor, key: steps.key, err: error },
      'could not look for the idempotency key before creating; creating (the write ledger holds the key)',
    );
    return undefined;
  }
}
