/**
 * The Cisco plugin's side of its simulator: the factory and what the sandbox and the playground do with it.
 * Loaded only by a start that runs the sandbox (and by tests). Plugin code, so it may use the plugin's types;
 * the simulator's own files (simulator*.ts) import nothing of the plugin.
 */
import { defineSimulatorPlugin } from '../plugin-types.js';
import { type CiscoSimulator, createCiscoSimulator } from './simulator.js';

/** The contract the sandbox's Cisco cases belong to, so `/case list cisco contract …` has something to show. */
export const SANDBOX_CISCO_CONTRACT = '91234567';

export const ciscoSimulatorPlugin = defineSimulatorPlugin<CiscoSimulator>({
  create: (options) => createCiscoSimulator(options),
  seedSandbox: (sim) => {
    sim.seedMany(6, { contractId: SANDBOX_CISCO_CONTRACT });
    // Opened within the help's list example (contracts 123456789 and 987654321, 2026-01-01 to 2026-03-31).
    sim.seedMany(1, { contractId: '123456789', createdFrom: '2026-01-12T08:30:00Z' });
    sim.seedMany(1, { contractId: '987654321', createdFrom: '2026-02-03T14:10:00Z' });
  },
  // The simulator's TAC side: notes, hand-overs and severity changes the detail call then reports.
  vendorActs: {
    note: (sim, id, text) => sim.addNote(id, { text, author: 'Priya Raman (TAC)' }),
    owner: (sim, id, name) => sim.setOwner(id, name),
    severity: {
      choices: ['1', '2', '3', '4'].map((value) => ({ value, label: `Sev ${value}` })),
      set: (sim, id, value) => sim.setSeverity(id, value),
    },
  },
});
