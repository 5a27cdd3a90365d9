import * as api from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setTracing } from './spans.js';
import { VERSION } from '../version.js';

/**
 * The OpenTelemetry SDK, imported only when tracing is on (tracing.ts). Traces only: Syntra's
 * metrics are Prometheus (/metrics) and its logs go to stderr, so the SDK's default OTLP metric
 * and log exporters are turned off here. The exporter reads the standard OTEL_EXPORTER_OTLP_*
 * variables (headers, timeout, compression) itself; spans go out over OTLP/HTTP (protobuf).
 */

/** Where spans go: the traces endpoint as given, or the general endpoint plus /v1/traces (the OTLP/HTTP rule). */
export function tracesUrl(env: NodeJS.ProcessEnv): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  return `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim().replace(/\/+$/, '')}/v1/traces`;
}

export async function startSdk(serviceName: string, env: NodeJS.ProcessEnv = process.env, version = VERSION): Promise<() => Promise<void>> {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || serviceName, 'service.version': version }),
    autoDetectResources: false,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(env) }))],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  setTracing({ api, tracer: api.trace.getTracer('syntra', version) });
  return async () => {
    setTracing(undefined);
    await sdk.shutdown();
  };
}
