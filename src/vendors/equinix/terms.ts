/** Who Equinix is to caseops and what its Case Management API 2.0.0 allows: the manifest and the adapter share these. */
import type { Capability } from '../../domain/ports/vendor.js';
import type { VendorTerms } from '../plugin-types.js';
import { CASE_NUMBER_PATTERN, ORDER_NUMBER_PATTERN } from './schemas.js';

export const EQUINIX = {
  id: 'equinix',
  name: 'Equinix',
  shortName: 'Equinix',
  capabilities: new Set<Capability>(['open', 'lookup', 'annotate', 'cancel']),
  unsupported: { list: "Equinix's Case Management API has no call to list cases" },
  caseId: {
    pattern: new RegExp(`(?:${CASE_NUMBER_PATTERN.source})|(?:${ORDER_NUMBER_PATTERN.source})`),
    hint: 'an Equinix case number is 8 digits (11150929); an order number looks like 1-204976070710.',
  },
} as const satisfies VendorTerms;
