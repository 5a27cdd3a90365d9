import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS from the configured allow-list; with an empty list nothing is registered and browsers on
 * other origins are refused by default. The preflight route @fastify/cors adds is public by nature:
 * browsers send no credentials on preflight.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'idempotency-key', 'last-event-id', 'authorization'],
    maxAge: 600,
  });
}
