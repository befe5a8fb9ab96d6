/**
 * The Equinix plugin's side of its simulator: the factory and what the sandbox and the playground do with it.
 * Loaded only by a start that runs the sandbox (and by tests). Plugin code, so it may use the plugin's types;
 * the simulator's own files (simulator*.ts) import nothing of the plugin.
 */
import { defineSimulatorPlugin } from '../plugin-types.js';
import { createEquinixSimulator, type EquinixSimulator } from './simulator.js';

export const equinixSimulatorPlugin = defineSimulatorPlugin<EquinixSimulator>({
  create: (options) => createEquinixSimulator(options),
  seedSandbox: (sim) => {
    sim.seed({ description: 'Cross-connect down between cage SV5:01:010315 and carrier' });
    sim.seed({ description: 'Smart Hands: reseat optic in rack 0207, port 12' });
  },
});
