import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { checkStartupConfiguration } from '../../src/config/startup.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    checkStartupConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const folder = mkdtempSync(join(tmpdir(), 'caseops-startup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the start-up configuration check', () => {
  it('names every problem at once: formats, schedules, time zone and policy file, one line each', () => {
    const policy = join(folder, 'bad-policy.yaml');
    writeFileSync(policy, 'version: 2\n');
    const problems = problemsOf({
      PORT: 'eighty',
      POLL_CRON: '99 * * * *',
      DIGEST_CRON: 'every morning',
      DIGEST_TZ: 'Mars/Olympus',
      CASEOPS_POLICY: policy,
      VENDOR_TIMEOUT_MS: '-5',
    });
    const byVariable = (name: string) => problems.filter((p) => p.startsWith(`${name}: `));
    expect(byVariable('PORT')).toEqual(['PORT: expected a port number']);
    expect(byVariable('POLL_CRON')[0]).toMatch(/minute field takes 0–59/);
    expect(byVariable('DIGEST_CRON')[0]).toMatch(/not a cron expression/);
    expect(byVariable('DIGEST_TZ')[0]).toMatch(/not a time zone/);
    expect(byVariable('CASEOPS_POLICY')[0]).toContain('bad-policy.yaml:1:');
    expect(byVariable('VENDOR_TIMEOUT_MS')).toHaveLength(1);
    expect(problems).toHaveLength(6);
    for (const problem of problems) expect(problem).not.toContain('\n');
  });

  it('names a policy file that does not exist', () => {
    expect(problemsOf({ CASEOPS_POLICY: join(folder, 'missing.yaml') })).toEqual([
      expect.stringMatching(/^CASEOPS_POLICY: .*missing\.yaml: cannot read the policy file \(no such file\)/),
    ]);
  });

  it('refuses a forced playground beside Slack credentials or a deployment database', () => {
    const problems = problemsOf({
      CASEOPS_PLAYGROUND: 'true',
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'abc',
      DATABASE_URL: 'postgres://caseops@db:5432/caseops',
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^CASEOPS_PLAYGROUND: .*unset SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or CASEOPS_PLAYGROUND$/,
      ),
      expect.stringMatching(/^DATABASE_URL: must be unset with CASEOPS_PLAYGROUND=true/),
    ]);
  });

  it('explains in one line that a forbidden playground needs Slack to serve', () => {
    expect(problemsOf({ CASEOPS_PLAYGROUND: 'false' })).toEqual([
      expect.stringMatching(
        /^SLACK_BOT_TOKEN: required with CASEOPS_PLAYGROUND=false .*SLACK_APP_TOKEN for Socket Mode\)$/,
      ),
    ]);
  });

  it('does not fall back to the playground when a deployment database is configured without Slack', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://caseops@db:5432/caseops' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: required when DATABASE_URL is set/),
    ]);
  });

  it('picks the mode from the variables', () => {
    expect(checkStartupConfiguration({}).mode).toBe('playground');
    expect(
      checkStartupConfiguration({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'abc' }).mode,
    ).toBe('slack');
    expect(checkStartupConfiguration({ SHUTDOWN_TIMEOUT_MS: '2500' }).env.SHUTDOWN_TIMEOUT_MS).toBe(2500);
  });
});
