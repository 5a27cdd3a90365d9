import type * as OtelApi from '@opentelemetry/api';

/**
 * Spans for the path of one run (submit → outbox → wakeup → each task → Kubernetes and model
 * calls). Without OTEL_EXPORTER_OTLP_ENDPOINT nothing here is loaded or allocated: every helper
 * checks `active` first and calls straight through, and @opentelemetry/api is only imported by
 * otel-sdk.ts when tracing starts. The trace context crosses processes as a W3C `traceparent`
 * string, stored on the run and its queue items (migration 065) and carried in wakeups.
 */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

interface Active {
  api: typeof OtelApi;
  tracer: OtelApi.Tracer;
}
let active: Active | undefined;

/** Called by startTracing once the SDK runs; undefined turns spans off again (tests, shutdown). */
export function setTracing(a: Active | undefined): void {
  active = a;
}

export const tracingEnabled = (): boolean => active !== undefined;

function clean(attrs: SpanAttributes): OtelApi.Attributes {
  const out: OtelApi.Attributes = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = v;
  return out;
}

/** The context a `traceparent` names, or the current one when there is none. */
function contextOf(a: Active, traceparent: string | null | undefined): OtelApi.Context {
  if (!traceparent) return a.api.context.active();
  return a.api.propagation.extract(a.api.ROOT_CONTEXT, { traceparent });
}

/**
 * Runs fn inside a span (a child of `parent` when given, else of the active span); the span
 * records an exception and an error status when fn throws. Off: fn() and nothing else.
 */
export function inSpan<T>(name: string, attrs: SpanAttributes, fn: () => Promise<T>, parent?: string | null, kind?: 'server' | 'client' | 'consumer' | 'producer'): Promise<T> {
  const a = active;
  if (!a) return fn();
  const spanKind = kind ? { server: a.api.SpanKind.SERVER, client: a.api.SpanKind.CLIENT, consumer: a.api.SpanKind.CONSUMER, producer: a.api.SpanKind.PRODUCER }[kind] : a.api.SpanKind.INTERNAL;
  return a.tracer.startActiveSpan(name, { kind: spanKind, attributes: clean(attrs) }, contextOf(a, parent), async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: a.api.SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** A span with no work inside (a wakeup received, a row relayed), ended at once. */
export function markSpan(name: string, attrs: SpanAttributes, parent: string | null | undefined, kind: 'producer' | 'consumer'): void {
  const a = active;
  if (!a || !parent) return;
  const span = a.tracer.startSpan(name, { kind: kind === 'producer' ? a.api.SpanKind.PRODUCER : a.api.SpanKind.CONSUMER, attributes: clean(attrs) }, contextOf(a, parent));
  span.end();
}

/** Adds attributes to the active span (e.g. token counts once a model answered). */
export function annotateSpan(attrs: SpanAttributes): void {
  active?.api.trace.getActiveSpan()?.setAttributes(clean(attrs));
}

/** The active span as a `traceparent`, to store with work another process picks up. */
export function currentTraceparent(): string | undefined {
  const a = active;
  if (!a) return undefined;
  const carrier: { traceparent?: string } = {};
  a.api.propagation.inject(a.api.context.active(), carrier);
  return carrier.traceparent;
}

/** The `traceparent` a wakeup or outbox payload carries, if any. */
export function traceparentOf(payload: unknown): string | undefined {
  const t = typeof payload === 'object' && payload !== null ? (payload as { traceparent?: unknown }).traceparent : undefined;
  return typeof t === 'string' ? t : undefined;
}
