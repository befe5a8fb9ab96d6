/** Who Juniper is to caseops and what Junos Space Service Now allows: the manifest and the adapter share these. */
import type { Capability } from '../../domain/ports/vendor.js';
import type { VendorTerms } from '../plugin-types.js';

export const JUNIPER = {
  id: 'juniper',
  name: 'Juniper',
  shortName: 'Juniper',
  capabilities: new Set<Capability>(['open', 'lookup']),
  unsupported: {
    annotate: 'Junos Space Service Now has no REST call to add a note to a JTAC case',
    cancel: 'Junos Space Service Now has no REST call to close a JTAC case',
    list: 'Junos Space Service Now looks cases up one tracking number at a time',
  },
  caseId: {
    pattern: /^[A-Za-z0-9._-]{4,40}$/,
    hint: 'a Juniper case is known by its customer tracking number: 4–40 letters, digits, dots, dashes or underscores (e.g. CO-20250301-1A2B3C4D).',
  },
} as const satisfies VendorTerms;
