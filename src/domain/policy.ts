/**
 * Who may do what, per vendor and per action. Slack cannot restrict who runs a slash command, so every action
 * goes through `AccessPolicy.evaluate` before it reaches a vendor. Evaluation is pure: the caller supplies the
 * user's Slack user-group ids (see policy-gate.ts, which resolves them only when a rule needs them).
 *
 * Semantics, in one place:
 * - The rules for an action at a vendor are `vendors.<vendor>.<action>` when the policy lists it, otherwise
 *   `defaults.<action>`, otherwise the built-in default (everyone). A vendor section replaces, never merges.
 *   `watch` and `audit` show the case, so when neither place lists them they follow `lookup`'s rules.
 * - An action is allowed when any one rule matches. A rule matches when the user is named in `users`, or belongs
 *   to one of `groups`, or the rule is for anyone; and, when it lists `channels`, the action happens in one of them.
 * - An empty rule list means nobody may.
 * - For `open`, a rule's `maxSeverity` is the most severe case (1 = most severe, 4 = least) it lets a person open:
 *   a cap of 2 allows severities 2, 3 and 4, so severity 1 needs another rule. A request that carries no
 *   severity (Equinix has none, Motadata's is optional) is not limited by caps.
 */
import {
  POLICY_ACTIONS,
  type PolicyAction,
  VENDOR_POLICY_ACTIONS,
  type VendorPolicyAction,
} from './actions.js';
import type { VendorId } from './case.js';

export { POLICY_ACTIONS, type PolicyAction, VENDOR_POLICY_ACTIONS, type VendorPolicyAction };

/** 1 is the most severe, as each vendor plugin reads its own request's priority. */
export type Severity = 1 | 2 | 3 | 4;

export interface PolicyRule {
  /** The rule's `name` in the file, or where it sits (`vendors.juniper.open[1]`). Cited in denials. */
  name: string;
  /** Where the rule was written (`policy.yaml line 14`); absent for the built-in default. */
  source?: string;
  users: readonly string[];
  groups: readonly string[];
  channels: readonly string[];
  /** True when the rule names no users and no groups: anyone (still limited by `channels`). */
  anyone: boolean;
  /** Only on `open` rules. */
  maxSeverity?: Severity;
}

export interface RuleList {
  /** Where the list lives: `vendors.juniper.open`, `defaults.cancel`, or `built-in default`. */
  path: string;
  source?: string;
  rules: readonly PolicyRule[];
}

export interface PolicyDefinition {
  /** The policy file's path, or `built-in default`. */
  origin: string;
  defaults: Partial<Record<PolicyAction, RuleList>>;
  vendors: Partial<Record<VendorId, Partial<Record<VendorPolicyAction, RuleList>>>>;
}

export interface PolicyContext {
  /** Absent only for `digest`, which is per channel. */
  vendor?: VendorId;
  userId: string;
  /** The Slack user groups (`S…`) the user belongs to; only those the rules mention matter. */
  userGroupIds: readonly string[];
  /** Absent when the action has no channel (App Home). Rules that list channels then do not match. */
  channelId?: string;
  /** For `open`: the request's severity on the 1..4 scale (as its vendor's plugin reads it). */
  severity?: Severity;
}

/** A rule or rule list as a denial cites it: its name and where it is written. */
export interface RuleCitation {
  name: string;
  source?: string;
}

/** Why the policy said no, for the surface to word. */
export type PolicyDenial =
  | {
      kind: 'not-allowed';
      action: PolicyAction;
      vendor?: VendorId;
      /** The rule list that decided. */
      rules: RuleCitation;
      /** The rules that would let someone do it; empty when nobody may. */
      whoMay: readonly PolicyRule[];
    }
  | {
      /** The person may open cases at this vendor, but not this severe a one. */
      kind: 'severity-cap';
      action: 'open';
      vendor?: VendorId;
      asked: Severity;
      /** The most severe case the least restrictive matching rule allows. */
      cap: Severity;
      capRule: RuleCitation;
      /** The rules that allow a case this severe; empty when nobody may. */
      whoMay: readonly PolicyRule[];
    }
  | {
      /** Asked about an action the policy has no rules for (refused rather than let through unchecked). */
      kind: 'unknown-action';
      action: string;
      vendor?: VendorId;
      whoMay: readonly PolicyRule[];
    };

export type PolicyDecision =
  | { allowed: true; rule: string }
  | {
      allowed: false;
      /** The rule (or rule list) that stopped the action, with where it is written. */
      rule: string;
      denial: PolicyDenial;
    };

const BUILT_IN_PATH = 'built-in default';

const EVERYONE: PolicyRule = {
  name: 'everyone',
  users: [],
  groups: [],
  channels: [],
  anyone: true,
};

