/**
 * Turns tracing on for this process when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-only
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise does nothing and loads nothing (the SDK
 * and @opentelemetry/api are imported lazily). Returns the shutdown that flushes pending spans.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  if (!tracingConfigured(env)) return async () => {};
  const { startSdk } = await import('./otel-sdk.js');
  return startSdk(serviceName, env);
}
