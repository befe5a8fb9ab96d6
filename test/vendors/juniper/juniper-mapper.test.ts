import { describe, expect, it } from 'vitest';
import {
  juniperCase,
  juniperState,
  submittedCase,
  toSubmitCaseBody,
  withSubmitReceipt,
} from '../../../src/vendors/juniper/mapper.js';
import { JuniperIncidents, SubmitCaseAnswer } from '../../../src/vendors/juniper/schemas.js';

describe('juniperState', () => {
  it.each([
    ['Not Submitted', 'open'],
    ['Submitted', 'waiting-on-vendor'],
    ['Created', 'waiting-on-vendor'],
    ['Updated', 'waiting-on-vendor'],
    ['Create Failed', 'waiting-on-customer'],
    ['Submission Failed', 'waiting-on-customer'],
    ['Closed', 'closed'],
    ['closed', 'closed'],
    ['Something New', 'open'],
  ])('maps %j to %s', (status, state) => {
    expect(juniperState(status)).toBe(state);
  });
});

describe('reading Service Now answers', () => {
  it('reads incidents with or without the @ prefix, one or many, with nulls', () => {
    const many = JuniperIncidents.parse({
      incidents: {
        '@size': '2',
        incident: [
          { '@key': '17', status: 'Created', customerTrackingNumber: 'A-0001', priority: null },
          { key: 18, status: 'Closed', customerTrackingNumber: 'A-0002' },
        ],
      },
    });
    expect(many.map((i) => [i.key, i.priority])).toEqual([
      ['17', undefined],
      ['18', undefined],
    ]);
    const single = JuniperIncidents.parse({ incidents: { incident: { '@key': 19, status: 'Updated' } } });
    expect(single).toHaveLength(1);
    expect(JuniperIncidents.parse({ incidents: { '@size': '0' } })).toEqual([]);
    expect(JuniperIncidents.safeParse({ incidents: { incident: [{ status: 'Created' }] } }).success).toBe(
      false,
    );
  });

  it('reads a servicenowmsg wrapped or not, with exceptions as a list or under "exception"', () => {
    const wrapped = SubmitCaseAnswer.parse({
      servicenowmsg: { status: 'Failure', exceptions: { exception: { severity: 'ERROR', desc: 'bad' } } },
    });
    expect(wrapped.exceptions).toEqual([{ severity: 'ERROR', desc: 'bad', code: undefined }]);
    const bare = SubmitCaseAnswer.parse({ status: 'Success', exceptions: [] });
    expect(bare.status).toBe('Success');
    expect(SubmitCaseAnswer.safeParse(undefined).success).toBe(false);
  });
});

describe('juniperCase', () => {
  it('uses the tracking number as id, keeps the incident key, and the documented fields', () => {
    const [incident] = JuniperIncidents.parse({
      incidents: {
        incident: {
          '@key': '5177345',
          status: 'Updated',
          customerTrackingNumber: 'CASEOPS-0001',
          priority: '1 - Critical',
          hostName: 'mx480-edge-01',
          product: 'MX480',
          deviceGroupName: 'Edge routers',
          organizationName: 'NOC',
          incidentType: 'Event-RMA',
          defectType: 'PSU failure',
          occurred: '2025-03-01T02:14:00Z',
        },
      },
    });
    expect(juniperCase(incident!, 'CASEOPS-0001')).toEqual({
      vendor: 'juniper',
      id: 'CASEOPS-0001',
      alternateIds: ['5177345'],
      title: 'PSU failure on mx480-edge-01',
      status: 'Updated',
      state: 'waiting-on-vendor',
      severity: '1 - Critical',
      severityLevel: 1,
      createdAt: '2025-03-01T02:14:00.000Z',
      notes: [],
      fields: [
        { label: 'Host name', value: 'mx480-edge-01' },
        { label: 'Product', value: 'MX480' },
        { label: 'Device group', value: 'Edge routers' },
        { label: 'Organisation', value: 'NOC' },
        { label: 'Incident type', value: 'Event-RMA' },
        { label: 'Defect type', value: 'PSU failure' },
        { label: 'Occurred', value: '2025-03-01T02:14:00Z' },
      ],
    });
  });
});

describe('toSubmitCaseBody', () => {
  it('Base64-encodes the case password and leaves out what is not configured', () => {
    const request = {
      vendor: 'juniper' as const,
      incidentId: '5',
      priority: '4 - Low' as const,
      followUpMethod: 'Phone Call' as const,
      synopsis: 'x',
      ccEmails: [],
      trackingNumber: 'T-0001',
    };
    expect(toSubmitCaseBody(request, {}).incident).toEqual({
      priority: '4 - Low',
      followUpMethod: 'Phone Call',
      synopsisComments: 'x',
      customerTrackingNumber: 'T-0001',
    });
    const proxied = toSubmitCaseBody(request, {
      siteId: '0100',
      caseCredentials: { username: 'jss', password: 'pässword' },
    }).incident;
    expect(proxied).toMatchObject({
      siteId: '0100',
      caseCreationUserName: 'jss',
      caseCreationPassword: 'cMOkc3N3b3Jk',
    });
  });
});

describe('the submitCase answer', () => {
  it.each([
    ['{key:[…]}', { key: [5177345, '2025-0301-0042'] }],
    ['a plain array', [5177345, '2025-0301-0042']],
    ['keyed objects', { key: [{ '@key': 5177345 }, { key: '2025-0301-0042' }] }],
  ])('reads the case ids in keys given as %s', (_shape, keys) => {
    const answer = SubmitCaseAnswer.parse({ servicenowmsg: { status: 'Success', desc: 'Submitted.', keys } });
    expect(answer.keys).toEqual(['5177345', '2025-0301-0042']);
  });

  it('reads one id, or none, and skips what cannot be an id, without failing', () => {
    expect(SubmitCaseAnswer.parse({ status: 'Success', keys: { key: 7 } }).keys).toEqual(['7']);
    expect(SubmitCaseAnswer.parse({ status: 'Success', keys: [' ', '1 2', { x: 1 }, 8] }).keys).toEqual([
      '8',
    ]);
    expect(SubmitCaseAnswer.parse({ status: 'Success' }).keys).toEqual([]);
  });

  it('makes the JTAC case ids ids people can look the case up by, and shows the job', () => {
    const base = submittedCase({
      vendor: 'juniper',
      incidentId: '5177345',
      priority: '1 - Critical',
      followUpMethod: 'Phone Call',
      synopsis: 'PSU failure',
      ccEmails: [],
      trackingNumber: 'CASEOPS-0001',
    });
    const c = withSubmitReceipt(base, { status: 'Success', desc: 'Submitted.', caseIds: ['2025-0301-0042'] });
    expect(c.alternateIds).toEqual(['5177345', '2025-0301-0042']);
    expect(c.severityLevel).toBe(1);
    expect(c.details).toEqual([
      { group: 'JTAC', label: 'JTAC case id', value: '2025-0301-0042' },
      { group: 'JTAC', label: 'Submit job', value: 'Success: Submitted.' },
    ]);
  });
});

describe('the submitCase body', () => {
  it('carries the address group as the document shapes it', () => {
    const body = toSubmitCaseBody(
      {
        vendor: 'juniper',
        incidentId: '5177345',
        priority: '2 - High',
        followUpMethod: 'Phone Call',
        synopsis: 'x',
        ccEmails: [],
        trackingNumber: 'CASEOPS-0001',
      },
      { addressGroup: '/addressGroups/1' },
    );
    expect(body.incident.addressGroup).toEqual({ href: '/addressGroups/1' });
  });
});
