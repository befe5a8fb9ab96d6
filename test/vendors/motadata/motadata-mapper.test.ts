import { describe, expect, it } from 'vitest';
import { CaseConflictError, CaseNotFoundError, VendorRejectedError } from '../../../src/domain/errors.js';
import type { FailedAnswer } from '../../../src/vendors/http/wire.js';
import { inspectMotadataSuccess, mapMotadataError } from '../../../src/vendors/motadata/adapter.js';
import { motadataCase, motadataState, withCloseReason } from '../../../src/vendors/motadata/mapper.js';
import { MotadataIncident } from '../../../src/vendors/motadata/schemas.js';

describe('motadataState', () => {
  it.each([
    ['Open', 'open'],
    ['In Progress', 'waiting-on-vendor'],
    ['Pending On Technician', 'waiting-on-vendor'],
    ['Pending On Requestor', 'waiting-on-customer'],
    ['Resolved', 'resolved'],
    ['Closed', 'closed'],
    ['closed', 'closed'],
    ['Awaiting Spare', 'open'],
  ])('maps %j to %s', (status, state) => {
    expect(motadataState(status)).toBe(state);
  });
});

describe('motadataCase', () => {
  it('reads Flotomate names, hides the idempotency tag, and disallows closing a closed incident', () => {
    const incident = MotadataIncident.parse({
      id: 1042,
      name: 'INC-1042',
      subject: 'Link down',
      status: 'Closed',
      priority: 'URGENT',
      impact: 'ONBUSINESS',
      urgency: 'HIGH',
      requesterEmail: 'noc@example.net',
      requesterName: 'NOC',
      categoryName: 'Incident',
      tags: ['wan', 'caseops:co-abc'],
      createdTime: 1_700_000_000_000,
      assigneeEmail: 'tech@example.net',
    });
    expect(motadataCase(incident)).toEqual({
      vendor: 'motadata',
      id: '1042',
      alternateIds: ['INC-1042'],
      title: 'Link down',
      status: 'Closed',
      state: 'closed',
      // In the words the open form uses, ranked so a card can make it stand out.
      severity: 'Urgent',
      severityLevel: 1,
      owner: 'tech@example.net',
      createdAt: '2023-11-14T22:13:20.000Z',
      updatedAt: undefined,
      notes: [],
      fields: [
        { label: 'Impact', value: 'On the business' },
        { label: 'Urgency', value: 'High' },
        { label: 'Requester', value: 'NOC (noc@example.net)' },
        { label: 'Category', value: 'Incident' },
        { label: 'Tags', value: 'wan' },
      ],
      allows: { cancel: false },
    });
  });

  it('also reads the current ServiceOps names (statusName, priorityName, …) and string ids', () => {
    const incident = MotadataIncident.parse({
      id: '7',
      subject: 'x',
      statusName: 'In Progress',
      priorityName: 'Low',
      tags: null,
    });
    expect(motadataCase(incident)).toMatchObject({
      id: '7',
      status: 'In Progress',
      severity: 'Low',
      fields: [],
    });
    expect(MotadataIncident.safeParse({ id: 7, subject: 'x' }).success).toBe(false);
  });

  it('appends the close reason below the description', () => {
    expect(withCloseReason('Line 1', 'dup')).toBe('Line 1\n\nClosed from Slack by caseops: dup');
    expect(withCloseReason(undefined, 'dup')).toBe('Closed from Slack by caseops: dup');
  });
});

function answer(overrides: Partial<FailedAnswer>): FailedAnswer {
  return { status: 200, headers: {}, text: '', json: undefined, operation: 'open', ...overrides };
}

describe('reading ServiceOps envelopes', () => {
  const envelope = (userMessage: string) => ({ returnCode: 'FAIL', status: 1, userMessage, id: null });

  it('passes SUCCESS and answers without a returnCode', () => {
    expect(inspectMotadataSuccess(answer({ json: { returnCode: 'SUCCESS', id: 3 } }))).toBeUndefined();
    expect(inspectMotadataSuccess(answer({ json: { id: 3, subject: 'x' } }))).toBeUndefined();
  });

  it('turns any other returnCode into the right error, whatever the HTTP status', () => {
    const refused = inspectMotadataSuccess(answer({ json: envelope('Subject is required.') }));
    expect(refused).toBeInstanceOf(VendorRejectedError);
    expect((refused as VendorRejectedError).reason).toBe('Subject is required.');
    expect((refused as VendorRejectedError).vendorCode).toBe('FAIL');

    const closed = inspectMotadataSuccess(
      answer({ operation: 'cancel', caseId: '5', json: envelope('Incident is already closed.') }),
    );
    expect(closed).toBeInstanceOf(CaseConflictError);

    const missing = inspectMotadataSuccess(
      answer({ operation: 'lookup', caseId: '5', json: envelope('Incident with id 5 not found.') }),
    );
    expect(missing).toBeInstanceOf(CaseNotFoundError);

    const rejected400 = mapMotadataError(answer({ status: 400, json: envelope('Invalid status.') }));
    expect((rejected400 as VendorRejectedError).reason).toBe('Invalid status.');
  });
});
