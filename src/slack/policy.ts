/**
 * The access policy on the Slack side: reading a user group's members (usergroups.users.list) for the gate
 * the composition root builds, and the early checks that refuse before a form is shown or acknowledged, so
 * nobody fills in a form the policy would refuse anyway. The use cases' own checks stay the authoritative ones.
 */
import { DeniedError } from '../domain/errors.js';
import type { PolicyAction, PolicyDecision } from '../domain/policy.js';
import type { FetchGroupMembers, PolicyRequest } from '../domain/policy-gate.js';
import type { SlackDeps } from './deps.js';
import type { SlackGateway } from './gateway.js';

/** A user group's member ids, through the gateway (which words Slack's refusals and counts them). */
export function groupMembersFetcher(gateway: Pick<SlackGateway, 'userGroupMembers'>): FetchGroupMembers {
  return (groupId) => gateway.userGroupMembers(groupId);
}

/** An early look must not hold up a trigger id or an ack (Slack allows 3 s for either). */
export const EARLY_CHECK_BUDGET_MS = 1000;

/**
 * The policy's decision when it can be had quickly, without counting it; undefined when there is no policy,
 * or the answer (a group lookup) takes too long or fails. Undefined means "let the authoritative check decide".
 */
async function quickPreview(
  deps: Pick<SlackDeps, 'policy' | 'logger'>,
  action: PolicyAction,
  request: PolicyRequest,
  budgetMs: number,
): Promise<PolicyDecision | undefined> {
  const gate = deps.policy;
  if (!gate) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), budgetMs);
  });
  try {
    return await Promise.race([gate.preview(action, request), late]);
  } catch (error) {
    deps.logger.warn({ err: error, action }, 'early policy check failed; the case service decides');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Denied → the decision (counted, as the case service will not see this attempt); allowed or undecided in
 * time → undefined.
 */
export async function earlyDenial(
  deps: Pick<SlackDeps, 'policy' | 'logger'>,
  action: PolicyAction,
  request: PolicyRequest,
  budgetMs = EARLY_CHECK_BUDGET_MS,
): Promise<Extract<PolicyDecision, { allowed: false }> | undefined> {
  const preview = await quickPreview(deps, action, request, budgetMs);
  if (!preview || preview.allowed || !deps.policy) return undefined;
  // Counted through decide; group lists are cached by now, so this costs no Slack call.
  const decision = await deps.policy.decide(action, request);
  return decision.allowed ? undefined : decision;
}

/**
 * An open form's submission, before its ack: the denial, and whether it is the severity that stops the person
 * (they may open cases there, only not this severe a one), so the form can point at its severity field.
 */
export async function earlyOpenDenial(
  deps: Pick<SlackDeps, 'policy' | 'logger'>,
  request: PolicyRequest,
  budgetMs = EARLY_CHECK_BUDGET_MS,
): Promise<{ decision: Extract<PolicyDecision, { allowed: false }>; bySeverity: boolean } | undefined> {
  // One budget for both looks: this runs before the ack, which Slack allows 3 s for.
  const deadline = Date.now() + budgetMs;
  const decision = await earlyDenial(deps, 'open', request, budgetMs);
  if (!decision) return undefined;
  if (request.severity === undefined) return { decision, bySeverity: false };
  const remainingMs = Math.max(0, deadline - Date.now());
  const withoutSeverity = await quickPreview(deps, 'open', { ...request, severity: undefined }, remainingMs);
  return { decision, bySeverity: withoutSeverity?.allowed === true };
}

/** Throws DeniedError (with the rule and why) when the policy would refuse the form's submission. */
export async function refuseEarly(
  deps: Pick<SlackDeps, 'policy' | 'logger'>,
  action: PolicyAction,
  request: PolicyRequest,
): Promise<void> {
  const denial = await earlyDenial(deps, action, request);
  if (denial) throw new DeniedError(denial.rule, denial.denial);
}
