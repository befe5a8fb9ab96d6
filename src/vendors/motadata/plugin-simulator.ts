/**
 * The Motadata plugin's side of its simulator: the factory and what the sandbox and the playground do with it.
 * Loaded only by a start that runs the sandbox (and by tests). Plugin code, so it may use the plugin's types;
 * the simulator's own files (simulator*.ts) import nothing of the plugin.
 */
import { defineSimulatorPlugin } from '../plugin-types.js';
import { createMotadataSimulator, type MotadataSimulator } from './simulator.js';

export const motadataSimulatorPlugin = defineSimulatorPlugin<MotadataSimulator>({
  create: ({ latencyMs } = {}) => createMotadataSimulator({ latencyMs }),
});
