/**
 * What a person asks for when opening a case, as the domain sees it: which vendor, and that vendor's own
 * fields. The vendor's plugin validates the fields (its schema lives in its folder) and says what the domain
 * needs to know about a request (its severity, a one-line summary, a vendor idempotency key) through the
 * VendorProfile port; each adapter checks the request again at its own edge.
 */
import type { VendorId } from './case.js';

export interface OpenRequest {
  readonly vendor: VendorId;
  /** The vendor's own fields, already validated by its plugin's schema. */
  readonly [field: string]: unknown;
}
