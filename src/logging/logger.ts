/**
 * pino, JSON by default and readable in development (LOG_FORMAT=pretty). Every object logged goes through
 * `redactSecrets`, which masks any key that names a credential at any depth (tokens, secrets, passwords,
 * Authorization headers, API keys) and any bearer/basic credential or Slack token inside a string.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|api[-_]?key|apikey|cookie|signature|credential)/i;
const SECRET_IN_TEXT = [
  /\b(Bearer|Basic|Apikey)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  /\bxox[abposr]-[A-Za-z0-9-]{6,}/g,
  /\bxapp-[A-Za-z0-9-]{6,}/g,
];
export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_IN_TEXT) {
    out = out.replace(pattern, (_match, scheme?: string) =>
      typeof scheme === 'string' && /^(bearer|basic|apikey)$/i.test(scheme)
        ? `${scheme} ${REDACTED}`
        : REDACTED,
    );
  }
  return out;
}

export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Error) {
    return redactSecrets(
      { type: value.name, message: value.message, stack: value.stack, ...(value as object) },
      depth + 1,
      seen,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && inner !== undefined && inner !== null
        ? REDACTED
        : redactSecrets(inner, depth + 1, seen);
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Tests capture output here to assert that no secret is logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { app: 'caseops' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactSecrets(object) as Record<string, unknown>,
    },
    hooks: {
      // Messages are strings too: a token pasted into a message is masked like one in a field.
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
    serializers: { err: (error: unknown) => redactSecrets(error) },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  // Synchronous writes: a line logged just before process.exit (shutdown, a fatal start-up error) is never lost
  // in an unflushed buffer, and lines keep their order.
  return pino(base, pino.destination({ dest: 1, sync: true }));
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
