import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/config/policy-file.js';
import type { OpenRequest } from '../../../src/domain/open-request.js';
import { denialText } from '../../../src/slack/words.js';
import { vendorProfile } from '../../../src/vendors/registry.js';

/** Everyone may open Motadata incidents up to HIGH; only the on-call group above that. */
const policy = parsePolicy(
  [
    'version: 1',
    'vendors:',
    '  motadata:',
    '    open:',
    '      - name: on-call',
    '        groups: [S0ONCALL]',
    '      - name: everyone up to HIGH',
    '        anyone: true',
    '        maxSeverity: 2',
  ].join('\n'),
  'policy.yaml',
);

function request(levels: { priority?: string; urgency?: string; impact?: string }): OpenRequest {
  return {
    vendor: 'motadata',
    subject: 'core switch down',
    requesterEmail: 'noc@example.com',
    tags: [],
    ...levels,
  } as OpenRequest;
}

function decide(levels: { priority?: string; urgency?: string; impact?: string }) {
  const severity = vendorProfile('motadata').openSeverity(request(levels));
  return policy.evaluate('open', {
    vendor: 'motadata',
    userId: 'U0BOB',
    userGroupIds: [],
    channelId: 'C0NOC',
    severity,
  });
}

describe('Motadata open severity under a cap', () => {
  it('caps an URGENT urgency sent without a priority', () => {
    const decision = decide({ urgency: 'URGENT', impact: 'ONBUSINESS' });
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(denialText(decision.denial)).toContain('up to priority HIGH, not priority URGENT');
    }
  });

  it('takes the more severe of priority and urgency', () => {
    expect(decide({ priority: 'LOW', urgency: 'URGENT' }).allowed).toBe(false);
    expect(decide({ priority: 'URGENT', urgency: 'LOW' }).allowed).toBe(false);
    expect(decide({ priority: 'MEDIUM', urgency: 'HIGH' }).allowed).toBe(true);
  });

  it('lets a request with neither priority nor urgency through the cap', () => {
    expect(decide({}).allowed).toBe(true);
  });

  it('lets the uncapped group open an URGENT urgency', () => {
    const severity = vendorProfile('motadata').openSeverity(request({ urgency: 'URGENT' }));
    const decision = policy.evaluate('open', {
      vendor: 'motadata',
      userId: 'U0ALICE',
      userGroupIds: ['S0ONCALL'],
      channelId: 'C0NOC',
      severity,
    });
    expect(decision.allowed).toBe(true);
  });
});
