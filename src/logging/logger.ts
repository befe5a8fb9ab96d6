/**
 * pino, JSON by default and readable in development (LOG_FORMAT=pretty). Every object logged goes through
 * `redactSecrets`, which masks any key that names a credential at any depth (tokens, secrets, passwords,
 * Authorization headers, API keys) and any bearer/basic credential or Slack token inside a string.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|api[-_]?key|apikey|cookie|signature|credential)/i;
const SECRET_IN_TEXT: Array<[RegExp, string]> = [
  // `Authorization: Bearer …`, `Basic …`, `Apikey …`: keep the scheme, mask the credential.
  [/\b(Bearer|Basic|Apikey)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 [redacted]`],
  [/\bxox[abposr]-[A-Za-z0-9-]{6,}/g, '[redacted]'],
  [/\bxapp-[A-Za-z0-9-]{6,}/g, '[redacted]'],
  // The password in a URL's user information: postgres://caseops:pw@db/caseops.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@/?#\s]+@/gi, '$1[redacted]@'],
  // A credential-named field inside text: JSON ("client_secret":"…"), forms (password=…), headers (x-api-key: …).
  [
    /((?:token|secret|password|passwd|api[-_]?key|apikey|signature|credential)[a-z0-9_-]*"?\s*[:=]\s*"?)([^"\s,&;}]{3,})/gi,
    '$1[redacted]',
  ],
];
export const REDACTED = '[redacted]';

/**
 * Secret values caseops was configured with (signing secret, client secrets, passwords, API keys). Their shape
 * says nothing, so they are masked by value wherever they appear in a logged string.
 */
const knownSecrets = new Set<string>();
/** Shorter values would mask ordinary words; real credentials are far longer. */
const KNOWN_SECRET_MIN_LENGTH = 8;

export function registerSecretValues(values: Iterable<string | undefined>): void {
  for (const value of values) {
    if (value && value.length >= KNOWN_SECRET_MIN_LENGTH) knownSecrets.add(value);
  }
}

/** The values of every configured variable whose name says it holds a credential. */
export function secretValuesOf(env: Record<string, unknown>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => typeof value === 'string' && /(TOKEN|SECRET|PASSWORD|API_KEY)$/.test(name))
    .map(([, value]) => value as string);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement);
  return out;
}

export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Error) {
    // `cause` (and AggregateError's `errors`) are not enumerable: carry them explicitly, redacted like the rest.
    const { cause, errors } = value as Error & { errors?: unknown };
    return redactSecrets(
      {
        type: value.name,
        message: value.message,
        stack: value.stack,
        ...(value as object),
        ...(cause !== undefined ? { cause } : {}),
        ...(Array.isArray(errors) ? { errors } : {}),
      },
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
  if (options.destination) return redactingChildren(pino(base, options.destination));
  if (options.pretty) {
    return redactingChildren(
      pino({
        ...base,
        transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
      }),
    );
  }
  // Synchronous writes: a line logged just before process.exit (shutdown, a fatal start-up error) is never lost
  // in an unflushed buffer, and lines keep their order.
  return redactingChildren(pino(base, pino.destination({ dest: 1, sync: true })));
}

/**
 * pino serialises a child's bindings once, when the child is made, and applies no formatter to them (its
 * `formatters.bindings` is for the root only), so they are redacted here, for children of children too.
 */
function redactingChildren(logger: Logger): Logger {
  const makeChild = logger.child.bind(logger);
  const child = (bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) =>
    redactingChildren(makeChild(redactSecrets(bindings) as pino.Bindings, childOptions));
  logger.child = child as unknown as Logger['child'];
  return logger;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
