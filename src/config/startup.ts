/**
 * Everything caseops needs to know before it opens or creates anything, checked once and completely: each
 * variable's format, the rules between variables, the schedules (POLL_CRON, DIGEST_CRON, DIGEST_TZ), the policy
 * file, and which mode the variables ask for. Every problem is reported at once, one line each naming the
 * variable and what it expects; until this passes nothing is written to DATA_DIR or to any database.
 */
import type { AccessPolicy } from '../domain/policy.js';
import { scheduleSettingsFromEnv } from '../scheduler/index.js';
import { ConfigError, checkEnv, type Env } from './env.js';
import { formatProblem, loadPolicy, PolicyFileError } from './policy-file.js';

export type RunMode = 'playground' | 'slack';

export interface StartupConfig {
  env: Env;
  policy: AccessPolicy;
  mode: RunMode;
}

const SLACK_CREDENTIALS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;

/** Playground unless forced either way: with no Slack credentials nobody could reach the app anyway. */
export function runMode(env: Partial<Env>): RunMode {
  const forced = env.CASEOPS_PLAYGROUND;
  if (forced !== undefined) return forced ? 'playground' : 'slack';
  return SLACK_CREDENTIALS.some((name) => env[name]) ? 'slack' : 'playground';
}

/**
 * The playground acts as a signed-in person with simulated vendors and a throwaway store; it must never run
 * beside a real workspace's credentials or a deployment's database, and forbidding it needs Slack to serve.
 */
function modeProblems(env: Partial<Env>): string[] {
  const credentialsSet = SLACK_CREDENTIALS.filter((name) => env[name]);
  if (env.CASEOPS_PLAYGROUND === true) {
    const problems: string[] = [];
    if (credentialsSet.length > 0) {
      problems.push(
        `CASEOPS_PLAYGROUND: true runs the local playground, which never serves a real Slack workspace; unset ${credentialsSet.join(', ')} or CASEOPS_PLAYGROUND`,
      );
    }
    if (env.DATABASE_URL) {
      problems.push(
        'DATABASE_URL: must be unset with CASEOPS_PLAYGROUND=true (the playground keeps its own store and never opens a deployment database)',
      );
    }
    return problems;
  }
  if (env.CASEOPS_PLAYGROUND === false && !env.SLACK_BOT_TOKEN) {
    return [
      'SLACK_BOT_TOKEN: required with CASEOPS_PLAYGROUND=false (the playground is off, so caseops serves Slack: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET for HTTP mode or SLACK_APP_TOKEN for Socket Mode)',
    ];
  }
  if (env.CASEOPS_PLAYGROUND === undefined && credentialsSet.length === 0 && env.DATABASE_URL) {
    return [
      'SLACK_BOT_TOKEN: required when DATABASE_URL is set (without Slack credentials caseops would run the playground, which never uses a deployment database)',
    ];
  }
  return [];
}

function scheduleProblems(env: Partial<Env>): string[] {
  if (env.POLL_CRON === undefined || env.DIGEST_CRON === undefined || env.DIGEST_TZ === undefined) return [];
  try {
    scheduleSettingsFromEnv({
      POLL_CRON: env.POLL_CRON,
      DIGEST_CRON: env.DIGEST_CRON,
      DIGEST_TZ: env.DIGEST_TZ,
    });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

function loadPolicyCollecting(path: string | undefined, problems: string[]): AccessPolicy | undefined {
  try {
    return loadPolicy(path);
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error;
    problems.push(...error.problems.map((problem) => `CASEOPS_POLICY: ${formatProblem(problem)}`));
    return undefined;
  }
}

/** Checks the whole configuration. Throws one ConfigError naming every problem; touches no file but the policy. */
export function checkStartupConfiguration(source: NodeJS.ProcessEnv = process.env): StartupConfig {
  const { env, problems } = checkEnv(source);
  problems.push(...modeProblems(env));
  problems.push(...scheduleProblems(env));
  const policy = loadPolicyCollecting(env.CASEOPS_POLICY, problems);
  if (problems.length > 0 || !policy) throw new ConfigError(problems);
  return { env: env as Env, policy, mode: runMode(env) };
}
