import { PassThrough } from 'node:stream';
import { buildApp } from '../../src/api/app.js';
import { openBus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { createTestKey } from '../../test/access/admin-key.js';
import { legacyPump } from './legacy-pump.js';

/**
 * The API process of `bench stream`, alone in its process so its CPU is its own: the real app
 * (hub route) plus, for the "before" rows, the old per-stream pump at /legacy/runs/:runId/events.
 * Counts every statement it sends to PostgreSQL; answers `stats` over IPC with that count and its CPU time.
 * argv: <database url>. Prints {port, apiKey} once listening.
 */
const [url] = process.argv.slice(2);
let queries = 0;
const pool = connectPostgres(url!, { max: 20 });
const db: Database = {
  dialect: pool.dialect,
  query: <R,>(text: string, params?: readonly unknown[]) => {
    queries++;
    return pool.query<R>(text, params);
  },
  exec: (sql) => pool.exec(sql),
  transaction: (fn) => {
    queries++;
    return pool.transaction(fn);
  },
  close: () => pool.close(),
};

const config = loadConfig(
  { NATS_URL: process.env.NATS_URL ?? '', SYNTRA_LOG_LEVEL: 'silent', SYNTRA_RATE_LIMIT_PER_MINUTE: '1000000', SYNTRA_RATE_LIMIT_PER_HOUR: '1000000' },
  { host: '127.0.0.1', port: 0 },
);
const bus = await openBus(config);
const pollMs = 500;
const app = await buildApp({ config, db, bus, logger: false, timing: { eventsPollMs: pollMs } });
app.get<{ Params: { runId: string }; Querystring: { after?: string } }>('/legacy/runs/:runId/events', { config: { permission: 'runs:read' } }, async (request, reply) => {
  const abort = new AbortController();
  reply.raw.once('close', () => abort.abort());
  const out = new PassThrough();
  void legacyPump(out, { db, bus, runId: request.params.runId, afterSeq: Number(request.query.after ?? 0), pollMs, signal: abort.signal });
  return reply.header('content-type', 'text/event-stream; charset=utf-8').send(out);
});
const { apiKey } = await createTestKey(pool);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send!({ port: typeof address === 'object' && address ? address.port : 0, apiKey });
process.on('message', (m) => {
  if (m === 'stats') process.send!({ queries, cpu: process.cpuUsage() });
  if (m === 'stop') void app.close().then(() => Promise.all([bus.close(), pool.close()])).then(() => process.exit(0));
});
