/**
 * The tracing seam the rest of caseops codes against. It imports nothing from OpenTelemetry: the composition
 * root loads `otel.ts` (and with it the SDK) with a dynamic import only when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set, and hands everything else `noTracing` otherwise.
 *
 * Attributes are identifiers only (vendor, case id, channel, operation, status): never a token, a header or a
 * body. The implementation drops any attribute whose name says credential and masks token-shaped values, as a
 * second line of defence.
 */

export type SpanAttributeValue = string | number | boolean;
export type SpanAttributes = Record<string, SpanAttributeValue | undefined>;

export type SpanKindName = 'server' | 'client' | 'internal';

export interface SpanOptions {
  kind?: SpanKindName;
  attributes?: SpanAttributes;
}

export interface SpanHandle {
  setAttributes(attributes: SpanAttributes): void;
  addEvent(name: string, attributes?: SpanAttributes): void;
  /** Marks the span failed: the error's code or class as `error.type`, and its message, masked. */
  fail(error: unknown): void;
  end(): void;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Runs `work` in a new span (a child of the current one) and ends it when `work` settles. */
  inSpan<T>(name: string, options: SpanOptions, work: (span: SpanHandle) => Promise<T>): Promise<T>;
  /**
   * Starts a span and runs `within` with it current, so work started there (synchronously or through
   * promises) becomes its children; the caller ends it (an HTTP request ends when its answer is sent).
   */
  startActive<T>(name: string, options: SpanOptions, within: (span: SpanHandle) => T): T;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

const noSpan: SpanHandle = {
  setAttributes: () => {},
  addEvent: () => {},
  fail: () => {},
  end: () => {},
};

export const noTracing: Tracing = {
  enabled: false,
  inSpan: (_name, _options, work) => work(noSpan),
  startActive: (_name, _options, within) => within(noSpan),
  shutdown: async () => {},
};

/** Attribute names shared across the code base, so a query in the tracing backend finds them all. */
export const ATTR = {
  vendor: 'caseops.vendor',
  caseId: 'caseops.case_id',
  operation: 'caseops.operation',
  outcome: 'caseops.outcome',
  channelId: 'slack.channel_id',
  teamId: 'slack.team_id',
  requestKind: 'slack.request.kind',
  // OpenTelemetry semantic conventions (HTTP, database, errors).
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  serverAddress: 'server.address',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  errorType: 'error.type',
} as const;
