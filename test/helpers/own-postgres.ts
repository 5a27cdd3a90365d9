import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './bus.js';

/**
 * A private PostgreSQL cluster for chaos tests and `npm run chaos`: `initdb` into a temporary
 * directory, `pg_ctl` on a free loopback port, so a test may stop, restart or cut it without
 * touching the machine's server. PostgreSQL refuses to run as root: as root the cluster runs as
 * the `postgres` system user (via runuser), otherwise as the current user.
 */
export interface OwnPostgres {
  port: number;
  /** Connection string of a database on this cluster (trust auth, superuser `syntra`). */
  url(database?: string): string;
  start(): Promise<void>;
  /** `fast` disconnects clients and shuts down cleanly; `immediate` is a crash (recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Ends every client session of `database`, as an operator's pg_terminate_backend would. */
  terminateConnections(database: string): Promise<number>;
  createDatabase(name: string): Promise<string>;
  dispose(): Promise<void>;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

const isRoot = () => process.getuid?.() === 0;

/** Why a private cluster cannot be started here, or undefined when it can (tests skip with this reason). */
export function ownPostgresUnavailable(): string | undefined {
  if (!binDir()) return 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)';
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root without a postgres system user to run the cluster as';
  return undefined;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const unavailable = ownPostgresUnavailable();
  if (unavailable) throw new Error(unavailable);
  const bin = binDir()!;
  const dir = mkdtempSync(path.join(tmpdir(), 'syntra-pg-'));
  const dataDir = path.join(dir, 'data');
  const asOwner = (cmd: string, args: string[]) => (isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asOwner(path.join(bin, cmd), args);
    const r = spawnSync(c, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'syntra', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  const url = (database = 'postgres') => `postgres://syntra@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  const server: OwnPostgres = {
    port,
    url,
    async start() {
      run('pg_ctl', ['-D', dataDir, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
    },
    async stop(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    terminateConnections: (database) =>
      admin(async (c) => (await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])).rowCount ?? 0),
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`odd database name ${name}`);
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      return url(name);
    },
    async dispose() {
      await server.stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
