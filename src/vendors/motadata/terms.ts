/** Who Motadata ServiceOps is to caseops and what its incident API allows: the manifest and the adapter share these. */
import type { Capability } from '../../domain/ports/vendor.js';
import type { VendorTerms } from '../plugin-types.js';

export const MOTADATA = {
  id: 'motadata',
  name: 'Motadata ServiceOps',
  shortName: 'ServiceOps',
  capabilities: new Set<Capability>(['open', 'lookup', 'cancel']),
  unsupported: {
    annotate: 'this ServiceOps API generation has no note endpoint',
    list: 'caseops does not list ServiceOps incidents',
  },
  caseId: { pattern: /^\d{1,18}$/, hint: 'a Motadata incident number is digits only (e.g. 1042).' },
} as const satisfies VendorTerms;
