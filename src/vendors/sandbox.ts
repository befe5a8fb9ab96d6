/**
 * CASEOPS_SANDBOX: all four vendor simulators started in-process on loopback, seeded with a few cases whose
 * statuses move over time, and the environment that points the real adapters at them. The adapters are the
 * production ones: only the far end of the wire is simulated.
 */
import type { VendorId } from '../domain/case.js';
import { type CiscoSimulator, createCiscoSimulator } from './cisco/index.js';
import { createEquinixSimulator, type EquinixSimulator } from './equinix/index.js';
import { createJuniperSimulator, type JuniperSimulator } from './juniper/index.js';
import { createMotadataSimulator, type MotadataSimulator } from './motadata/index.js';

export interface SandboxSimulators {
  equinix: EquinixSimulator;
  cisco: CiscoSimulator;
  juniper: JuniperSimulator;
  motadata: MotadataSimulator;
}

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

/** The contract the sandbox's Cisco cases belong to, so `/case list cisco contract …` has something to show. */
export const SANDBOX_CISCO_CONTRACT = '91234567';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const autoAdvanceMs = options.autoAdvanceMs === 0 ? undefined : (options.autoAdvanceMs ?? 120_000);
  const latencyMs = options.latencyMs ?? 0;
  const simulators: SandboxSimulators = {
    equinix: createEquinixSimulator({ autoAdvanceMs, latencyMs }),
    cisco: createCiscoSimulator({ autoAdvanceMs, latencyMs }),
    juniper: createJuniperSimulator({ autoAdvanceMs, latencyMs }),
    motadata: createMotadataSimulator({ latencyMs }),
  };
  const started: VendorId[] = [];
  try {
    for (const [vendor, simulator] of Object.entries(simulators) as Array<
      [VendorId, SandboxSimulators[VendorId]]
    >) {
      await simulator.start();
      started.push(vendor);
    }
  } catch (error) {
    await Promise.allSettled(started.map((vendor) => simulators[vendor].stop()));
    throw error;
  }

  simulators.equinix.seed({ description: 'Cross-connect down between cage SV5:01:010315 and carrier' });
  simulators.equinix.seed({ description: 'Smart Hands: reseat optic in rack 0207, port 12' });
  simulators.cisco.seedMany(6, { contractId: SANDBOX_CISCO_CONTRACT });

  return {
    simulators,
    env: Object.assign({}, ...Object.values(simulators).map((s) => s.env())) as Record<string, string>,
    async stop() {
      await Promise.allSettled(Object.values(simulators).map((s) => s.stop()));
    },
  };
}
