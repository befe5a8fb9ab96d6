/** Starts an Equinix simulator and the real adapter pointed at it, with a skipping clock and captured hooks. */
import { Writable } from 'node:stream';
import { loadEnv } from '../../../src/config/env.js';
import type { VendorAdapter } from '../../../src/domain/ports/vendor.js';
import { createLogger, type Logger, silentLogger } from '../../../src/logging/logger.js';
import { equinixFromEnv } from '../../../src/vendors/equinix/index.js';
import type { EquinixOpenRequest } from '../../../src/vendors/equinix/open-request.js';
import {
  createEquinixSimulator,
  type EquinixSimulator,
  type EquinixSimulatorOptions,
} from '../../../src/vendors/equinix/simulator.js';
import type { CallEvent } from '../../../src/vendors/http/wire.js';
import type { LoggedRequest } from '../../../src/vendors/sim-kit.js';
import { SkippingClock } from '../http/fake-clocks.js';

export interface Harness {
  sim: EquinixSimulator;
  adapter: VendorAdapter;
  clock: SkippingClock;
  tokenRefreshes: string[];
  calls: CallEvent[];
}

export interface HarnessOptions {
  sim?: EquinixSimulatorOptions;
  /** Extra environment, e.g. a short VENDOR_TIMEOUT_MS or a wrong EQUINIX_CLIENT_SECRET. */
  env?: Record<string, string>;
  logger?: Logger;
}

export async function startEquinix(options: HarnessOptions = {}): Promise<Harness> {
  const sim = createEquinixSimulator(options.sim);
  await sim.start();
  const clock = new SkippingClock();
  const tokenRefreshes: string[] = [];
  const calls: CallEvent[] = [];
  const env = loadEnv({
    ...sim.env(),
    // A fast budget keeps spacing out of the way; the skipping clock makes waits free anyway.
    EQUINIX_RATE_PER_SECOND: '1000',
    EQUINIX_MAX_CONCURRENT: '4',
    VENDOR_TIMEOUT_MS: '3000',
    ...options.env,
  });
  const adapter = equinixFromEnv(env, {
    logger: options.logger ?? silentLogger,
    clock,
    onTokenRefresh: (vendor) => tokenRefreshes.push(vendor),
    onCall: (event) => calls.push(event),
  });
  if (!adapter) throw new Error('the Equinix adapter was not configured from the simulator env');
  return { sim, adapter, clock, tokenRefreshes, calls };
}

export function requestsTo(sim: EquinixSimulator, method: string, path: string | RegExp): LoggedRequest[] {
  return sim.requests.filter(
    (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
  );
}

export const TOKEN_PATH = '/oauth2/v1/token';
export const CREATE_PATH = '/support/v2/tickets';

export function openRequest(overrides: Partial<EquinixOpenRequest> = {}): EquinixOpenRequest {
  return {
    vendor: 'equinix',
    code: '0100-0200',
    description: 'Cross connect CC-SV5-000123 is down since 09:40 UTC; no light on the customer side.',
    primaryId: 'CC-SV5-000123',
    notificationContacts: [],
    ...overrides,
  };
}

/** A logger writing JSON lines into memory, for asserting what reached the logs. */
export function captureLogs(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), text: () => chunks.join('') };
}
