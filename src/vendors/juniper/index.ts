/** The Juniper plugin (Junos Space Service Now): its manifest and its adapter factory. */
import type { z } from 'zod';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { basicAuth } from '../http/auth.js';
import { VendorHttpClient } from '../http/client.js';
import { RateBudget } from '../http/rate-budget.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import { JuniperAdapter, mapJuniperError } from './adapter.js';
import { juniperConfig } from './config.js';
import { JUNIPER_STATUS_STATES } from './mapper.js';
import { JUNIPER_PRIORITIES, juniperOpenForm } from './open-request.js';
import { JUNIPER } from './terms.js';

export { JuniperAdapter, mapJuniperError } from './adapter.js';
export { JUNIPER_STATUS_STATES, juniperState } from './mapper.js';
export {
  generateTrackingNumber,
  JUNIPER_FOLLOW_UP_METHODS,
  JUNIPER_PRIORITIES,
  JuniperOpenRequest,
} from './open-request.js';

/** The Juniper adapter when Junos Space credentials are configured, otherwise undefined (vendor disabled). */
export function juniperFromEnv(
  env: z.infer<typeof juniperConfig.schema> & SharedVendorEnv,
  deps: VendorDeps,
): VendorAdapter | undefined {
  if (!env.JUNIPER_BASE_URL || !env.JUNIPER_USERNAME || !env.JUNIPER_PASSWORD) return undefined;
  const logger = deps.logger.child({ vendor: 'juniper' });
  const http = new VendorHttpClient({
    vendor: 'juniper',
    baseUrl: env.JUNIPER_BASE_URL,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    budget: new RateBudget({
      ratePerSecond: env.JUNIPER_RATE_PER_SECOND,
      maxConcurrent: env.JUNIPER_MAX_CONCURRENT,
      clock: deps.clock,
    }),
    auth: basicAuth(env.JUNIPER_USERNAME, env.JUNIPER_PASSWORD),
    mapError: mapJuniperError,
    retry: deps.retry,
    clock: deps.clock,
    dispatcher: deps.dispatcher,
    logger,
    onCall: deps.onCall,
    tracing: deps.tracing,
  });
  const caseCredentials =
    env.JUNIPER_CASE_USERNAME && env.JUNIPER_CASE_PASSWORD
      ? { username: env.JUNIPER_CASE_USERNAME, password: env.JUNIPER_CASE_PASSWORD }
      : undefined;
  return new JuniperAdapter(
    http,
    { siteId: env.JUNIPER_SITE_ID, addressGroup: env.JUNIPER_ADDRESS_GROUP, caseCredentials },
    logger,
  );
}

export const juniper = defineVendorPlugin({
  ...JUNIPER,
  aliases: ['juniper', 'jnpr'],
  caseId: { parse: (raw: string) => parseCaseIdBy(JUNIPER, raw), hint: JUNIPER.caseId.hint },
  severityWords: JUNIPER_PRIORITIES,
  config: juniperConfig,
  fromConfig: juniperFromEnv,
  openForm: juniperOpenForm,
  // Cases live in the customer's own Junos Space and at JTAC; no public page shape: JUNIPER_CASE_URL sets one.
  portal: { env: 'JUNIPER_CASE_URL' },
  statuses: JUNIPER_STATUS_STATES,
  loadSimulator: async () => (await import('./plugin-simulator.js')).juniperSimulatorPlugin,
});
