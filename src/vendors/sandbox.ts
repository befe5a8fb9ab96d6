/**
 * CASEOPS_SANDBOX: every plugin's simulator started in-process on loopback, seeded with a few cases whose
 * statuses move over time, and the environment that points the real adapters at them. The adapters are the
 * production ones: only the far end of the wire is simulated.
 */
import type { VendorId } from '../domain/case.js';
import { ALL_PLUGINS, type KnownVendorId } from './plugin.js';
import type { VendorSimulator } from './simulator.js';

export type SandboxSimulators = { readonly [Vendor in KnownVendorId]: VendorSimulator };

export interface Sandbox {
  simulators: SandboxSimulators;
  /** Variables that enable every vendor against its simulator; merge over the process environment. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** Seeded cases move to their next status this often (default: 2 minutes; 0 = only when advanced by hand). */
  autoAdvanceMs?: number;
  /** Added latency per simulated call, in ms (default 0). */
  latencyMs?: number;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const autoAdvanceMs = options.autoAdvanceMs === 0 ? undefined : (options.autoAdvanceMs ?? 120_000);
  const latencyMs = options.latencyMs ?? 0;
  const plugins = ALL_PLUGINS.map((plugin) => ({
    plugin,
    simulator: plugin.simulator.create({ autoAdvanceMs, latencyMs }),
  }));
  const started: VendorSimulator[] = [];
  try {
    for (const { simulator } of plugins) {
      await simulator.start();
      started.push(simulator);
    }
  } catch (error) {
    await Promise.allSettled(started.map((simulator) => simulator.stop()));
    throw error;
  }
  for (const { plugin, simulator } of plugins) plugin.simulator.seedSandbox?.(simulator);

  const simulators = Object.fromEntries(
    plugins.map(({ plugin, simulator }) => [plugin.id, simulator] as [VendorId, VendorSimulator]),
  ) as SandboxSimulators;
  return {
    simulators,
    env: Object.assign({}, ...plugins.map(({ simulator }) => simulator.env())) as Record<string, string>,
    async stop() {
      await Promise.allSettled(plugins.map(({ simulator }) => simulator.stop()));
    },
  };
}
