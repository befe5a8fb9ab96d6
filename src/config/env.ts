/**
 * Configuration, read once from the environment and validated. A bad or missing value stops start-up with a
 * message naming each variable and what it expects; values themselves are never echoed (they may be secrets).
 */
import * as z from 'zod';
import { ALL_PLUGINS, type PluginEnv } from '../vendors/plugin.js';
import { bool, duration, optionalBool, optionalText, optionalUrl, positiveInt } from './env-kit.js';

const CoreEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000),
  /** Default: 0.0.0.0 in HTTP mode (Slack must reach it), 127.0.0.1 in Socket Mode (only probes use it). */
  HOST: optionalText,
  /** A separate port for /metrics and the detailed /readyz, on OPS_HOST (loopback unless told otherwise). */
  OPS_PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).optional(),
  OPS_HOST: z.string().default('127.0.0.1'),

  // Tracing: spans go to this OTLP/HTTP collector when set; OpenTelemetry is not even loaded otherwise.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(),
  /** Read by the OTLP exporter itself (e.g. a collector's API key); listed so it is documented and allowed. */
  OTEL_EXPORTER_OTLP_HEADERS: optionalText,
  OTEL_SERVICE_NAME: z.string().default('caseops'),

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
  /** The shortest gap a channel's own digest schedule may have (`/case digest …`); POLL_CRON/DIGEST_CRON are free. */
  DIGEST_MIN_INTERVAL: duration(15 * 60_000),
  LEASE_TTL_MS: positiveInt(30_000),
  CASEOPS_POLICY: optionalText,
  // How long a SIGTERM waits for in-flight Slack requests and scheduler runs before exiting anyway.
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),

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
      problems.length === 1
        ? `caseops cannot start: ${problems[0]}`
        : `caseops cannot start: the configuration has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Cross-field rules zod cannot express per variable. */
function crossChecks(env: Partial<Env>): string[] {
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
  if (env.OPS_PORT !== undefined && env.OPS_PORT !== 0 && env.OPS_PORT === env.PORT) {
    problems.push('OPS_PORT: must differ from PORT (it exists to keep /metrics off the public port)');
  }
  return problems;
}

/**
 * Every problem with the environment, each variable checked on its own so one bad value never hides another,
 * then the rules between variables. `env` holds each value that parsed (with its default).
 */
export function checkEnv(source: NodeJS.ProcessEnv = process.env): { env: Partial<Env>; problems: string[] } {
  // Empty strings from a copied .env.example mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(EnvSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(cleaned[name]);
    if (result.success) env[name] = result.data;
    // One line per variable: the first thing wrong with it is what the operator has to fix.
    else problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid value'}`);
  }
  problems.push(...crossChecks(env as Partial<Env>));
  return { env: env as Partial<Env>, problems };
}

/** Reads and validates the environment. Throws ConfigError listing every problem at once. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const { env, problems } = checkEnv(source);
  if (problems.length > 0) throw new ConfigError(problems);
  return env as Env;
}
