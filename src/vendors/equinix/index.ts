/** Equinix: the adapter built from configuration, and its simulator. */
import type { Env } from '../../config/env.js';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import type { VendorDeps } from '../deps.js';
import { EquinixAdapter } from './adapter.js';
import { EquinixSimulator, type EquinixSimulatorOptions } from './simulator.js';

export { customerReferenceFor, EquinixAdapter, type EquinixConfig, mapEquinixError } from './adapter.js';
export { equinixStateOf, equinixTicketToCase } from './mapper.js';
export {
  EQUINIX_LIFECYCLE,
  type EquinixCreateAnswerStyle,
  type EquinixSeed,
  EquinixSimulator,
  type EquinixSimulatorOptions,
  type SimulatedEquinixCase,
} from './simulator.js';

/** The Equinix adapter, or undefined when EQUINIX_CLIENT_ID / EQUINIX_CLIENT_SECRET are not set. */
export function equinixFromEnv(env: Env, deps: VendorDeps): VendorAdapter | undefined {
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

/** A stateful Equinix simulator (not started): tests, the playground and benchmarks. */
export function createEquinixSimulator(options?: EquinixSimulatorOptions): EquinixSimulator {
  return new EquinixSimulator(options);
}
