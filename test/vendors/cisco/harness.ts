/** Starts the Cisco simulator and points the real adapter (built from env, as in production) at it. */
import { loadEnv } from '../../../src/config/env.js';
import type { Clock } from '../../../src/domain/ports/clock.js';
import type { VendorAdapter } from '../../../src/domain/ports/vendor.js';
import { type Logger, silentLogger } from '../../../src/logging/logger.js';
import { ciscoFromEnv } from '../../../src/vendors/cisco/index.js';
import {
  CISCO_TOKEN_PATH,
  type CiscoSimulator,
  type CiscoSimulatorOptions,
  createCiscoSimulator,
} from '../../../src/vendors/cisco/simulator.js';
import type { VendorDeps } from '../../../src/vendors/deps.js';
import type { LoggedRequest } from '../../../src/vendors/sim-kit.js';

/**
 * Time that passes only when someone sleeps or the test says so: the rate budget, throttling pauses and
 * token expiry all run on it, so waits of seconds cost nothing and can be asserted exactly.
 */
export class VirtualClock implements Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.offset += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface CiscoHarness {
  sim: CiscoSimulator;
  adapter: VendorAdapter;
  clock: VirtualClock;
  tokenRefreshes: string[];
  /** Requests to the case API (not the token endpoint) whose path contains `fragment`. */
  apiRequests(fragment?: string): LoggedRequest[];
  tokenRequests(): LoggedRequest[];
  /** Another adapter against the same simulator, e.g. with other credentials. */
  adapterWith(env: Record<string, string>, deps?: Partial<VendorDeps>): VendorAdapter;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  sim?: CiscoSimulatorOptions;
  env?: Record<string, string>;
  deps?: Partial<VendorDeps>;
  logger?: Logger;
  /** Use the system clock instead of a virtual one (tests of real waiting). */
  realClock?: boolean;
}

export async function startCisco(options: HarnessOptions = {}): Promise<CiscoHarness> {
  const sim = createCiscoSimulator(options.sim);
  await sim.start();
  const clock = new VirtualClock();
  const tokenRefreshes: string[] = [];
  const build = (env: Record<string, string>, deps: Partial<VendorDeps> = {}): VendorAdapter => {
    const adapter = ciscoFromEnv(
      loadEnv({
        ...sim.env(),
        // Fast by default; tests about pacing set their own.
        CISCO_RATE_PER_SECOND: '1000',
        CISCO_MAX_CONCURRENT: '4',
        VENDOR_TIMEOUT_MS: '2000',
        ...options.env,
        ...env,
      }),
      {
        logger: options.logger ?? silentLogger,
        clock: options.realClock ? undefined : clock,
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
        onTokenRefresh: (vendor) => tokenRefreshes.push(vendor),
        ...options.deps,
        ...deps,
      },
    );
    if (!adapter) throw new Error('the Cisco adapter was not configured');
    return adapter;
  };
  const adapter = build({});
  return {
    sim,
    adapter,
    clock,
    tokenRefreshes,
    apiRequests: (fragment = '/case/v3/') =>
      sim.requests.filter((r) => r.path !== CISCO_TOKEN_PATH && r.path.includes(fragment)),
    tokenRequests: () => sim.requests.filter((r) => r.path === CISCO_TOKEN_PATH),
    adapterWith: build,
    stop: () => sim.stop(),
  };
}

/** The ids a summary request asked for. */
export function idsOf(request: LoggedRequest): string[] {
  const segment = request.path.split('/').pop() ?? '';
  return decodeURIComponent(segment).split(',');
}
