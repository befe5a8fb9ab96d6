/**
 * The Juniper plugin's side of its simulator: the factory and what the sandbox and the playground do with it.
 * Loaded only by a start that runs the sandbox (and by tests). Plugin code, so it may use the plugin's types;
 * the simulator's own files (simulator*.ts) import nothing of the plugin.
 */
import { defineSimulatorPlugin } from '../plugin-types.js';
import { createJuniperSimulator, type JuniperSimulator } from './simulator.js';

/** Submitted cases the sandbox starts with (the help's examples use the first one's tracking number). */
const JUNIPER_SANDBOX_CASES = [
  {
    customerTrackingNumber: 'CO-20260101-1A2B3C4D',
    status: 'Created',
    priority: '2 - High',
    hostName: 'mx480-edge-01',
    product: 'MX480',
    deviceGroupName: 'Edge routers',
    defectType: 'FPC offline',
  },
  {
    customerTrackingNumber: 'CO-20260214-5E6F7A8B',
    status: 'Submitted',
    priority: '3 - Medium',
    hostName: 'qfx5120-leaf-04',
    product: 'QFX5120-48Y',
    deviceGroupName: 'Data centre fabric',
    defectType: 'Interface flapping',
  },
] as const;

export const juniperSimulatorPlugin = defineSimulatorPlugin<JuniperSimulator>({
  create: (options) => createJuniperSimulator(options),
  seedSandbox: (sim) => {
    for (const seeded of JUNIPER_SANDBOX_CASES) sim.seed({ ...seeded });
  },
  describeSandboxCase: (c) => {
    if (c.status === 'Not Submitted') {
      return {
        cannotAdvance: `Not a case yet: Service Now incident ${c.id} waits to be submitted. Open a Juniper case for it`,
        opensNewCase: true,
      };
    }
    if (/failed/i.test(c.status)) {
      return {
        cannotAdvance: `Juniper could not take this case (${c.status}); it does not move on by itself.`,
      };
    }
    return undefined;
  },
});
