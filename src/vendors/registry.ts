/**
 * Which vendors are enabled, by configuration. A vendor whose factory fails is logged and skipped: one broken
 * vendor never stops caseops from serving the others.
 */
import type { Env } from '../config/env.js';
import { VENDOR_IDS, VENDOR_NAMES, type VendorId } from '../domain/case.js';
import { VendorNotConfiguredError } from '../domain/errors.js';
import type { VendorAdapter } from '../domain/ports/vendor.js';
import type { VendorDeps } from './deps.js';

/** Names a person may type for each vendor (case-insensitive). */
export const VENDOR_ALIASES: Record<string, VendorId> = {
  equinix: 'equinix',
  eqx: 'equinix',
  cisco: 'cisco',
  csco: 'cisco',
  juniper: 'juniper',
  jnpr: 'juniper',
  motadata: 'motadata',
  serviceops: 'motadata',
  flotomate: 'motadata',
  itsm: 'motadata',
};

export function resolveVendorName(text: string): VendorId | undefined {
  return VENDOR_ALIASES[text.trim().toLowerCase()];
}

export type VendorFactory = (env: Env, deps: VendorDeps) => VendorAdapter | undefined;

export class VendorRegistry {
  private readonly adapters = new Map<VendorId, VendorAdapter>();

  constructor(adapters: Iterable<VendorAdapter>) {
    for (const adapter of adapters) this.adapters.set(adapter.vendor, adapter);
  }

  /** Builds the registry from factories; a factory that throws is skipped and reported. */
  static fromEnv(env: Env, deps: VendorDeps, factories: Record<VendorId, VendorFactory>): VendorRegistry {
    const adapters: VendorAdapter[] = [];
    for (const vendor of VENDOR_IDS) {
      try {
        const adapter = factories[vendor](env, deps);
        if (adapter) adapters.push(adapter);
      } catch (error) {
        deps.logger.error(
          { vendor, err: error },
          `${VENDOR_NAMES[vendor]} could not be set up and is disabled`,
        );
      }
    }
    const registry = new VendorRegistry(adapters);
    deps.logger.info(
      { enabled: registry.enabled().map((a) => a.vendor) },
      registry.size === 0
        ? 'no vendor is configured'
        : `vendors enabled: ${registry
            .enabled()
            .map((a) => VENDOR_NAMES[a.vendor])
            .join(', ')}`,
    );
    return registry;
  }

  get size(): number {
    return this.adapters.size;
  }

  get(vendor: VendorId): VendorAdapter | undefined {
    return this.adapters.get(vendor);
  }

  /** The adapter, or a VendorNotConfiguredError naming the vendor. */
  require(vendor: VendorId): VendorAdapter {
    const adapter = this.adapters.get(vendor);
    if (!adapter) throw new VendorNotConfiguredError(VENDOR_NAMES[vendor]);
    return adapter;
  }

  /** In the order of VENDOR_IDS, so lists read the same everywhere. */
  enabled(): VendorAdapter[] {
    return VENDOR_IDS.flatMap((v) => this.adapters.get(v) ?? []);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.adapters.values()].map((a) => a.close()));
  }
}
