import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { connectPostgres } from '../../src/db/postgres.js';
import type { Database } from '../../src/db/database.js';
import { createTestKey } from '../access/admin-key.js';
import { killAll, startCli, within, type CliProcess } from '../api/spawn-cli.js';
import { NATS_SERVER_BIN, ownNatsServer, waitFor, type OwnNatsServer } from '../helpers/bus.js';
import { ownPostgres, ownPostgresUnavailable, type OwnPostgres } from '../helpers/own-postgres.js';
import { existsSync } from 'node:fs';

/**
 * Chaos on real processes: `syntra server` and two `syntra worker`s on a private PostgreSQL
 * cluster and a private nats-server that this file starts, kills and restarts (never the
 * machine's). Short on purpose; the long runs are `npm run chaos` (docs/reliability.md).
 */
const skipReason = ownPostgresUnavailable() ?? (existsSync(NATS_SERVER_BIN) ? undefined : `no ${NATS_SERVER_BIN}`);
const LEASE_SECONDS = 2;

describe.skipIf(skipReason !== undefined)(`chaos: server and workers as processes${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let postgres: OwnPostgres;
  let nats: OwnNatsServer;
  let db: Database;
  let server: CliProcess;
  let workers: CliProcess[];
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([ownPostgres(), ownNatsServer()]);
    const url = await postgres.createDatabase('syntra_chaos');
    db = connectPostgres(url, { max: 2 });
    await migrate(db);
    auth = (await createTestKey(db)).headers;
    const env = {
      DATABASE_URL: url,
      NATS_URL: nats.url,
      SYNTRA_PORT: '0',
      SYNTRA_POLL_INTERVAL_MS: '300',
      SYNTRA_LEASE_SECONDS: String(LEASE_SECONDS),
      SYNTRA_RATE_LIMIT_PER_MINUTE: '1000000',
      SYNTRA_RATE_LIMIT_PER_HOUR: '100000000',
      // syntra server on PostgreSQL seals its signing keys with a master key from outside the database.
      SYNTRA_MASTER_KEY: 'the chaos runs\' master key, 32 characters or more',
    };
    server = startCli(['server'], env);
    workers = [startCli(['worker', '--concurrency', '2'], env), startCli(['worker', '--concurrency', '2'], env)];
    [base] = await Promise.all([
      server.waitForLine(/listening: (http:\/\/\S+)/, 90_000),
      ...workers.map((w) => w.waitForLine(/(Syntra worker running)/, 90_000)),
    ]);
  }, 150_000); // three cold process starts on a loaded 2-core machine

  afterAll(async () => {
    for (const p of [server, ...(workers ?? [])]) p?.child.kill('SIGTERM');
    await Promise.all([server, ...(workers ?? [])].map((p) => p && within(p.exited, 20_000, 'exit').catch(() => killAll())));
    killAll();
    await db?.close();
    await nats?.dispose();
    await postgres?.dispose();
  }, 60_000);

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
  const submit = async (kind: string, input: unknown) => {
    const res = await api('/v1/commands/submit', { method: 'POST', body: JSON.stringify({ kind, input }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { runId: string }).runId;
  };
  type Detail = { run: { status: string; output: unknown }; tasks: Array<{ attempts: number }>; events: Array<{ type: string }> };
  const finished = (runId: string, timeoutMs = 30_000) =>
    waitFor(async () => {
      const res = await api(`/v1/runs/${runId}`);
      if (res.status !== 200) return undefined;
      const d = (await res.json()) as Detail;
      return ['succeeded', 'failed', 'cancelled'].includes(d.run.status) ? d : undefined;
    }, `run ${runId} to finish`, timeoutMs, 100);

  it('kill -9 of a worker mid-task: the task is reclaimed after the lease and completed exactly once', async () => {
    const runId = await submit('sleep', { ms: 1500 });
    const owner = await waitFor(async () => {
      const r = await db.query<{ lease_owner: string | null }>(`SELECT lease_owner FROM queue_items WHERE run_id = $1 AND state = 'leased'`, [runId]);
      return r.rows[0]?.lease_owner ?? undefined;
    }, 'a worker to claim the sleep task', 20_000);
    const pid = Number(owner.split(':').at(-2));
    const victim = workers.find((w) => w.child.pid === pid);
    expect(victim, `the lease owner ${owner} is one of our worker processes`).toBeDefined();
    victim!.child.kill('SIGKILL');
    expect(await within(victim!.exited, 10_000, 'the killed worker to exit')).toBeNull();

    const d = await finished(runId);
    expect(d.run.status).toBe('succeeded');
    expect(d.run.output).toEqual({ sleptMs: 1500 });
    expect(d.tasks[0]!.attempts).toBe(2);
    expect(d.events.filter((e) => e.type === 'task.lease_expired')).toHaveLength(1);
    expect(d.events.filter((e) => e.type === 'task.succeeded')).toHaveLength(1);
    const lease = await db.query<{ lease_owner: string }>(`SELECT lease_owner FROM queue_items WHERE run_id = $1`, [runId]);
    expect(lease.rows[0]!.lease_owner).not.toBe(owner);
  }, 60_000);

  it('NATS stopped: the API stays ready (degraded) and runs complete by polling; wakeups resume when it is back', async () => {
    await nats.stop();
    const readiness = async () => ((await (await fetch(`${base}/readyz`)).json()) as { status?: string }).status;
    await waitFor(async () => (await readiness()) === 'degraded', 'the server to report the bus degraded', 20_000, 100);
    const during = await Promise.all([1, 2, 3].map((n) => submit('echo', { n })));
    for (const runId of during) expect((await finished(runId)).run.status).toBe('succeeded');

    await nats.start();
    await waitFor(async () => (await readiness()) === 'ready', 'the server to reconnect to the bus', 30_000, 200);
    expect((await finished(await submit('echo', { after: true }))).run.status).toBe('succeeded');
  }, 90_000);

  it('PostgreSQL connections terminated, then the server stopped: 503 unavailable with Retry-After, then recovery', async () => {
    await postgres.terminateConnections('syntra_chaos');
    const statuses: number[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) statuses.push((await api('/v1/runs')).status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.at(-1)).toBe(200);

    await postgres.stop('fast');
    const down = await api('/v1/runs');
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    const submitDown = await api('/v1/commands/submit', { method: 'POST', body: JSON.stringify({ kind: 'echo', input: {} }) });
    expect(submitDown.status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);

    await postgres.start();
    await waitFor(async () => (await api('/v1/runs')).status === 200, 'the API to serve again', 30_000, 200);
    // The surviving worker recovered too: new work completes.
    expect((await finished(await submit('echo', { recovered: true }))).run.status).toBe('succeeded');
  }, 90_000);
});
