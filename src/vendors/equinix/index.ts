/** The Equinix plugin (Case Management API 2.0.0): its manifest and its adapter factory. */
import type { z } from 'zod';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import { EquinixAdapter } from './adapter.js';
import { equinixConfig } from './config.js';
import { EQUINIX_STATUS_STATES } from './mapper.js';
import { equinixOpenForm } from './open-request.js';
import { EQUINIX } from './terms.js';

export { customerReferenceFor, EquinixAdapter, type EquinixConfig, mapEquinixError } from './adapter.js';
export { EQUINIX_STATUS_STATES, equinixStateOf, equinixTicketToCase } from './mapper.js';
export { EQUINIX_CODE_PATTERN, EquinixNotificationContact, EquinixOpenRequest } from './open-request.js';

/** The Equinix adapter, or undefined when EQUINIX_CLIENT_ID / EQUINIX_CLIENT_SECRET are not set. */
export function equinixFromEnv(
  env: z.infer<typeof equinixConfig.schema> & SharedVendorEnv,
  deps: VendorDeps,
): VendorAdapter | undefined {
  if (!env.EQUINIX_CLIENT_ID || !env.EQUINIX_CLIENT_SECRET) return undefined;
  return new EquinixAdapter(
    {
      // The schema defaults it; its type stays optional because the helper builds either kind of URL field.
      baseUrl: env.EQUINIX_BASE_URL ?? 'https://api.equinix.com',
      clientId: env.EQUINIX_CLIENT_ID,
      clientSecret: env.EQUINIX_CLIENT_SECRET,
      timeoutMs: env.VENDOR_TIMEOUT_MS,
      ratePerSecond: env.EQUINIX_RATE_PER_SECOND,
      maxConcurrent: env.EQUINIX_MAX_CONCURRENT,
    },
    deps,
  );
}

export const equinix = defineVendorPlugin({
  ...EQUINIX,
  aliases: ['equinix', 'eqx'],
  caseId: { parse: (raw: string) => parseCaseIdBy(EQUINIX, raw), hint: EQUINIX.caseId.hint },
  noteVisibility: true,
  config: equinixConfig,
  fromConfig: equinixFromEnv,
  openForm: equinixOpenForm,
  // No per-case portal page is documented: EQUINIX_CASE_URL sets one.
  portal: { env: 'EQUINIX_CASE_URL' },
  statuses: EQUINIX_STATUS_STATES,
  loadSimulator: async () => (await import('./plugin-simulator.js')).equinixSimulatorPlugin,
});
