/**
 * What a person can ask caseops to do, in one vocabulary: the use cases authorize these, the policy file
 * names a subset of them, and a vendor's API allows a subset of them.
 */

export const ACTIONS = [
  'lookup',
  'list',
  'watch',
  'unwatch',
  'open',
  'annotate',
  'cancel',
  'audit',
  'digest',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What a vendor's API may or may not allow (each adapter declares its set). */
export const CAPABILITIES = [
  'open',
  'lookup',
  'annotate',
  'cancel',
  'list',
] as const satisfies readonly Action[];
export type Capability = (typeof CAPABILITIES)[number];

/**
 * The actions a policy file has rules for. Listing cases reads them as a lookup does, and unwatching is
 * governed by who may watch, so neither has rules of its own (see policyActionOf).
 */
export const POLICY_ACTIONS = [
  'lookup',
  'watch',
  'open',
  'annotate',
  'cancel',
  'audit',
  'digest',
] as const satisfies readonly Action[];
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Digest settings belong to a channel, not to a vendor, so `digest` is only ever a default. */
export const VENDOR_POLICY_ACTIONS = [
  'lookup',
  'watch',
  'open',
  'annotate',
  'cancel',
  'audit',
] as const satisfies readonly PolicyAction[];
export type VendorPolicyAction = (typeof VENDOR_POLICY_ACTIONS)[number];

/** The policy rules that decide `action`. */
export function policyActionOf(action: Action): PolicyAction {
  if (action === 'list') return 'lookup';
  if (action === 'unwatch') return 'watch';
  return action;
}

/** Who is acting, and where. */
export interface Actor {
  /** Slack user id of the person acting. */
  userId: string;
  /** Where they acted (a channel, a DM), when known. */
  channelId?: string;
  teamId?: string;
}
