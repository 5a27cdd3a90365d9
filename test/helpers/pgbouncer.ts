import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './bus.js';

/**
 * A real PgBouncer (Debian's /usr/sbin/pgbouncer) on a free loopback port in front of one
 * PostgreSQL database, in transaction pooling mode with fewer server connections than clients
 * will open, so consecutive transactions of one client really do land on different sessions.
 */
export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

export interface OwnPgBouncer {
  /** The same database, through the pooler. */
  url: string;
  log(): string;
  dispose(): Promise<void>;
}

export async function ownPgBouncer(databaseUrl: string, options: { serverConnections: number }): Promise<OwnPgBouncer> {
  if (!existsSync(PGBOUNCER_BIN)) throw new Error(`${PGBOUNCER_BIN} is missing: apt-get install pgbouncer`);
  const target = new URL(databaseUrl);
  const database = target.pathname.slice(1);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'syntra-pgbouncer-'));
  // Run as root, PgBouncer refuses to start; it then switches to `nobody`, who must read this.
  chmodSync(dir, 0o755);
  const ini = path.join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port || '5432'} dbname=${database} user=${decodeURIComponent(target.username) || 'postgres'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `default_pool_size = ${options.serverConnections}`,
      'max_client_conn = 200',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', ini] : [ini];
  const child = spawn(PGBOUNCER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!/process up|listening on/i.test(log)) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited ${child.exitCode}: ${log}`);
    if (Date.now() > deadline) throw new Error(`pgbouncer did not start within 10 s: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    log: () => log,
    async dispose() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
