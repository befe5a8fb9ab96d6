/**
 * What every adapter shares: unsupported operations throw the typed error (so a capability the vendor lacks
 * can never half-work), bulk refresh falls back to one lookup per id within the vendor's budget, and health
 * comes from the shared HTTP client.
 */
import { type Case, VENDOR_NAMES, type VendorId } from '../domain/case.js';
import {
  CaseopsError,
  InvalidInputError,
  UnsupportedOperationError,
  VendorError,
  VendorRejectedError,
} from '../domain/errors.js';
import type { OpenRequest } from '../domain/open-request.js';
import type {
  Capability,
  ListQuery,
  ListResult,
  NoteRequest,
  OpenResult,
  RefreshOutcome,
  VendorAdapter,
  VendorHealth,
  WriteOptions,
} from '../domain/ports/vendor.js';
import type { VendorHttpClient } from './http/client.js';

export abstract class BaseVendorAdapter implements VendorAdapter {
  abstract readonly vendor: VendorId;
  abstract readonly capabilities: ReadonlySet<Capability>;
  abstract readonly idHint: string;

  constructor(protected readonly http: VendorHttpClient) {}

  /** The id rule for this vendor; `parseCaseId` applies it and words the refusal. */
  protected abstract readonly idPattern: RegExp;

  parseCaseId(raw: string): string {
    const id = raw.trim();
    if (!this.idPattern.test(id)) {
      throw new InvalidInputError(
        `"${truncateForMessage(id)}" is not a valid ${VENDOR_NAMES[this.vendor]} case id: ${this.idHint}`,
        'id',
      );
    }
    return id;
  }

  abstract lookup(id: string): Promise<Case>;

  open(_request: OpenRequest, _options: WriteOptions): Promise<OpenResult> {
    return Promise.reject(new UnsupportedOperationError(this.vendor, 'open'));
  }

  annotate(_id: string, _note: NoteRequest, _options: WriteOptions): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(this.vendor, 'annotate'));
  }

  cancel(_id: string, _reason: string, _options: WriteOptions): Promise<Case> {
    return Promise.reject(new UnsupportedOperationError(this.vendor, 'cancel'));
  }

  list(_query: ListQuery): Promise<ListResult> {
    return Promise.reject(new UnsupportedOperationError(this.vendor, 'list'));
  }

  /** One lookup per id; the rate budget in the HTTP client paces them. Vendors with a bulk call override. */
  async refresh(ids: readonly string[]): Promise<RefreshOutcome[]> {
    return Promise.all(
      ids.map(async (id): Promise<RefreshOutcome> => {
        try {
          return { id, ok: true, case: await this.lookup(id) };
        } catch (error) {
          if (error instanceof VendorError) return { id, ok: false, error };
          // One bad id (say, stored before a validation rule tightened) must not sink the whole refresh.
          if (error instanceof CaseopsError) {
            return { id, ok: false, error: new VendorRejectedError(this.vendor, error.message) };
          }
          throw error;
        }
      }),
    );
  }

  health(): VendorHealth {
    return this.http.health();
  }

  async close(): Promise<void> {}
}

export function truncateForMessage(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
