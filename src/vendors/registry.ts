/**
 * Which vendors are enabled, by configuration, built from the plugin list. A plugin whose factory fails is
 * logged and skipped: one broken vendor never stops caseops from serving the others.
 */
import type { Env } from '../config/env.js';
import type { VendorId } from '../domain/case.js';
import { VendorNotConfiguredError } from '../domain/errors.js';
import type { OpenRequest } from '../domain/open-request.js';
import type { VendorAdapter, VendorDirectory, VendorProfile } from '../domain/ports/vendor.js';
import type { VendorDeps } from './deps.js';
import { ALL_PLUGINS, pluginFor, VENDOR_IDS, vendorName, vendorSeverityLabel } from './plugin.js';
import type { VendorPlugin } from './plugin-types.js';
import { withPortalLinks } from './portal.js';

export { resolveVendorName } from './plugin.js';

/** What the domain may know about a vendor, from its plugin (or just its id, for one no plugin knows). */
export function vendorProfile(vendor: VendorId): VendorProfile {
  const plugin = pluginFor(vendor);
  const form = plugin?.openForm;
  return {
    id: vendor,
    name: vendorName(vendor),
    unsupportedReason: (capability) => plugin?.unsupported[capability],
    severityLabel: (severity) => vendorSeverityLabel(vendor, severity),
    openSeverity: (request: OpenRequest) => form?.severity(request),
    describeOpen: (request: OpenRequest) => form?.summary(request) ?? `a ${vendorName(vendor)} case`,
    openVendorKey: (request: OpenRequest) => form?.vendorKey?.(request),
  };
}

export class VendorRegistry implements VendorDirectory {
  private readonly adapters = new Map<VendorId, VendorAdapter>();

  constructor(adapters: Iterable<VendorAdapter>) {
    for (const adapter of adapters) this.adapters.set(adapter.vendor, adapter);
  }

  /** Builds the registry from the plugins' factories; a factory that throws is skipped and reported. */
  static fromEnv(env: Env, deps: VendorDeps, plugins: readonly VendorPlugin[] = ALL_PLUGINS): VendorRegistry {
    const adapters: VendorAdapter[] = [];
    for (const plugin of plugins) {
      try {
        // Env holds every plugin's variables (config/env.ts composes them from the same list).
        const vars = env as unknown as Record<string, unknown>;
        const adapter = plugin.fromConfig(vars as never, deps);
        const template = vars[plugin.portal.env];
        if (adapter) {
          adapters.push(
            withPortalLinks(adapter, typeof template === 'string' ? template : plugin.portal.template),
          );
        }
      } catch (error) {
        deps.logger.error(
          { vendor: plugin.id, err: error },
          `${plugin.name} could not be set up and is disabled`,
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
            .map((a) => vendorName(a.vendor))
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

  profile(vendor: VendorId): VendorProfile {
    return vendorProfile(vendor);
  }

  /** The adapter, or a VendorNotConfiguredError naming the vendor. */
  require(vendor: VendorId): VendorAdapter {
    const adapter = this.adapters.get(vendor);
    if (!adapter) throw new VendorNotConfiguredError(vendorName(vendor));
    return adapter;
  }

  /** In the order of the plugin list, so lists read the same everywhere. */
  enabled(): VendorAdapter[] {
    return VENDOR_IDS.flatMap((v) => this.adapters.get(v) ?? []);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.adapters.values()].map((a) => a.close()));
  }
}
