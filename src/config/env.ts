/**
 * Configuration, read once from the environment and validated. A bad or missing value stops start-up with a
 * message naming each variable and what it expects; values themselves are never echoed (they may be secrets).
 */
import { z } from 'zod';
import { ALL_PLUGINS, type PluginEnv } from '../vendors/plugin.js';
import { bool, optionalBool, optionalText, optionalUrl, positiveInt } from './env-kit.js';

const CoreEnvSchema = z.object({
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
  CASEOPS_POLICY: optionalText,

  // Vendors
  CASEOPS_SANDBOX: bool(false),
  VENDOR_TIMEOUT_MS: positiveInt(10_000),

  // Each vendor's own variables come from its plugin (src/vendors/<vendor>/config.ts).
});

type CoreEnv = z.infer<typeof CoreEnvSchema>;

/** The core variables and every plugin's own, in one object schema (so .env.example can be checked against it). */
export const EnvSchema: z.ZodObject<z.ZodRawShape> = z.object(
  Object.assign({}, CoreEnvSchema.shape, ...ALL_PLUGINS.map((plugin) => plugin.config.schema.shape)),
);

export type Env = CoreEnv & PluginEnv;

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
  for (const plugin of ALL_PLUGINS) problems.push(...(plugin.config.check?.(env) ?? []));
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
  const problems = crossChecks(result.data as Env);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data as Env;
}
