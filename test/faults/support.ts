/**
 * Shared pieces of the fault suites: the faults a vendor can throw at caseops (the simulators' switches plus
 * a credential the vendor stops accepting), what a person was told classified by what it promises, and
 * filled-in open forms per vendor.
 */
import type { KnownVendorId as VendorId } from '../../src/vendors/plugin.js';
import type { Fault } from '../../src/vendors/sim-kit.js';
import { GENERIC_ANSWER } from '../fuzz/support.js';
import { input, type StateValue } from '../support/slack-client.js';
import {
  ALICE,
  type Harness,
  type HarnessOptions,
  type Simulators,
  startHarness,
} from '../support/slack-harness.js';

/** Every fault of src/vendors/sim-kit.ts, plus `token`: the vendor refuses caseops' credentials. */
export const VENDOR_FAULTS = [
  'timeout',
  'timeout-after-commit',
  'http-500',
  'http-503',
  'throttle',
  'malformed-json',
  'drop',
  'token',
] as const;
export type VendorFault = (typeof VENDOR_FAULTS)[number];

export function isSimFault(fault: VendorFault): fault is Fault & VendorFault {
  return fault !== 'token';
}

/**
 * The vendor stops accepting caseops' credentials (a rotated secret, a revoked key): tokens already issued
 * expire and new ones are refused, or basic auth fails. Returns how to put things back.
 */
export function revokeCredentials(sims: Simulators, vendor: VendorId): () => void {
  switch (vendor) {
    case 'equinix':
    case 'cisco': {
      const sim = sims[vendor] as unknown as { clientSecret: string; expireTokens(): void };
      const secret = sim.clientSecret;
      sim.clientSecret = 'rotated-by-the-vendor';
      sim.expireTokens();
      return () => {
        sim.clientSecret = secret;
      };
    }
    case 'juniper': {
      const credentials = sims.juniper.credentials;
      const saved = { ...credentials };
      credentials.password = 'rotated-by-the-vendor';
      credentials.casePassword = 'rotated-by-the-vendor';
      return () => Object.assign(credentials, saved);
    }
    case 'motadata': {
      const credentials = sims.motadata.credentials;
      const saved = { ...credentials };
      credentials.apiKey = 'rotated-by-the-vendor';
      credentials.clientSecret = 'rotated-by-the-vendor';
      sims.motadata.expireTokens();
      return () => Object.assign(credentials, saved);
    }
  }
}

/**
 * The app a fault matrix runs its cells on. A refused credential leaves its mark on an adapter (Equinix's
 * token cache waits 5 minutes before asking again, as Equinix locks an account after 5 refusals), so each
 * `token` cell gets an app of its own instead of sharing one with the cells after it.
 */
export class FaultMatrix {
  private shared?: Harness;
  private current?: Harness;

  constructor(readonly options: HarnessOptions) {}

  get h(): Harness {
    if (!this.current) throw new Error('the fault matrix app is not started');
    return this.current;
  }

  async start(): Promise<void> {
    this.shared = await startHarness(this.options);
    this.current = this.shared;
  }

  async stop(): Promise<void> {
    await this.shared?.stop();
  }

  async cell(fault: VendorFault, work: () => Promise<void>): Promise<void> {
    if (fault !== 'token') return work();
    this.current = await startHarness(this.options);
    try {
      await work();
    } finally {
      await this.current.stop();
      this.current = this.shared;
    }
  }

  /** Starts `fault` at `vendor` for the next `times` matching requests; returns how to end it. */
  inject(
    vendor: VendorId,
    fault: VendorFault,
    where: { pathIncludes?: string; pathMatches?: RegExp; method?: string } = {},
    times = 1,
  ): () => void {
    if (!isSimFault(fault)) return revokeCredentials(this.h.sims, vendor);
    const sim = this.h.sims[vendor];
    sim.injectFault({ fault: fault as Fault, ...where, times });
    return () => sim.clearFaults();
  }
}

/** What a person's answer promises about the vendor. */
export type Told =
  /** The write is done (or was already done): the vendor holds it exactly once. */
  | 'done'
  /** Nothing reached the vendor or the vendor refused: it holds nothing of this attempt. */
  | 'nothing'
  /** caseops cannot tell; the person is asked to check before trying again. It holds it at most once. */
  | 'uncertain';

const DONE =
  /Opened (Equinix|Juniper|Motadata)|already had this request|Note added to|already added to|Cancelled |already submitted/;
const NOTHING =
  /Nothing was changed|Nothing was sent|so nothing was done|refused:|says the case cannot be changed now/;
const UNCERTAIN = /did not confirm|may have gone through|its answer is not known yet/;

/** Classifies an answer; throws when it promises nothing recognisable or is the generic failure. */
export function classify(text: string): Told {
  if (GENERIC_ANSWER.test(text)) throw new Error(`the person got the generic failure: ${text}`);
  if (UNCERTAIN.test(text)) return 'uncertain';
  if (NOTHING.test(text)) return 'nothing';
  if (DONE.test(text)) return 'done';
  throw new Error(`the answer says neither done, nothing, nor uncertain: ${text}`);
}

/** The vendor's reason in plain words, as each fault should be described to the person. */
export const FAULT_WORDS: Record<VendorFault, RegExp> = {
  timeout: /no answer within \d+ ms|Opened|did not confirm/,
  'timeout-after-commit': /no answer within \d+ ms|Opened|already had this request|Note added|Cancelled/,
  'http-500': /HTTP 500/,
  'http-503': /HTTP 503/,
  throttle: /rate limiting caseops/,
  'malformed-json': /not JSON|unexpected answer|success answer|Opened|Note added|Cancelled/,
  drop: /network error|Opened|did not confirm|Note added|Cancelled/,
  token: /refused caseops' credentials/,
};

export interface OpenFormOptions {
  /** Text that makes this form's case recognisable at the vendor. */
  tag: string;
  /** Juniper submits an existing Service Now incident under a tracking number of ours. */
  juniper?: { incidentId: string; trackingNumber: string };
}

export function openFormValues(
  vendor: 'equinix' | 'juniper' | 'motadata',
  options: OpenFormOptions,
): Record<string, StateValue> {
  const unique = options.tag;
  switch (vendor) {
    case 'equinix':
      return {
        code: input.text('0100-0200'),
        description: input.text(`Cross connect down (${unique})`),
        primaryId: input.text('CC-SV5-000777'),
        secondaryId: input.text(null),
        occurredAt: input.datetime(null),
        notificationContacts: input.users([ALICE]),
      };
    case 'juniper':
      return {
        incidentId: input.text(options.juniper?.incidentId ?? ''),
        priority: input.select('2 - High'),
        followUpMethod: input.select('Phone Call'),
        synopsis: input.text(`Line card failure (${unique})`),
        comments: input.text(null),
        ccEmails: input.text(null),
        trackingNumber: input.text(options.juniper?.trackingNumber ?? ''),
      };
    case 'motadata':
      return {
        subject: input.text(`Core switch down (${unique})`),
        description: input.text('Both uplinks dark'),
        requesterEmail: input.email('noc@example.com'),
        impact: input.select('ONBUSINESS'),
        priority: input.select('HIGH'),
        urgency: input.select('HIGH'),
        tags: input.text(null),
      };
  }
}
