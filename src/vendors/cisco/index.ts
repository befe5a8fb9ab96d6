/** Cisco Support Case API v3: the adapter factory the registry calls, and the simulator. */
import type { Env } from '../../config/env.js';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { VendorDeps } from '../deps.js';
import { CiscoAdapter } from './adapter.js';
import { CiscoSimulator, type CiscoSimulatorOptions } from './simulator.js';

export { CISCO_LIMITS, CiscoAdapter, type CiscoAdapterOptions } from './adapter.js';
export { CISCO_STATUSES } from './mapper.js';
export {
  CISCO_TOKEN_PATH,
  CiscoSimulator,
  type CiscoSimulatorOptions,
  type CiscoThrottleStyle,
  type SeedManyOptions,
} from './simulator.js';

/** The Cisco adapter, or undefined when Cisco is not configured (no client id and secret). */
export function ciscoFromEnv(env: Env, deps: VendorDeps): VendorAdapter | undefined {
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

export function createCiscoSimulator(options?: CiscoSimulatorOptions): CiscoSimulator {
  return new CiscoSimulator(options);
}
