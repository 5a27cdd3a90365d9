import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';

/**
 * Counts every answered request by method, route pattern (never the raw URL, which would explode
 * label cardinality with run ids) and status.
 */
export function countHttpRequests(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'syntra_http_requests_total',
    help: 'HTTP requests answered by the control API',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
}
