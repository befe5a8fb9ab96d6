/** The vendor plugins caseops ships, and the registry built from configuration. */
import type { Env } from '../config/env.js';
import type { VendorId } from '../domain/case.js';
import { ciscoFromEnv } from './cisco/index.js';
import type { VendorDeps } from './deps.js';
import { equinixFromEnv } from './equinix/index.js';
import { juniperFromEnv } from './juniper/index.js';
import { motadataFromEnv } from './motadata/index.js';
import { type VendorFactory, VendorRegistry } from './registry.js';

export const VENDOR_FACTORIES: Record<VendorId, VendorFactory> = {
  equinix: equinixFromEnv,
  cisco: ciscoFromEnv,
  juniper: juniperFromEnv,
  motadata: motadataFromEnv,
};

export function createVendorRegistry(env: Env, deps: VendorDeps): VendorRegistry {
  return VendorRegistry.fromEnv(env, deps, VENDOR_FACTORIES);
}
