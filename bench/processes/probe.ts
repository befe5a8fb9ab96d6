/**
 * Loaded with `node --import` ahead of caseops' own entry point (src/main.ts), so the benchmark can measure
 * the real composition root without changing it: answers the benchmark's questions about this process
 * (memory, CPU, event-loop delay) over IPC. The app's readiness is read from its /healthz, not from here.
 */
import { loopDelayCommands } from '../support/loop-delay.js';
import { announceReady, serveCommands } from '../support/rpc.js';

serveCommands({
  ...loopDelayCommands,
  memory: () => process.memoryUsage(),
  cpu: () => process.cpuUsage(),
});
// "The channel is open", not "the app is ready".
announceReady({});
