import { createServer } from 'node:http';
import { SyntraError } from '../domain/errors.js';
import { controlPlaneMetrics } from '../control-plane/metrics.js';
import { reachableUrl } from './lifecycle.js';

/**
 * `syntra worker --metrics-port`: the worker's own counters (claims, completions, failures,
 * lease expiries, run durations, model tokens and cost) on GET /metrics, which only the API
 * serves otherwise. No credential: it is meant for a port reachable only inside the cluster (the
 * install's NetworkPolicy lets in-cluster pods reach it, nothing from outside), and it shows
 * counts, no run content. Anything but GET /metrics answers 404.
 */
export async function startMetricsServer(host: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const registry = controlPlaneMetrics.registry;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new SyntraError('config_invalid', `metrics port ${port} on ${host} is already in use; choose another with --metrics-port or SYNTRA_METRICS_PORT`, { cause: e }) : e),
    );
    server.listen({ host, port }, resolve);
  });
  return {
    url: `${reachableUrl(server.address(), host)}/metrics`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
