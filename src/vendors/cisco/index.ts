/** The Cisco plugin (Support Case API v3, read-only): its manifest, its adapter factory and its simulator. */
import type { z } from 'zod';
import type { VendorAdapter } from '../../domain/ports/vendor.js';
import { parseCaseIdBy } from '../case-id.js';
import type { VendorDeps } from '../deps.js';
import { defineVendorPlugin, type SharedVendorEnv } from '../plugin-types.js';
import { CiscoAdapter } from './adapter.js';
import { ciscoConfig } from './config.js';
import { CISCO_STATUS_STATES } from './mapper.js';
import { CiscoSimulator, type CiscoSimulatorOptions } from './simulator.js';
import { CISCO } from './terms.js';

export { CISCO_LIMITS, CiscoAdapter, type CiscoAdapterOptions } from './adapter.js';
export { CISCO_STATUS_STATES, CISCO_STATUSES } from './mapper.js';
export {
  CISCO_TOKEN_PATH,
  CiscoSimulator,
  type CiscoSimulatorOptions,
  type CiscoThrottleStyle,
  type SeedManyOptions,
} from './simulator.js';

/** The Cisco adapter, or undefined when Cisco is not configured (no client id and secret). */
export function ciscoFromEnv(
  env: z.infer<typeof ciscoConfig.schema> & SharedVendorEnv,
  deps: VendorDeps,
): VendorAdapter | undefined {
  const clientId = env.CISCO_CLIENT_ID;
  const clientSecret = env.CISCO_CLIENT_SECRET;
  if (!clientId || !clientSecret) return undefined;
  return new CiscoAdapter({
    baseUrl: env.CISCO_BASE_URL,
    tokenUrl: env.CISCO_TOKEN_URL,
    clientId,
    clientSecret,
    timeoutMs: env.VENDOR_TIMEOUT_MS,
    ratePerSecond: env.CISCO_RATE_PER_SECOND,
    maxConcurrent: env.CISCO_MAX_CONCURRENT,
    deps,
  });
}

export function createCiscoSimulator(options?: CiscoSimulatorOptions): CiscoSimulator {
  return new CiscoSimulator(options);
}

/** The contract the sandbox's Cisco cases belong to, so `/case list cisco contract …` has something to show. */
export const SANDBOX_CISCO_CONTRACT = '91234567';

export const cisco = defineVendorPlugin({
  ...CISCO,
  aliases: ['cisco', 'csco'],
  caseId: { parse: (raw: string) => parseCaseIdBy(CISCO, raw), hint: CISCO.caseId.hint },
  config: ciscoConfig,
  fromConfig: ciscoFromEnv,
  // Support Case Manager's per-case page shape is not published for this API: CISCO_CASE_URL sets one.
  portal: { env: 'CISCO_CASE_URL' },
  statuses: CISCO_STATUS_STATES,
  simulator: {
    create: (options) => createCiscoSimulator(options),
    seedSandbox: (sim: CiscoSimulator) => {
      sim.seedMany(6, { contractId: SANDBOX_CISCO_CONTRACT });
      // Opened within the help's list example (contracts 123456789 and 987654321, 2026-01-01 to 2026-03-31).
      sim.seedMany(1, { contractId: '123456789', createdFrom: '2026-01-12T08:30:00Z' });
      sim.seedMany(1, { contractId: '987654321', createdFrom: '2026-02-03T14:10:00Z' });
    },
    // The simulator's TAC side: notes, hand-overs and severity changes the detail call then reports.
    vendorActs: {
      note: (sim: CiscoSimulator, id, text) => sim.addNote(id, { text, author: 'Priya Raman (TAC)' }),
      owner: (sim: CiscoSimulator, id, name) => sim.setOwner(id, name),
      severity: {
        choices: ['1', '2', '3', '4'].map((value) => ({ value, label: `Sev ${value}` })),
        set: (sim: CiscoSimulator, id, value) => sim.setSeverity(id, value),
      },
    },
  },
});
