/** Bolt's logger interface over our pino logger, so Bolt's own lines are redacted and structured like ours. */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, redactSecrets } from '../logging/logger.js';

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

export function boltLogger(logger: Logger): BoltLogger {
  let child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  // Objects are redacted before they become text: a credential-named field is no longer findable by its key
  // once stringified. Errors keep their name and message (JSON.stringify would drop both).
  const line = (parts: unknown[]) =>
    parts
      .map((p) =>
        typeof p === 'string'
          ? p
          : p instanceof Error
            ? `${p.name}: ${p.message}`
            : JSON.stringify(redactSecrets(p)),
      )
      .join(' ');
  // Bolt logs a debug line on every ack; the text is built only when the line would be written.
  return {
    debug: (...msg) => {
      if (child.isLevelEnabled('debug')) child.debug(line(msg));
    },
    info: (...msg) => child.info(line(msg)),
    warn: (...msg) => child.warn(line(msg)),
    error: (...msg) => child.error(line(msg)),
    setLevel: (next) => {
      level = next;
      // Never louder than the application's own level.
      if (logger.levelVal <= logger.levels.values[TO_PINO[next]]!) child.level = TO_PINO[next];
    },
    getLevel: () => level,
    setName: (name) => {
      child = logger.child({ component: name });
    },
  };
}
