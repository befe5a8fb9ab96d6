/** The Cisco plugin (Support Case API v3, read-only): its manifest and its adapter factory. */
import type { z } from 'zod';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import { CiscoAdapter } from './adapter.js';
import { ciscoConfig } from './config.js';
import { CISCO_STATUS_STATES } from './mapper.js';
import { CISCO } from './terms.js';

export { CISCO_LIMITS, CiscoAdapter, type CiscoAdapterOptions } from './adapter.js';
export { CISCO_STATUS_STATES, CISCO_STATUSES } from './mapper.js';

/** The Cisco adapter, or undefined when Cisco is not configured (no client id and secret). */
export function ciscoFromEnv(
  env: z.infer<typeof ciscoConfig.schema> & SharedVendorEnv,
  deps: VendorDeps,
): VendorAdapter | undefined {
  const clientId = env.CISCO_CLIENT_ID;
  const clientSecret = env.CISCO_CLIENT_SECRET;
  if (!clientId || !clientSecret) return undefined;
  return new CiscoAdapter({
    baseUrl: env.CISCO_BASE_URL,
    tokenUrl: env.CISCO_TOKEN_URL,
    clientId,
    clientSecret,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    ratePerSecond: env.CISCO_RATE_PER_SECOND,
    maxConcurrent: env.CISCO_MAX_CONCURRENT,
    deps,
  });
}

export const cisco = defineVendorPlugin({
  ...CISCO,
  aliases: ['cisco', 'csco'],
  caseId: { parse: (raw: string) => parseCaseIdBy(CISCO, raw), hint: CISCO.caseId.hint },
  config: ciscoConfig,
  fromConfig: ciscoFromEnv,
  // Support Case Manager's per-case page shape is not published for this API: CISCO_CASE_URL sets one.
  portal: { env: 'CISCO_CASE_URL' },
  statuses: CISCO_STATUS_STATES,
  loadSimulator: async () => (await import('./plugin-simulator.js')).ciscoSimulatorPlugin,
});
