/**
 * The access policy gate for a Slack workspace: user-group membership read with usergroups.users.list
 * through a Web API client of its own (so the gate exists before the Slack app) and cached; every decision
 * counted and denials logged.
 */
import { webApi } from '@slack/bolt';
import type { Env } from '../config/env.js';
import type { AccessPolicy } from '../domain/policy.js';
import { CachingUserGroupResolver, PolicyGate } from '../domain/policy-gate.js';
import type { Logger } from '../logging/logger.js';
import { boltLogger } from '../slack/bolt-logger.js';
import { SlackGateway } from '../slack/gateway.js';
import type { SlackMetrics } from '../slack/metrics.js';
import { groupMembersFetcher } from '../slack/policy.js';
import { webClientOptions } from '../slack/web-client.js';

export interface PolicyMetrics {
  policyDecision(action: string, allowed: boolean): void;
}

export interface SlackPolicyGateOptions {
  /** SLACK_BOT_TOKEN and SLACK_API_URL: the gate's Web API client is built like the app's. */
  config: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>;
  /** Overrides SLACK_BOT_TOKEN (tests). */
  token?: string;
  logger: Logger;
  /** CaseopsMetrics fits: decisions by action and outcome, and what Slack refused. */
  metrics?: PolicyMetrics & Partial<Pick<SlackMetrics, 'slackApiError'>>;
  /** How long a user group's member list is trusted (default 5 minutes). */
  groupCacheTtlMs?: number;
  webApiTimeoutMs?: number;
}

/** Group membership is fetched only when a rule for the action names a group and nothing else allowed the person. */
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
      fetchMembers: groupMembersFetcher(gateway),
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
