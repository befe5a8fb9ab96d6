/** What every vendor simulator offers its users: tests, the playground (`CASEOPS_SANDBOX`) and benchmarks. */
import type { FaultRule, LoggedRequest, SimulatorServer } from './sim-kit.js';

/** The vendors there are simulators for; spelled out so simulators stay free of the domain's code. */
export type SimulatedVendorId = 'equinix' | 'cisco' | 'juniper' | 'motadata';

export interface SimulatedCaseSummary {
  id: string;
  title: string;
  status: string;
}

export interface VendorSimulator {
  readonly vendor: SimulatedVendorId;
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** The base URL once started. */
  readonly url: string;
  /** Environment variables that point the real adapter at this simulator with valid credentials. */
  env(): Record<string, string>;
  /** Every request the simulator received, oldest first. */
  readonly requests: readonly LoggedRequest[];
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  latencyMs: number;
  /** Moves a case to `status` (a vendor status), or to the next status in the vendor's usual lifecycle. */
  advance(id: string, status?: string): SimulatedCaseSummary;
  /** Adds a case directly (seed data, tests); returns its id. */
  seed(overrides?: Record<string, unknown>): string;
  cases(): SimulatedCaseSummary[];
  /** The vendor statuses `advance` may be given. */
  readonly statuses: readonly string[];
}

/**
 * The part of every simulator that is only its HTTP server: starting, stopping, the request log, latency and
 * faults. Each vendor's simulator extends it and adds its contract (routes, state, `advance`, `seed`, `env`).
 */
export abstract class SimulatedVendor {
  protected constructor(protected readonly server: SimulatorServer) {}

  start(port?: number): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): readonly LoggedRequest[] {
    return this.server.requests;
  }

  get latencyMs(): number {
    return this.server.latencyMs;
  }

  set latencyMs(ms: number) {
    this.server.latencyMs = ms;
  }

  injectFault(rule: FaultRule): void {
    this.server.injectFault(rule);
  }

  clearFaults(): void {
    this.server.clearFaults();
  }
}
