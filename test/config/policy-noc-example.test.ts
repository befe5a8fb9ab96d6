/** The locked-down NOC policy in examples/ loads, and means what its comments and the README say. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../src/config/policy-file.js';
import { POLICY_ACTIONS, type PolicyContext } from '../../src/domain/policy.js';

const policy = loadPolicyFile(
  fileURLToPath(new URL('../../examples/policy-noc-locked-down.yaml', import.meta.url)),
);

const NOC = 'C0NOC00001';
const engineer = { userId: 'U0ENGINEER', userGroupIds: ['S0NOCENGRS'] };
const onCall = { userId: 'U0ONCALL', userGroupIds: ['S0NOCONCALL'] };
const lead = { userId: 'U0NOCLEAD1', userGroupIds: [] };
const stranger = { userId: 'U0STRANGER', userGroupIds: [] };

function allowed(action: (typeof POLICY_ACTIONS)[number], context: Partial<PolicyContext>) {
  return policy.evaluate(action, {
    userId: 'U0NOBODY',
    userGroupIds: [],
    vendor: action === 'digest' ? undefined : 'cisco',
    channelId: NOC,
    ...context,
  }).allowed;
}

describe('examples/policy-noc-locked-down.yaml', () => {
  it('lets someone outside the NOC do nothing at all, even in the NOC channel', () => {
    expect(POLICY_ACTIONS.filter((action) => allowed(action, stranger))).toEqual([]);
  });

  it('keeps engineers to the NOC channels', () => {
    expect(allowed('lookup', { ...engineer })).toBe(true);
    expect(allowed('lookup', { ...engineer, channelId: 'G0NOCWAR01' })).toBe(true);
    expect(allowed('lookup', { ...engineer, channelId: 'C0RANDOM' })).toBe(false);
    expect(allowed('lookup', { ...engineer, channelId: undefined })).toBe(false);
  });

  it('caps engineers at severity 3 and leaves severity 1 to on-call', () => {
    expect(allowed('open', { ...engineer, severity: 3 })).toBe(true);
    expect(allowed('open', { ...engineer, severity: 2 })).toBe(false);
    expect(allowed('open', { ...onCall, severity: 1 })).toBe(true);
    expect(allowed('open', { ...engineer, vendor: 'juniper', severity: 2 })).toBe(true);
    expect(allowed('open', { ...engineer, vendor: 'juniper', severity: 1 })).toBe(false);
  });

  it('leaves cancel, audit and digest settings to the leads, and Equinix cancels to nobody', () => {
    expect(allowed('cancel', { ...engineer })).toBe(false);
    expect(allowed('cancel', { ...lead })).toBe(true);
    expect(allowed('cancel', { ...lead, channelId: 'G0NOCWAR01' })).toBe(false);
    expect(allowed('cancel', { ...lead, vendor: 'equinix' })).toBe(false);
    expect(allowed('audit', { ...lead, channelId: undefined })).toBe(true);
    expect(allowed('digest', { ...lead })).toBe(true);
    expect(allowed('digest', { ...onCall })).toBe(false);
  });
});