/**
 * The documented default when no policy file is configured: every member may look up, watch, open, annotate
 * and cancel cases, see the audit trail and change digest settings. Cancelling still asks for confirmation
 * and every vendor write is audited; a policy file is how a workspace narrows this.
 */
export const DEFAULT_POLICY: PolicyDefinition = {
  origin: BUILT_IN_PATH,
  defaults: Object.fromEntries(
    POLICY_ACTIONS.map((action) => [action, { path: BUILT_IN_PATH, rules: [EVERYONE] }]),
  ),
  vendors: {},
};

/**
 * How a severity reads at a vendor: with its own words, most severe first ("1 - Critical" … "4 - Low"), it is
 * "priority 1 - Critical"; without, "severity 1".
 */
export function severityLabel(severity: Severity, words?: readonly string[]): string {
  const word = words?.[severity - 1];
  return word ? `priority ${word}` : `severity ${severity}`;
}

function ruleMatches(rule: PolicyRule, context: PolicyContext): boolean {
  const who =
    rule.anyone ||
    rule.users.includes(context.userId) ||
    rule.groups.some((group) => context.userGroupIds.includes(group));
  const where =
    rule.channels.length === 0 ||
    (context.channelId !== undefined && rule.channels.includes(context.channelId));
  return who && where;
}

/** True when the rule's cap (if any) lets a person open a case of this severity. */
function capAllows(rule: PolicyRule, severity: Severity | undefined): boolean {
  return severity === undefined || rule.maxSeverity === undefined || severity >= rule.maxSeverity;
}

function located(name: string, source?: string): string {
  return source ? `${name} (${source})` : name;
}

export class AccessPolicy {
  constructor(readonly definition: PolicyDefinition = DEFAULT_POLICY) {}

  /** The policy in force when no file is configured. */
  static builtInDefault(): AccessPolicy {
    return new AccessPolicy(DEFAULT_POLICY);
  }

  get origin(): string {
    return this.definition.origin;
  }

  /**
   * The rule list that decides `action` at `vendor`. `watch` and `audit` show the case, so a policy that says
   * nothing of them decides them by the `lookup` rules (at that vendor, then the defaults) instead of letting
   * everyone see what lookup restricts.
   */
  rulesFor(action: PolicyAction, vendor?: VendorId): RuleList {
    const listed = this.listedRules(action, vendor);
    if (listed) return listed;
    if (action === 'watch' || action === 'audit') {
      const lookup = this.listedRules('lookup', vendor);
      if (lookup) return lookup;
    }
    return DEFAULT_POLICY.defaults[action]!;
  }

  /** The rule list the policy itself writes for `action` at `vendor`, if any. */
  private listedRules(action: PolicyAction, vendor?: VendorId): RuleList | undefined {
    const fromVendor =
      vendor !== undefined && action !== 'digest' ? this.definition.vendors[vendor]?.[action] : undefined;
    return fromVendor ?? this.definition.defaults[action];
  }

  /** True when a rule for `action` at `vendor` names `userId` in its `users` (not merely "anyone"). */
  namesUser(action: PolicyAction, vendor: VendorId | undefined, userId: string): boolean {
    return this.rulesFor(action, vendor).rules.some((rule) => rule.users.includes(userId));
  }

  /** The user groups the rules for this action mention; the gate resolves membership of these only. */
  groupsMentioned(action: PolicyAction, vendor?: VendorId): string[] {
    return [...new Set(this.rulesFor(action, vendor).rules.flatMap((rule) => rule.groups))];
  }

  evaluate(action: PolicyAction, context: PolicyContext): PolicyDecision {
    const list = this.rulesFor(action, context.vendor);
    const severity = action === 'open' ? context.severity : undefined;
    const matching = list.rules.filter((rule) => ruleMatches(rule, context));
    const allowedBy = matching.find((rule) => capAllows(rule, severity));
    if (allowedBy) return { allowed: true, rule: located(allowedBy.name, allowedBy.source) };

    if (matching.length > 0 && severity !== undefined) {
      // Every matching rule has a cap here; the least restrictive one is what stopped them.
      const closest = matching.reduce((best, rule) =>
        (rule.maxSeverity ?? 1) < (best.maxSeverity ?? 1) ? rule : best,
      );
      return {
        allowed: false,
        rule: located(closest.name, closest.source),
        denial: {
          kind: 'severity-cap',
          action: 'open',
          vendor: context.vendor,
          asked: severity,
          cap: closest.maxSeverity!,
          capRule: { name: closest.name, source: closest.source },
          whoMay: list.rules.filter((r) => capAllows(r, severity)),
        },
      };
    }
    return {
      allowed: false,
      rule: located(list.path, list.source),
      denial: {
        kind: 'not-allowed',
        action,
        vendor: context.vendor,
        rules: { name: list.path, source: list.source },
        whoMay: list.rules,
      },
    };
  }
}
