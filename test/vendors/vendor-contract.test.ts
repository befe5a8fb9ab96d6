/**
 * The vendor adapter contract (contract.ts), run against each of the four adapters and its simulator. Each
 * fixture states what the vendor's own document says: which operations its API allows, how many ids one bulk
 * call takes, how it throttles, and what the adapter does when a write's answer is lost.
 */
import { describe } from 'vitest';
import { ciscoFromEnv } from '../../src/vendors/cisco/index.js';
import { CiscoSimulator } from '../../src/vendors/cisco/simulator.js';
import { equinixFromEnv } from '../../src/vendors/equinix/index.js';
import { EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { juniperFromEnv } from '../../src/vendors/juniper/index.js';
import { JuniperSimulator } from '../../src/vendors/juniper/simulator.js';
import { motadataFromEnv } from '../../src/vendors/motadata/index.js';
import { MotadataSimulator } from '../../src/vendors/motadata/simulator.js';
import { describeVendorContract } from './contract.js';

const THROTTLE = { retryAfterSeconds: 120 };

describe('Equinix Case Management API 2.0.0', () => {
  describeVendorContract<EquinixSimulator>({
    vendor: 'equinix',
    createSimulator: () => new EquinixSimulator(),
    createAdapter: equinixFromEnv,
    apiPath: '/support/v2/',
    secretVariable: 'EQUINIX_CLIENT_SECRET',
    expireTokens: (sim) => sim.expireTokens(),
    capabilities: ['open', 'lookup', 'annotate', 'cancel'],
    seedCase: (sim) => sim.seed(),
    unknownId: '99999999',
    malformedId: 'SR-11150929',
    // The API has no bulk get: one lookup per id.
    refresh: { idsPerCall: 1, target: { method: 'GET', pathIncludes: '/support/v2/tickets/' } },
    throttle: THROTTLE,
    open: {
      request: () => ({
        vendor: 'equinix',
        code: '0100-0200',
        description: 'Cross connect CC-SV5-000123 is down; no light on the customer side.',
        primaryId: 'CC-SV5-000123',
        notificationContacts: [],
      }),
      openedCount: (sim) => sim.cases().length,
      target: { method: 'POST', pathIncludes: '/support/v2/tickets' },
      // Equinix offers no way to find a case by its customerReferenceId, so a lost create cannot be checked.
      afterLostAnswer: 'outcome-unknown',
    },
    annotate: {
      noteCount: (sim, id) => sim.find(id)?.notes.length ?? 0,
      target: { method: 'POST', pathIncludes: '/notes' },
      // Notes carry no idempotency field and a case's notes are not read back: the caller's ledger decides.
      afterLostAnswer: 'uncertain',
    },
    cancel: {
      isCancelled: (sim, id) => sim.find(id)?.status === 'CANCELLED',
      target: { method: 'POST', pathIncludes: '/cancel' },
      afterLostAnswer: 'recovers',
    },
  });
});

describe('Cisco Support Case API v3', () => {
  describeVendorContract<CiscoSimulator>({
    vendor: 'cisco',
    // Sibling Cisco APIs throttle with 429 and Retry-After (the vendor notes); the 403 texts are Cisco's own tests.
    createSimulator: () => new CiscoSimulator({ throttleAs: 'http-429' }),
    createAdapter: ciscoFromEnv,
    apiPath: '/case/v3/',
    secretVariable: 'CISCO_CLIENT_SECRET',
    expireTokens: (sim) => sim.expireTokens(),
    // Read-only: look up and list.
    capabilities: ['lookup', 'list'],
    seedCase: (sim) => sim.seed(),
    unknownId: '600000001',
    malformedId: 'SR-682299374',
    // "GET Case Summary": up to 30 comma-separated ids per call, answering the cases it found.
    refresh: {
      idsPerCall: 30,
      target: { method: 'GET', pathIncludes: '/case/v3/cases/case_ids/' },
      idsIn: (request) => decodeURIComponent(request.path.split('/').pop() ?? '').split(','),
    },
    throttle: THROTTLE,
  });
});

let trackingNumbers = 0;

describe('Junos Space Service Now', () => {
  describeVendorContract<JuniperSimulator>({
    vendor: 'juniper',
    createSimulator: () => new JuniperSimulator(),
    createAdapter: juniperFromEnv,
    apiPath: '/api/juniper/servicenow/',
    secretVariable: 'JUNIPER_PASSWORD',
    capabilities: ['open', 'lookup'],
    seedCase: (sim) => {
      const trackingNumber = `CT-CONTRACT-${++trackingNumbers}`;
      sim.seed({ status: 'Created', customerTrackingNumber: trackingNumber, priority: '3 - Medium' });
      return trackingNumber;
    },
    unknownId: 'CT-NOBODY-HAS-THIS',
    malformedId: "x' or 'a' eq 'a",
    // The incidents filter takes one tracking number: one lookup per id.
    refresh: { idsPerCall: 1, target: { method: 'GET', pathIncludes: '/incident-management/incidents' } },
    throttle: THROTTLE,
    open: {
      request: (sim, key) => ({
        vendor: 'juniper',
        incidentId: sim.seed(),
        priority: '3 - Medium',
        followUpMethod: 'Email Full Text Update',
        synopsis: 'FPC offline on ex4300-core-02',
        ccEmails: [],
        // The tracking number is Service Now's idempotency key: a repeated one is refused.
        trackingNumber: key,
      }),
      openedCount: (sim) => sim.cases().filter((c) => c.status !== 'Not Submitted').length,
      target: { method: 'POST', pathIncludes: '/submitCase' },
      // The case is found again by its tracking number.
      afterLostAnswer: 'recovers',
    },
  });
});

describe('Motadata ServiceOps (Flotomate incident API)', () => {
  describeVendorContract<MotadataSimulator>({
    vendor: 'motadata',
    // The OAuth2 password grant, so the token path is part of the contract; the API key has its own tests.
    createSimulator: () => new MotadataSimulator({ auth: 'oauth' }),
    createAdapter: motadataFromEnv,
    apiPath: '/api/v1/incident',
    secretVariable: 'MOTADATA_PASSWORD',
    expireTokens: (sim) => sim.expireTokens(),
    // No note endpoint in this API generation; closing with a reason is the nearest to cancel.
    capabilities: ['open', 'lookup', 'cancel'],
    seedCase: (sim) => sim.seed(),
    unknownId: '999999',
    malformedId: 'INC-1042',
    refresh: { idsPerCall: 1, target: { method: 'GET', pathIncludes: '/api/v1/incident/' } },
    throttle: THROTTLE,
    open: {
      request: () => ({
        vendor: 'motadata',
        subject: 'Core switch stack rebooting',
        requesterEmail: 'noc@example.net',
        tags: [],
      }),
      openedCount: (sim) => sim.cases().length,
      // The search for the tag is a POST under the same path: count the create alone.
      target: { method: 'POST', pathIncludes: '/api/v1/incident', path: /^\/api\/v1\/incident$/ },
      // The incident is found again by its caseops:<key> tag, before a create and after a lost answer.
      afterLostAnswer: 'recovers',
    },
    cancel: {
      isCancelled: (sim, id) => sim.incident(id)?.status === 'Closed',
      target: { method: 'POST', pathIncludes: '/api/v1/incident/', path: /^\/api\/v1\/incident\/\d+$/ },
      afterLostAnswer: 'recovers',
    },
  });
});
