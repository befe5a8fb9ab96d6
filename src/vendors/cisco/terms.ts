/** Who Cisco is to caseops and what its Support Case API v3 allows: the manifest and the adapter share these. */
import type { Capability } from '../../domain/ports/vendor.js';
import type { VendorTerms } from '../plugin-types.js';

const READ_ONLY =
  "Cisco's Support Case API is read-only (writes need Cisco's Smart Bonding partner API, which is contract-gated)";

export const CISCO = {
  id: 'cisco',
  name: 'Cisco',
  shortName: 'Cisco',
  capabilities: new Set<Capability>(['lookup', 'list']),
  unsupported: {
    open: `${READ_ONLY}; open the case in Cisco's Support Case Manager`,
    annotate: `${READ_ONLY}; add notes in Cisco's Support Case Manager`,
    cancel: `${READ_ONLY}; close the case in Cisco's Support Case Manager`,
  },
  caseId: {
    // The Case API types case_id as up to 64 characters; its case numbers are digits, today 9 of them.
    pattern: /^\d{1,64}$/,
    hint: 'a Cisco case number is digits only, at most 64, usually 9 (e.g. 682299374).',
  },
} as const satisfies VendorTerms;
