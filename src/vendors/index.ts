/** The registry built from configuration and the plugin list (src/vendors/plugin.ts). */
import type { Env } from '../config/env.js';
import type { VendorDeps } from './deps.js';
import { VendorRegistry } from './registry.js';

export { ALL_PLUGINS, PLUGINS, pluginFor, VENDOR_IDS, vendorName, vendorShortName } from './plugin.js';

export function createVendorRegistry(env: Env, deps: VendorDeps): VendorRegistry {
  return VendorRegistry.fromEnv(env, deps);
}
