/**
 * What every adapter shares: unsupported operations throw the typed error (so a capability the vendor lacks
 * can never half-work), bulk refresh falls back to one lookup per id within the vendor's budget, and health
 * comes from the shared HTTP client.
 */
import type { Case, VendorId } from '../domain/case.js';
import {
  CaseopsError,
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
import { parseCaseIdBy } from './case-id.js';
import type { VendorHttpClient } from './http/client.js';
import type { VendorTerms } from './plugin-types.js';

export { truncateForMessage } from './case-id.js';

export abstract class BaseVendorAdapter implements VendorAdapter {
  /** Who the vendor is, what it allows and its id rule: the same terms its plugin's manifest shows. */
  protected abstract readonly terms: VendorTerms;

  constructor(protected readonly http: VendorHttpClient) {}

  get vendor(): VendorId {
    return this.terms.id;
  }

  get capabilities(): ReadonlySet<Capability> {
    return this.terms.capabilities;
  }

  get idHint(): string {
    return this.terms.caseId.hint;
  }

  parseCaseId(raw: string): string {
    return parseCaseIdBy(this.terms, raw);
  }

  /** The typed refusal for an operation this vendor lacks, with its reason. */
  protected unsupported(capability: Capability): UnsupportedOperationError {
    return new UnsupportedOperationError(this.vendor, capability, this.terms.unsupported[capability]);
  }

  abstract lookup(id: string): Promise<Case>;

  open(_request: OpenRequest, _options: WriteOptions): Promise<OpenResult> {
    return Promise.reject(this.unsupported('open'));
  }

  annotate(_id: string, _note: NoteRequest, _options: WriteOptions): Promise<void> {
    return Promise.reject(this.unsupported('annotate'));
  }

  cancel(_id: string, _reason: string, _options: WriteOptions): Promise<Case> {
    return Promise.reject(this.unsupported('cancel'));
  }

  list(_query: ListQuery): Promise<ListResult> {
    return Promise.reject(this.unsupported('list'));
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
