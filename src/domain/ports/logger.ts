/**
 * What the use cases need of a logger: structured fields first, then the message. The composition root hands
 * in the redacting pino logger; tests hand in a silent or capturing one.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
