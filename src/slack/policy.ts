/**
 * The access policy on the Slack side: the gate main.ts builds (user-group membership read with
 * usergroups.users.list and cached; every decision counted and denials logged), and the early checks that
 * refuse before a form is shown or acknowledged, so nobody fills in a form the policy would refuse anyway.
 * The case service's own check (policyAuthorizer) stays the authoritative one.
 */
import { webApi } from '@slack/bolt';
import { DeniedError } from '../domain/errors.js';
import type { AccessPolicy, PolicyAction, PolicyDecision } from '../domain/policy.js';
import { CachingUserGroupResolver, PolicyGate, type PolicyRequest } from '../domain/policy-gate.js';
import type { Logger } from '../logging/logger.js';
import type { SlackConfig } from './app.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { SlackGateway } from './gateway.js';
import type { SlackMetrics } from './metrics.js';
import { webClientOptions } from './web-client.js';

export interface PolicyMetrics {
  policyDecision(action: string, allowed: boolean): void;
}

export interface SlackPolicyGateOptions {
  /** SLACK_BOT_TOKEN and SLACK_API_URL: the gate has a Web API client of its own, built like the app's. */
  config: Pick<SlackConfig, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>;
  /** Overrides SLACK_BOT_TOKEN (tests). */
  token?: string;
  logger: Logger;
  /** CaseopsMetrics fits: decisions by action and outcome, and what Slack refused. */
  metrics?: PolicyMetrics & Partial<Pick<SlackMetrics, 'slackApiError'>>;
  /** How long a user group's member list is trusted (default 5 minutes). */
  groupCacheTtlMs?: number;
  webApiTimeoutMs?: number;
}

/**
 * The gate for a Slack workspace. It needs no Slack app to exist first (its client is its own), so main.ts can
 * build it before createSlackApp and pass it as both `policy` and `authorize: policyAuthorizer(gate)`.
 * Group membership is fetched only when a rule for the action names a group and nothing else allowed the person.
 */
export function createSlackPolicyGate(policy: AccessPolicy, options: SlackPolicyGateOptions): PolicyGate {
  const { logger, metrics } = options;
  const token = options.token ?? options.config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('SLACK_BOT_TOKEN is required to check user groups named in the policy');
  const client = new webApi.WebClient(token, {
    ...webClientOptions(options.config, options.webApiTimeoutMs),
    logger: boltLogger(logger),
  });
  const refusals = metrics?.slackApiError ? { slackApiError: metrics.slackApiError } : undefined;
  const gateway = new SlackGateway(client, logger, {}, refusals);
  return new PolicyGate(policy, {
    groups: new CachingUserGroupResolver({
      fetchMembers: (groupId) => gateway.userGroupMembers(groupId),
      ttlMs: options.groupCacheTtlMs,
      onStale: (groupId, error) =>
        logger.warn(
          { groupId, err: error },
          'Slack did not answer for a user group; deciding with its cached members',
        ),
    }),
    onDecision: (action, decision) => {
      metrics?.policyDecision(action, decision.allowed);
      if (!decision.allowed) logger.info({ action, rule: decision.rule }, 'policy refused an action');
    },
  });
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

/** Throws DeniedError (worded with the rule and who may) when the policy would refuse the form's submission. */
export async function refuseEarly(
  deps: Pick<SlackDeps, 'policy' | 'logger'>,
  action: PolicyAction,
  request: PolicyRequest,
): Promise<void> {
  const denial = await earlyDenial(deps, action, request);
  if (denial) throw new DeniedError(denial.message, denial.rule);
}

/**
 * For checks only the Slack side makes (digest settings, the audit trail): throws DeniedError when the policy
 * refuses. Without a policy everything is allowed, as in the built-in default.
 */
export async function authorizeInSlack(
  deps: Pick<SlackDeps, 'policy'>,
  action: PolicyAction,
  request: PolicyRequest,
): Promise<void> {
  await deps.policy?.authorize(action, request);
}
