/**
 * Who may do what, per vendor and per action. Slack cannot restrict who runs a slash command, so every action
 * goes through `AccessPolicy.evaluate` before it reaches a vendor. Evaluation is pure: the caller supplies the
 * user's Slack user-group ids (see policy-gate.ts, which resolves them only when a rule needs them).
 *
 * Semantics, in one place:
 * - The rules for an action at a vendor are `vendors.<vendor>.<action>` when the policy lists it, otherwise
 *   `defaults.<action>`, otherwise the built-in default (everyone). A vendor section replaces, never merges.
 * - An action is allowed when any one rule matches. A rule matches when the user is named in `users`, or belongs
 *   to one of `groups`, or the rule is for anyone; and, when it lists `channels`, the action happens in one of them.
 * - An empty rule list means nobody may.
 * - For `open`, a rule's `maxSeverity` is the most severe case (1 = most severe, 4 = least) it lets a person open:
 *   a cap of 2 allows severities 2, 3 and 4, so severity 1 needs another rule. A request that carries no
 *   severity (Equinix has none, Motadata's is optional) is not limited by caps.
 */
import type { VendorId } from './case.js';

export const POLICY_ACTIONS = ['lookup', 'watch', 'open', 'annotate', 'cancel', 'audit', 'digest'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Digest settings belong to a channel, not to a vendor, so `digest` is only ever a default. */
export const VENDOR_POLICY_ACTIONS = ['lookup', 'watch', 'open', 'annotate', 'cancel', 'audit'] as const;
export type VendorPolicyAction = (typeof VENDOR_POLICY_ACTIONS)[number];

/** 1 is the most severe, as each vendor plugin reads its own request's priority. */
export type Severity = 1 | 2 | 3 | 4;

export interface PolicyRule {
  /** The rule's `name` in the file, or where it sits (`vendors.juniper.open[1]`). Shown in denials. */
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

/** How denials name a vendor and its severities; the vendor plugins supply it (the domain knows none). */
export interface VendorVocabulary {
  name(vendor: VendorId): string;
  /** "priority 1 - Critical"; "severity 1" where the vendor has no words of its own. */
  severityLabel(vendor: VendorId, severity: Severity): string;
}

/** Names vendors by their ids: what a policy says when nobody told it the vendors' names. */
export const PLAIN_VOCABULARY: VendorVocabulary = {
  name: (vendor) => vendor,
  severityLabel: (_vendor, severity) => severityLabel(severity),
};

export interface PolicyDefinition {
  /** The policy file's path, or `built-in default`. */
  origin: string;
  vocabulary?: VendorVocabulary;
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

export type PolicyDecision =
  | { allowed: true; rule: string }
  | {
      allowed: false;
      /** The rule (or rule list) that stopped the action, with where it is written. */
      rule: string;
      /** For the person, in Slack mrkdwn (mentions render as names). */
      message: string;
      /** The same in plain text, for surfaces that do not render mrkdwn (modal field errors). */
      plainMessage: string;
      /** Who may do it instead, one entry per rule, in Slack mrkdwn; empty when nobody may. */
      whoMay: string[];
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

const ACTION_PHRASES: Record<PolicyAction, string> = {
  lookup: 'look up',
  watch: 'watch',
  open: 'open',
  annotate: 'add notes to',
  cancel: 'cancel',
  audit: 'see the audit trail of',
  digest: 'change digest settings',
};

/**
 * How a severity reads at a vendor: with its own words, most severe first ("1 - Critical" … "4 - Low"), it is
 * "priority 1 - Critical"; without, "severity 1".
 */
export function severityLabel(severity: Severity, words?: readonly string[]): string {
  const word = words?.[severity - 1];
  return word ? `priority ${word}` : `severity ${severity}`;
}

type Style = 'mrkdwn' | 'plain';

/** "members of <!subteam^S1>, <@U1> in <#C1> (up to severity 2)". */
export function describeRule(
  rule: PolicyRule,
  label: (severity: Severity) => string = severityLabel,
  style: Style = 'mrkdwn',
): string {
  const user = (id: string) => (style === 'mrkdwn' ? `<@${id}>` : `user ${id}`);
  const group = (id: string) =>
    style === 'mrkdwn' ? `members of <!subteam^${id}>` : `members of group ${id}`;
  const channel = (id: string) => (style === 'mrkdwn' ? `<#${id}>` : `channel ${id}`);
  const who = rule.anyone ? 'anyone' : [...rule.users.map(user), ...rule.groups.map(group)].join(', ');
  const where = rule.channels.length > 0 ? ` in ${rule.channels.map(channel).join(' or ')}` : '';
  const cap =
    rule.maxSeverity !== undefined && rule.maxSeverity > 1 ? ` (up to ${label(rule.maxSeverity)})` : '';
  return `${who}${where}${cap}`;
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

/** How a denial cites a rule: `rule "on-call" (policy.yaml line 14)`. */
function cite(name: string, source: string | undefined, style: Style): string {
  // Rule names are free text from the file: in mrkdwn, `<`, `>` and `&` would start links and mentions.
  const safe = (text: string) =>
    style === 'mrkdwn' ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
  return source ? `rule "${safe(name)}" (${safe(source)})` : `rule "${safe(name)}"`;
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

  private get vocabulary(): VendorVocabulary {
    return this.definition.vocabulary ?? PLAIN_VOCABULARY;
  }

  private labelsAt(vendor: VendorId | undefined): (severity: Severity) => string {
    return (severity) =>
      vendor === undefined ? severityLabel(severity) : this.vocabulary.severityLabel(vendor, severity);
  }

  /** The rule list that decides `action` at `vendor`. */
  rulesFor(action: PolicyAction, vendor?: VendorId): RuleList {
    const fromVendor =
      vendor !== undefined && action !== 'digest' ? this.definition.vendors[vendor]?.[action] : undefined;
    return fromVendor ?? this.definition.defaults[action] ?? DEFAULT_POLICY.defaults[action]!;
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

    const vendorName = context.vendor ? this.vocabulary.name(context.vendor) : undefined;
    const what =
      action === 'digest'
        ? ACTION_PHRASES.digest
        : `${ACTION_PHRASES[action]} ${vendorName ?? ''} cases`.trim();

    if (matching.length > 0 && severity !== undefined) {
      return this.severityDenial(list, matching, severity, context.vendor, vendorName);
    }

    const rule = located(list.path, list.source);
    const whoMay = list.rules.map((r) => describeRule(r, this.labelsAt(context.vendor)));
    const build = (style: Style) => {
      const cited = cite(list.path, list.source, style);
      const who = list.rules.map((r) => describeRule(r, this.labelsAt(context.vendor), style));
      return who.length === 0
        ? `Nobody may ${what} through caseops: ${cited} allows nobody.`
        : `You may not ${what}: ${cited} allows only ${who.join('; ')}.`;
    };
    return { allowed: false, rule, message: build('mrkdwn'), plainMessage: build('plain'), whoMay };
  }

  /** The user may open cases at this vendor, but not this severe a one. */
  private severityDenial(
    list: RuleList,
    matching: readonly PolicyRule[],
    severity: Severity,
    vendor: VendorId | undefined,
    vendorName: string | undefined,
  ): PolicyDecision {
    // Every matching rule has a cap here; the least restrictive one is what stopped them.
    const closest = matching.reduce((best, rule) =>
      (rule.maxSeverity ?? 1) < (best.maxSeverity ?? 1) ? rule : best,
    );
    const rule = located(closest.name, closest.source);
    const label = this.labelsAt(vendor);
    const asked = label(severity);
    const cap = label(closest.maxSeverity!);
    const enablers = list.rules.filter((r) => capAllows(r, severity));
    const whoMay = enablers.map((r) => describeRule(r, label));
    const at = vendorName ? ` at ${vendorName}` : '';
    const build = (style: Style) => {
      const who = enablers.map((r) => describeRule(r, label, style));
      return (
        `You may open cases${at} up to ${cap}, not ${asked}: ${cite(closest.name, closest.source, style)} caps you there. ` +
        (who.length > 0
          ? `A ${asked} case may be opened by ${who.join('; ')}.`
          : `Nobody may open a ${asked} case${at} through caseops.`)
      );
    };
    return { allowed: false, rule, message: build('mrkdwn'), plainMessage: build('plain'), whoMay };
  }
}
