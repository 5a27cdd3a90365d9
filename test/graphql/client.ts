import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { buildApp, type SyntraApp } from '../../src/api/app.js';
import { openBus, type Bus } from '../../src/bus/bus.js';
import { loadConfig, type SyntraConfig } from '../../src/config.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The real app listening on 127.0.0.1, with no default credential (unlike the API harness), so
 * "no credential" means none; a GraphQL-over-HTTP client (fetch) and a graphql-ws client (ws).
 */
export interface GraphQLServer {
  app: SyntraApp;
  db: Database;
  bus: Bus;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startGraphQLServer(env: Record<string, string> = {}, overrides: Partial<SyntraConfig> = {}): Promise<GraphQLServer> {
  const testDb: TestDatabase = await createTestDatabase();
  const config = loadConfig({ NATS_URL: process.env.NATS_URL ?? '', SYNTRA_LOG_LEVEL: 'silent', ...env }, { host: '127.0.0.1', port: 0, ...overrides });
  const bus = await openBus(config);
  const app = await buildApp({ config, db: testDb.db, bus, logger: false, timing: { eventsPollMs: 200 } });
  await announceWorker(testDb.db, { workerId: 'graphql-test', transport: 'database', taskTypes: ['echo'] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    db: testDb.db,
    bus,
    url: `http://127.0.0.1:${address.port}/graphql`,
    wsUrl: `ws://127.0.0.1:${address.port}/graphql`,
    async close() {
      await app.close();
      await bus.close().catch(() => {});
      await testDb.drop();
    },
  };
}

export interface GraphQLError {
  message: string;
  path?: string[];
  extensions?: { code?: string; details?: unknown };
}
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLError[] | undefined;
}

export async function gql<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T | null; errors?: GraphQLError[] };
  return { status: res.status, data: body.data, errors: body.errors };
}

export const codes = (r: { errors?: GraphQLError[] | undefined }): string[] => (r.errors ?? []).map((e) => e.extensions?.code ?? '?');

export function wsClient(wsUrl: string, connectionParams: Record<string, string> = {}): Client {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** Everything a subscription yields until it completes, or its first error (as thrown). */
export function collect<T = unknown>(client: Client, query: string, variables: Record<string, unknown> = {}, until?: (items: T[]) => boolean): Promise<{ items: T[]; errors: GraphQLError[] }> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    const stop = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (msg) => {
          if (msg.errors) {
            stop();
            resolve({ items, errors: msg.errors as unknown as GraphQLError[] });
            return;
          }
          items.push(Object.values(msg.data ?? {})[0] as T);
          if (until?.(items)) {
            stop();
            resolve({ items, errors: [] });
          }
        },
        error: (e) => {
          if (Array.isArray(e)) resolve({ items, errors: e as GraphQLError[] });
          else reject(e instanceof Error ? e : new Error(JSON.stringify(e)));
        },
        complete: () => resolve({ items, errors: [] }),
      },
    );
  });
}
