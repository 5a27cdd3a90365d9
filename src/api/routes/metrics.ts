import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Gauge, type Registry } from 'prom-client';
import { queueStats } from '../../control-plane/queue-stats.js';
import { workerStats } from '../../control-plane/worker-stats.js';
import type { ApiContext } from '../context.js';

export interface MetricsOptions {
  /** The control plane's counters and histograms (claims, completions, latencies). */
  controlPlane: Registry;
  /** The API's own metrics (HTTP requests) and the queue depth gauge registered here. */
  api: Registry;
}

/** Shares one read among the gauges collected in the same scrape. */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read().finally(() => setImmediate(() => (pending = undefined))));
}

/**
 * GET /metrics — Prometheus text. Queue depth is read from the database at scrape time, so every
 * replica reports the same truth rather than what it happened to see.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<ApiContext & { metrics: MetricsOptions }> = async (app, ctx) => {
  const { controlPlane, api } = ctx.metrics;
  // One database read per scrape serves both queue gauges (and one both worker gauges).
  const stats = perScrape(() => queueStats(ctx.db));
  const workers = perScrape(() => workerStats(ctx.db));
  new Gauge({
    name: 'syntra_queue_depth',
    help: 'Queue items by state, read from the database at scrape time',
    labelNames: ['state'] as const,
    registers: [api],
    async collect() {
      this.reset();
      for (const [state, count] of Object.entries((await stats()).byState)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'syntra_queue_oldest_available_age_seconds',
    help: 'Age of the oldest queue item that is due and not claimed (0 when none waits), read at scrape time',
    registers: [api],
    async collect() {
      this.set((await stats()).oldestAvailableAgeSeconds);
    },
  });
  new Gauge({
    name: 'syntra_workers',
    help: 'Workers in the registry by status (live: heartbeat within 60 s; silent: missed heartbeats; stopped), read at scrape time',
    labelNames: ['status'] as const,
    registers: [api],
    async collect() {
      this.reset();
      const w = await workers();
      for (const [status, count] of Object.entries(w.byStatus)) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'syntra_worker_heartbeat_age_seconds',
    help: 'Seconds since the most recent heartbeat of any worker that has not stopped (-1 when there is none), read at scrape time',
    registers: [api],
    async collect() {
      this.set((await workers()).newestHeartbeatAgeSeconds ?? -1);
    },
  });

  new Gauge({
    name: 'syntra_bus_connected',
    help: '1 when this process is connected to the bus (NATS or in-process), 0 while wakeups fall back to polling',
    registers: [api],
    collect() {
      this.set(ctx.bus.isConnected() ? 1 : 0);
    },
  });

  app.get(
    '/metrics',
    {
      // Queue depths and rates are operational detail: scrape with an API key (Authorization: Bearer sk_…).
      config: { permission: 'control:read' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const text = [await controlPlane.metrics(), await api.metrics()].filter((t) => t.trim() !== '').join('\n');
      return reply.header('content-type', api.contentType).send(text);
    },
  );
};
