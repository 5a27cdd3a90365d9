import type { IncomingMessage } from 'node:http';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Bus } from '../../src/bus/bus.js';
import { openBus } from '../../src/bus/bus.js';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { startRelay, type Relay } from '../../src/control-plane/relay.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import type { ApiTiming } from '../../src/api/context.js';
import { loadConfig, type SyntraConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../helpers/db.js';
import { createTestKey, createWorkerKey } from '../access/admin-key.js';
import { createAccess, type AccessOptions } from '../../src/access/access.js';

/**
 * The control API over this test file's own fresh database and the real bus of the backend under
 * test (in-process for PGlite, NATS when NATS_URL is set), not listening unless asked to.
 */
export interface ApiHarness {
  app: SyntraApp;
  db: Database;
  bus: Bus;
  config: SyntraConfig;
  /** Auth is always on: the harness sends this admin key whenever a request carries no credentials. */
  authHeaders: { 'x-api-key': string };
  /** A worker credential (sk_worker_, every namespace) for the queue routes, which no user key reaches. */
  workerHeaders: { 'x-api-key': string };
  /** Starts listening on 127.0.0.1 with a free port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Task types the harness registers as served (no worker runs them unless a test starts one). */
export const HARNESS_KINDS = ['echo', 'sleep'];

export async function startApiHarness(
  options: { config?: Partial<SyntraConfig>; env?: Record<string, string>; timing?: Partial<ApiTiming>; relay?: boolean; access?: AccessOptions; kinds?: string[] } = {},
): Promise<ApiHarness> {
  const testDb = await createTestDatabase();
  const config = loadConfig(
    { NATS_URL: process.env.NATS_URL ?? '', SYNTRA_LOG_LEVEL: 'silent', ...options.env },
    { host: '127.0.0.1', port: 0, ...options.config },
  );
  const bus = await openBus(config);
  const app = await buildApp({
    config,
    db: testDb.db,
    bus,
    logger: false,
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.access ? { access: createAccess(testDb.db, options.access) } : {}),
  });
  const { headers: authHeaders, userId } = await createTestKey(testDb.db);
  const { headers: workerHeaders } = await createWorkerKey(testDb.db, userId);
  // Submits are refused for kinds no worker ever registered: register the ones this file submits.
  await announceWorker(testDb.db, { workerId: 'api-harness', transport: 'database', taskTypes: [...HARNESS_KINDS, ...(options.kinds ?? [])] });
  authenticateByDefault(app, authHeaders);
  // The outbox relay turns committed submits into bus wakeups, as in a real server process.
  const relay: Relay | undefined = options.relay ? startRelay({ db: testDb.db, bus, intervalMs: 200 }) : undefined;
  return {
    app,
    db: testDb.db,
    bus,
    config,
    authHeaders,
    workerHeaders,
    async listen() {
      // Plain fetch()/EventSource calls in tests get the admin key too (before Fastify sees them).
      app.server.prependListener('request', (req: IncomingMessage) => {
        if (!req.headers['x-api-key'] && !req.headers.authorization) req.headers['x-api-key'] = authHeaders['x-api-key'];
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      // Some tests close the bus or the database on purpose: bus.close() may throw then, db.close() is idempotent.
      await app.close();
      await relay?.stop();
      await bus.close().catch(() => {});
      // Not swallowed: a failing drop leaks a database on the server (the leak check reports it too).
      await testDb.drop();
    },
  };
}

/** inject() without credentials sends the harness's admin key; with credentials, exactly those. */
function authenticateByDefault(app: SyntraApp, headers: { 'x-api-key': string }): void {
  const inject = app.inject.bind(app) as (o: InjectOptions) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (o: InjectOptions | string) => Promise<LightMyRequestResponse> }).inject = (o) => {
    const opts: InjectOptions = typeof o === 'string' ? { url: o } : o;
    const given = (opts.headers ?? {}) as Record<string, unknown>;
    const hasCredential = Object.keys(given).some((k) => ['x-api-key', 'authorization'].includes(k.toLowerCase()));
    return inject({ ...opts, headers: hasCredential ? given : { ...given, ...headers } } as InjectOptions);
  };
}

/** Polls until fn returns a value that is not undefined; bounded by attempts, not wall-clock asserts. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, attempts = 200, everyMs = 50): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** POST a JSON body: the queue routes with the harness's worker credential, the rest with its admin key. */
export function postJson(h: ApiHarness, url: string, body: unknown): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(url.startsWith('/v1/queue/') ? h.workerHeaders : {}) },
    payload: JSON.stringify(body),
  });
}

export const json = (body: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(body) });
