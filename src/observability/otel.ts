/**
 * The OpenTelemetry implementation of `Tracing`. Only the composition root imports this module, dynamically,
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing else in caseops depends on OpenTelemetry.
 *
 * No global state: the provider, its tracer and the AsyncLocalStorage context manager belong to the returned
 * object, so nothing else in the process (a library that also speaks OpenTelemetry) is changed by it.
 * Spans go to the OTLP/HTTP endpoint in batches; `shutdown` sends what is left.
 */
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { redactText } from '../logging/logger.js';
import type { SpanAttributes, SpanHandle, SpanKindName, SpanOptions, Tracing } from './tracing.js';
import { ATTR } from './tracing.js';

const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
};

/** Names no attribute of ours has; one that matches is dropped rather than trusted. */
const CREDENTIAL_NAME = /token|secret|password|passwd|authori[sz]ation|cookie|api[_-]?key|signature|body/i;

/** Identifiers only, masked and bounded; undefined values and credential-like names are dropped. */
export function safeAttributes(attributes: SpanAttributes | undefined): Attributes {
  const safe: Attributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || CREDENTIAL_NAME.test(name)) continue;
    safe[name] = typeof value === 'string' ? bounded(redactText(value)) : value;
  }
  return safe;
}

function bounded(text: string, max = 256): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : typeof error;
}

function handle(span: Span): SpanHandle {
  return {
    setAttributes: (attributes) => span.setAttributes(safeAttributes(attributes)),
    addEvent: (name, attributes) => span.addEvent(name, safeAttributes(attributes)),
    fail: (error) => {
      span.setAttribute(ATTR.errorType, errorType(error));
      const message = error instanceof Error ? error.message : String(error);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: bounded(redactText(message).replace(/\s+/g, ' ')),
      });
    },
    end: () => span.end(),
  };
}

export interface OtelTracingOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  serviceName?: string;
  serviceVersion?: string;
  /** Another exporter (tests: InMemorySpanExporter); sent span by span, not batched. */
  exporter?: SpanExporter;
}

export function createOtelTracing(options: OtelTracingOptions): Tracing {
  const exporter =
    options.exporter ??
    // Headers (a collector's API key) come from OTEL_EXPORTER_OTLP_HEADERS, read by the exporter itself.
    new OTLPTraceExporter({ url: `${(options.endpoint ?? '').replace(/\/+$/, '')}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? 'caseops',
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    spanProcessors: [
      options.exporter ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter }),
    ],
  });
  const tracer = provider.getTracer('caseops');
  const contexts = new AsyncLocalStorageContextManager().enable();

  const start = (name: string, spanOptions: SpanOptions): { span: Span; context: Context } => {
    const parent = contexts.active() ?? ROOT_CONTEXT;
    const span = tracer.startSpan(
      name,
      { kind: KINDS[spanOptions.kind ?? 'internal'], attributes: safeAttributes(spanOptions.attributes) },
      parent,
    );
    return { span, context: trace.setSpan(parent, span) };
  };

  return {
    enabled: true,
    inSpan(name, spanOptions, work) {
      const { span, context } = start(name, spanOptions);
      const spanHandle = handle(span);
      return contexts.with(context, async () => {
        try {
          return await work(spanHandle);
        } catch (error) {
          spanHandle.fail(error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
    startActive(name, spanOptions, within) {
      const { span, context } = start(name, spanOptions);
      return contexts.with(context, () => within(handle(span)));
    },
    async shutdown() {
      await provider.shutdown();
      contexts.disable();
    },
  };
}
