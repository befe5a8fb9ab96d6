/**
 * Configuration, read once from the environment and validated. A bad or missing value stops start-up with a
 * message naming each variable and what it expects; values themselves are never echoed (they may be secrets).
 */
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], 'expected true or false')
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));

const optionalBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''], 'expected true or false')
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes'].includes(v)));

const httpUrl = () =>
  z.url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://api.example.com' });
const url = (fallback: string) => httpUrl().default(fallback);
const optionalUrl = () => httpUrl().optional();

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const positiveNumber = (fallback: number, what = 'a positive number') =>
  z.coerce
    .number({ message: `expected ${what}` })
    .positive(`expected ${what}`)
    .default(fallback);

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int('expected a whole number')
    .positive()
    .default(fallback);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),

  // Slack
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xoxb-/, 'expected a bot token starting with xoxb-')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
      .optional(),
  ),
  SLACK_API_URL: optionalUrl(),
  CASEOPS_PLAYGROUND: optionalBool,

  // Storage and scheduling
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
  ),
  POLL_CRON: z.string().default('*/5 * * * *'),
  DIGEST_CRON: z.string().default('0 9 * * 1-5'),
  DIGEST_TZ: z.string().default('UTC'),
  LEASE_TTL_MS: positiveInt(30_000),
  CASEOPS_POLICY: optionalText,

  // Vendors
  CASEOPS_SANDBOX: bool(false),
  VENDOR_TIMEOUT_MS: positiveInt(10_000),

  EQUINIX_BASE_URL: url('https://api.equinix.com'),
  EQUINIX_CLIENT_ID: optionalText,
  EQUINIX_CLIENT_SECRET: optionalText,
  EQUINIX_RATE_PER_SECOND: positiveNumber(5),
  EQUINIX_MAX_CONCURRENT: positiveInt(4),

  CISCO_BASE_URL: url('https://apix.cisco.com'),
  CISCO_TOKEN_URL: url('https://id.cisco.com/oauth2/default/v1/token'),
  CISCO_CLIENT_ID: optionalText,
  CISCO_CLIENT_SECRET: optionalText,
  CISCO_RATE_PER_SECOND: positiveNumber(2),
  CISCO_MAX_CONCURRENT: positiveInt(2),

  JUNIPER_BASE_URL: optionalUrl(),
  JUNIPER_USERNAME: optionalText,
  JUNIPER_PASSWORD: optionalText,
  JUNIPER_SITE_ID: optionalText,
  JUNIPER_CASE_USERNAME: optionalText,
  JUNIPER_CASE_PASSWORD: optionalText,
  JUNIPER_RATE_PER_SECOND: positiveNumber(5),
  JUNIPER_MAX_CONCURRENT: positiveInt(4),

  MOTADATA_BASE_URL: optionalUrl(),
  MOTADATA_API_KEY: optionalText,
  MOTADATA_CLIENT_ID: optionalText,
  MOTADATA_CLIENT_SECRET: optionalText,
  MOTADATA_USERNAME: optionalText,
  MOTADATA_PASSWORD: optionalText,
  MOTADATA_RATE_PER_SECOND: positiveNumber(5),
  MOTADATA_MAX_CONCURRENT: positiveInt(4),
});

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `caseops cannot start: the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Cross-field rules zod cannot express per variable. */
function crossChecks(env: Env): string[] {
  const problems: string[] = [];
  const pair = (a: keyof Env, b: keyof Env) => {
    if (Boolean(env[a]) !== Boolean(env[b]))
      problems.push(`${env[a] ? b : a}: required when ${env[a] ? a : b} is set`);
  };
  pair('EQUINIX_CLIENT_ID', 'EQUINIX_CLIENT_SECRET');
  pair('CISCO_CLIENT_ID', 'CISCO_CLIENT_SECRET');
  pair('JUNIPER_USERNAME', 'JUNIPER_PASSWORD');
  pair('JUNIPER_CASE_USERNAME', 'JUNIPER_CASE_PASSWORD');
  if (env.JUNIPER_USERNAME && !env.JUNIPER_BASE_URL) {
    problems.push(
      'JUNIPER_BASE_URL: required when JUNIPER_USERNAME is set (https://<your Junos Space host>)',
    );
  }
  const motadataOauth = [
    'MOTADATA_CLIENT_ID',
    'MOTADATA_CLIENT_SECRET',
    'MOTADATA_USERNAME',
    'MOTADATA_PASSWORD',
  ] as const;
  const oauthSet = motadataOauth.filter((k) => env[k]);
  if (!env.MOTADATA_API_KEY && oauthSet.length > 0 && oauthSet.length < motadataOauth.length) {
    for (const k of motadataOauth.filter((k) => !env[k])) {
      problems.push(`${k}: required for Motadata's password grant (or set MOTADATA_API_KEY instead)`);
    }
  }
  if ((env.MOTADATA_API_KEY || oauthSet.length > 0) && !env.MOTADATA_BASE_URL) {
    problems.push(
      'MOTADATA_BASE_URL: required when Motadata credentials are set (https://<your ServiceOps server>)',
    );
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (
    (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) &&
    !env.SLACK_BOT_TOKEN &&
    env.CASEOPS_PLAYGROUND !== true
  ) {
    problems.push('SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set');
  }
  return problems;
}

/** Reads and validates the environment. Throws ConfigError listing every problem at once. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings from a copied .env.example mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const problems = crossChecks(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}
