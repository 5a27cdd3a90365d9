import { migrate } from '../../src/db/migrate.js';
import { connectPostgres } from '../../src/db/postgres.js';
import type { Database } from '../../src/db/database.js';
import { createTestKey } from '../../test/access/admin-key.js';
import { killAll, startCli, within, type CliProcess } from '../../test/api/spawn-cli.js';
import { ownNatsServer, type OwnNatsServer } from '../../test/helpers/bus.js';
import { ownPostgres, type OwnPostgres } from '../../test/helpers/own-postgres.js';

/**
 * The distributed deployment the chaos runs break: `syntra server` and N `syntra worker`
 * processes on a private PostgreSQL cluster and a private nats-server (the same helpers the chaos
 * tests use), never the machine's servers.
 */
export interface ChaosStack {
  base: string;
  auth: Record<string, string>;
  /** A small pool of the harness's own, to verify what the system stored. */
  db: Database;
  postgres: OwnPostgres;
  nats: OwnNatsServer;
  server: CliProcess;
  workers: CliProcess[];
  /** Processes that exited before stop() (a crash is a failed run): name, exit code, last stderr line. */
  crashed(): string[];
  stop(): Promise<void>;
}

export async function startStack(options: { workers: number; concurrency: number; database: string }): Promise<ChaosStack> {
  const [postgres, nats] = await Promise.all([ownPostgres(), ownNatsServer()]);
  const url = await postgres.createDatabase(options.database);
  const db = connectPostgres(url, { max: 4 });
  await migrate(db);
  const auth = (await createTestKey(db)).headers;
  const env = {
    DATABASE_URL: url,
    NATS_URL: nats.url,
    SYNTRA_PORT: '0',
    SYNTRA_POLL_INTERVAL_MS: '500',
    SYNTRA_LEASE_SECONDS: '10',
    SYNTRA_WORKER_CONCURRENCY: String(options.concurrency),
    // The load generator is one client key: its budget is not what these runs measure.
    SYNTRA_RATE_LIMIT_PER_MINUTE: '1000000',
    SYNTRA_RATE_LIMIT_PER_HOUR: '100000000',
    SYNTRA_LOG_LEVEL: 'error',
    // syntra server on PostgreSQL seals its signing keys with a master key from outside the database.
    SYNTRA_MASTER_KEY: 'the chaos runs\' master key, 32 characters or more',
  };
  const server = startCli(['server'], env);
  const workers = Array.from({ length: options.workers }, () => startCli(['worker'], env));
  const [base] = await Promise.all([
    server.waitForLine(/listening: (http:\/\/\S+)/, 120_000),
    ...workers.map((w) => w.waitForLine(/(Syntra worker running)/, 120_000)),
  ]);
  let stopping = false;
  const crashes: string[] = [];
  const named: Array<[string, CliProcess]> = [['server', server], ...workers.map((w, i): [string, CliProcess] => [`worker ${i + 1}`, w])];
  for (const [name, p] of named) {
    void p.exited.then((code) => {
      if (!stopping) crashes.push(`${name} exited ${code ?? p.child.signalCode}: ${p.err().trim().split('\n').slice(-3).join(' | ')}`);
    });
  }
  return {
    base: base!,
    auth,
    db,
    postgres,
    nats,
    server,
    workers,
    crashed: () => [...crashes],
    async stop() {
      stopping = true;
      for (const p of [server, ...workers]) p.child.kill('SIGTERM');
      await Promise.all([server, ...workers].map((p) => within(p.exited, 30_000, 'process exit').catch(() => undefined)));
      killAll();
      await db.close();
      await nats.dispose();
      await postgres.dispose();
    },
  };
}
