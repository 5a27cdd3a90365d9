import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerAgents, startAgents } from '../../src/agents/index.js';
import { bootstrapAccess } from '../../src/access/bootstrap.js';
import { buildApp } from '../../src/api/app.js';
import { openBus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import type { Database } from '../../src/db/database.js';
import { createRegistry, TaskHandlerRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';
import { createTestDatabase } from '../helpers/db.js';

/**
 * What `syntra up` assembles — API, worker, outbox relay, access bootstrap writing the admin key
 * into the CLI config — but on this test file's own database (PGlite, or the real PostgreSQL +
 * NATS in the postgres project), listening on a free loopback port. The CLI under test is a
 * separate process (`node bin/syntra.js`), exactly as a user runs it.
 */
export interface CliServer {
  url: string;
  db: Database;
  /** A user config dir that `syntra up` would have written: endpoint + admin API key. */
  configDir: string;
  admin: { email: string; password: string; apiKey: string };
  /** A scratch directory to run the CLI in (project config lives under it). */
  workDir: string;
  close(): Promise<void>;
}

export const ADMIN_EMAIL = 'admin@cli.test';
export const ADMIN_PASSWORD = 'cli-test-password-not-secret';

/**
 * `agents: true` runs the real agents pipeline (plan → collect → analyze → review → report) on
 * the bundled demo cluster, rules-only; otherwise only the listed task types have handlers.
 */
export async function startCliServer(options: { taskTypes?: string[]; agents?: boolean } = {}): Promise<CliServer> {
  const testDb = await createTestDatabase();
  const root = mkdtempSync(path.join(tmpdir(), 'syntra-cli-test-'));
  const configDir = path.join(root, 'config');
  const workDir = path.join(root, 'work');
  const env = { NATS_URL: process.env.NATS_URL ?? '', SYNTRA_LOG_LEVEL: 'silent', SYNTRA_DATA_DIR: path.join(root, 'data'), SYNTRA_EVIDENCE: 'demo' };
  const config = loadConfig(env, { host: '127.0.0.1', port: 0 });
  const bus = await openBus(config);
  const all = createRegistry();
  // Leaving a task type out keeps its runs queued: how a test gets a run that is still going.
  const registry = options.taskTypes ? new TaskHandlerRegistry() : all;
  for (const t of options.taskTypes ?? []) {
    const handler = all.get(t);
    if (handler) registry.register(t, handler);
  }
  const agents = options.agents ? await startAgents(config, { db: testDb.db, bus }, { env: {} }) : undefined;
  if (agents) registerAgents(registry, agents.deps);
  const worker = startWorker({ db: testDb.db, bus, registry, ...config.worker, pollIntervalMs: 200 });
  await worker.registered;
  // A kind left out still counts as served (by a worker that is busy elsewhere): submits are accepted and stay queued.
  if (!options.agents) await announceWorker(testDb.db, { workerId: 'cli-test-absent-agents', transport: 'database', taskTypes: ['ask'] });
  const relay = startRelay({ db: testDb.db, bus, intervalMs: 200 });
  const app = await buildApp({ config, db: testDb.db, bus, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  await bootstrapAccess(testDb.db, {
    mode: 'embedded',
    endpoint: url,
    host: '127.0.0.1',
    env: { SYNTRA_CONFIG_DIR: configDir, SYNTRA_ADMIN_EMAIL: ADMIN_EMAIL, SYNTRA_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  mkdirSync(workDir, { recursive: true });
  const apiKey = (JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { apiKey: string }).apiKey;
  return {
    url,
    db: testDb.db,
    configDir,
    workDir,
    admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, apiKey },
    async close() {
      await app.close();
      await worker.stop();
      await relay.stop();
      await agents?.stop();
      await bus.close().catch(() => {});
      // Not swallowed: a failing drop leaks a database on the server (the leak check reports it too).
      await testDb.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
