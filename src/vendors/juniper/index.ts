import type { Env } from '../../config/env.js';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { VendorDeps } from '../deps.js';
import { basicAuth } from '../http/auth.js';
import { VendorHttpClient } from '../http/client.js';
import { RateBudget } from '../http/rate-budget.js';
import { JuniperAdapter, mapJuniperError } from './adapter.js';

export { JuniperAdapter, mapJuniperError } from './adapter.js';
export { juniperState } from './mapper.js';
export {
  createJuniperSimulator,
  type JuniperSimulator,
  type JuniperSimulatorOptions,
} from './simulator.js';

/** The Juniper adapter when Junos Space credentials are configured, otherwise undefined (vendor disabled). */
export function juniperFromEnv(env: Env, deps: VendorDeps): VendorAdapter | undefined {
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
  return new JuniperAdapter(http, { siteId: env.JUNIPER_SITE_ID, caseCredentials }, logger);
}
