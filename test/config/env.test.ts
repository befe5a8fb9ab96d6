import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/config/env.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadEnv', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.POLL_CRON).toBe('*/5 * * * *');
    expect(env.DIGEST_CRON).toBe('0 9 * * 1-5');
    expect(env.DIGEST_TZ).toBe('UTC');
    expect(env.CISCO_RATE_PER_SECOND).toBe(2);
    expect(env.EQUINIX_BASE_URL).toBe('https://api.equinix.com');
    expect(env.CISCO_TOKEN_URL).toBe('https://id.cisco.com/oauth2/default/v1/token');
    expect(env.CASEOPS_SANDBOX).toBe(false);
  });

  it('treats empty strings from a copied .env.example as unset', () => {
    const env = loadEnv({ EQUINIX_CLIENT_ID: '', PORT: '', CASEOPS_SANDBOX: '' });
    expect(env.EQUINIX_CLIENT_ID).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  it('names each bad variable and what it expects, all at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      CISCO_BASE_URL: 'apix.cisco.com',
      CASEOPS_SANDBOX: 'maybe',
    });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/port number/);
    expect(problems.find((p) => p.startsWith('CISCO_BASE_URL:'))).toMatch(/http\(s\) URL/);
    expect(problems.find((p) => p.startsWith('CASEOPS_SANDBOX:'))).toMatch(/true or false/);
  });

  it('never echoes a value, which may be a secret', () => {
    const secret = 'not-a-bot-token-s3cr3t';
    const problems = problemsOf({ SLACK_BOT_TOKEN: secret, SLACK_SIGNING_SECRET: 'x' });
    expect(problems.join('\n')).toMatch(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('requires credentials in pairs', () => {
    expect(problemsOf({ EQUINIX_CLIENT_ID: 'id' })).toEqual([
      'EQUINIX_CLIENT_SECRET: required when EQUINIX_CLIENT_ID is set',
    ]);
    expect(problemsOf({ CISCO_CLIENT_SECRET: 's' })).toEqual([
      'CISCO_CLIENT_ID: required when CISCO_CLIENT_SECRET is set',
    ]);
  });

  it('requires a base URL for the self-hosted vendors', () => {
    expect(problemsOf({ JUNIPER_USERNAME: 'u', JUNIPER_PASSWORD: 'p' })[0]).toMatch(
      /^JUNIPER_BASE_URL: required/,
    );
    expect(problemsOf({ MOTADATA_API_KEY: 'k' })[0]).toMatch(/^MOTADATA_BASE_URL: required/);
  });

  it('accepts Motadata with an API key alone, or with the full password grant', () => {
    expect(problemsOf({ MOTADATA_BASE_URL: 'https://sd.example.com', MOTADATA_API_KEY: 'k' })).toEqual([]);
    const partial = problemsOf({ MOTADATA_BASE_URL: 'https://sd.example.com', MOTADATA_CLIENT_ID: 'c' });
    expect(partial).toContain(
      "MOTADATA_CLIENT_SECRET: required for Motadata's password grant (or set MOTADATA_API_KEY instead)",
    );
    expect(partial).toHaveLength(3);
  });

  it('asks for the signing secret in HTTP mode but not in Socket Mode', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })[0]).toMatch(
      /^SLACK_SIGNING_SECRET: required in HTTP mode/,
    );
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toEqual([]);
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' })[0]).toMatch(/^SLACK_BOT_TOKEN: required/);
  });

  it('rejects a DATABASE_URL that is not PostgreSQL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root@localhost/db' })[0]).toMatch(
      /^DATABASE_URL: expected a postgres/,
    );
  });
});
