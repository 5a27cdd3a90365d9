import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Counts and times every answered request by method and route pattern (never the raw URL, which
 * would explode label cardinality with run ids); the count also by status.
 */
export function countHttpRequests(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'syntra_http_requests_total',
    help: 'HTTP requests answered by the control API',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'syntra_http_request_duration_seconds',
    help: 'Time to answer a request of the control API (until the response was sent; event streams count until they close)',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
