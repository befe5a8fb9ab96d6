/**
 * CASEOPS_SANDBOX: every plugin's simulator started in-process on loopback, seeded with a few cases whose
 * statuses move over time, and the environment that points the real adapters at them. The adapters are the
 * production ones: only the far end of the wire is simulated. The simulators are loaded here, from each
 * plugin's loadSimulator(), so a start without the sandbox loads none.
 */
import type { VendorId } from '../domain/case.js';
import { ALL_PLUGINS, type KnownVendorId } from './plugin.js';
import type { SimulatorPlugin } from './plugin-types.js';
import type { VendorSimulator } from './simulator.js';

export type SandboxSimulators = { readonly [Vendor in KnownVendorId]: VendorSimulator };

export interface Sandbox {
  simulators: SandboxSimulators;
  /** Each vendor's simulator part as the sandbox loaded it: what the playground asks of a simulated case. */
  simulatorPlugins: ReadonlyMap<VendorId, SimulatorPlugin>;
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
  const plugins = await Promise.all(
    ALL_PLUGINS.map(async (plugin) => {
      const simulatorPlugin = await plugin.loadSimulator();
      return {
        id: plugin.id,
        simulatorPlugin,
        simulator: simulatorPlugin.create({ autoAdvanceMs, latencyMs }),
      };
    }),
  );
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
  for (const { simulatorPlugin, simulator } of plugins) simulatorPlugin.seedSandbox?.(simulator);

  const simulators = Object.fromEntries(
    plugins.map(({ id, simulator }) => [id, simulator] as [VendorId, VendorSimulator]),
  ) as SandboxSimulators;
  return {
    simulators,
    simulatorPlugins: new Map(plugins.map(({ id, simulatorPlugin }) => [id, simulatorPlugin])),
    env: Object.assign({}, ...plugins.map(({ simulator }) => simulator.env())) as Record<string, string>,
    async stop() {
      await Promise.allSettled(plugins.map(({ simulator }) => simulator.stop()));
    },
  };
}
