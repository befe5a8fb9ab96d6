/**
 * The words a person reads when caseops says no: policy denials, in Slack mrkdwn (mentions render as names)
 * and in plain text (modal field errors, which do not render mrkdwn). The domain says why (a PolicyDenial);
 * this is the one place that words it.
 */
import type { PolicyAction } from '../domain/actions.js';
import { VENDOR_NAMES, type VendorId } from '../domain/case.js';
import { type PolicyDenial, type PolicyRule, type RuleCitation, severityLabel } from '../domain/policy.js';
import { escapeMrkdwn } from './blocks/limits.js';

export type Style = 'mrkdwn' | 'plain';

const ACTION_PHRASES: Record<PolicyAction, string> = {
  lookup: 'look up',
  watch: 'watch',
  open: 'open',
  annotate: 'add notes to',
  cancel: 'cancel',
  audit: 'see the audit trail of',
  digest: 'change digest settings',
};

/** "members of <!subteam^S1>, <@U1> in <#C1> (up to severity 2)". */
export function describeRule(rule: PolicyRule, vendor?: VendorId, style: Style = 'mrkdwn'): string {
  const user = (id: string) => (style === 'mrkdwn' ? `<@${id}>` : `user ${id}`);
  const group = (id: string) =>
    style === 'mrkdwn' ? `members of <!subteam^${id}>` : `members of group ${id}`;
  const channel = (id: string) => (style === 'mrkdwn' ? `<#${id}>` : `channel ${id}`);
  const who = rule.anyone ? 'anyone' : [...rule.users.map(user), ...rule.groups.map(group)].join(', ');
  const where = rule.channels.length > 0 ? ` in ${rule.channels.map(channel).join(' or ')}` : '';
  const cap =
    rule.maxSeverity !== undefined && rule.maxSeverity > 1
      ? ` (up to ${severityLabel(rule.maxSeverity, vendor)})`
      : '';
  return `${who}${where}${cap}`;
}

/** How a denial cites a rule: `rule "on-call" (policy.yaml line 14)`. */
function cite({ name, source }: RuleCitation, style: Style): string {
  // Rule names are free text from the file: in mrkdwn, `<`, `>` and `&` would start links and mentions.
  const safe = (text: string) =>
    style === 'mrkdwn' ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
  return source ? `rule "${safe(name)}" (${safe(source)})` : `rule "${safe(name)}"`;
}

/** Who may do it instead, one entry per rule; empty when nobody may. */
export function whoMay(denial: PolicyDenial, style: Style = 'mrkdwn'): string[] {
  return denial.whoMay.map((rule) => describeRule(rule, denial.vendor, style));
}

/** The denial as the person reads it: what they may not do, the rule that says so, and who may. */
export function denialText(denial: PolicyDenial, style: Style = 'mrkdwn'): string {
  if (denial.kind === 'unknown-action') {
    const action = style === 'mrkdwn' ? escapeMrkdwn(denial.action) : denial.action;
    return `caseops has no policy for "${action}" yet.`;
  }
  const vendorName = denial.vendor ? VENDOR_NAMES[denial.vendor] : undefined;
  const who = whoMay(denial, style);
  if (denial.kind === 'severity-cap') {
    const asked = severityLabel(denial.asked, denial.vendor);
    const cap = severityLabel(denial.cap, denial.vendor);
    const at = vendorName ? ` at ${vendorName}` : '';
    return (
      `You may open cases${at} up to ${cap}, not ${asked}: ${cite(denial.capRule, style)} caps you there. ` +
      (who.length > 0
        ? `A ${asked} case may be opened by ${who.join('; ')}.`
        : `Nobody may open a ${asked} case${at} through caseops.`)
    );
  }
  const what =
    denial.action === 'digest'
      ? ACTION_PHRASES.digest
      : `${ACTION_PHRASES[denial.action]} ${vendorName ?? ''} cases`.trim();
  const cited = cite(denial.rules, style);
  return who.length === 0
    ? `Nobody may ${what} through caseops: ${cited} allows nobody.`
    : `You may not ${what}: ${cited} allows only ${who.join('; ')}.`;
}
