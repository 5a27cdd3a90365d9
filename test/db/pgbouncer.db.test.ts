import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../src/bus/in-process.js';
import type { Bus } from '../../src/bus/bus.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { startRelay } from '../../src/control-plane/relay.js';
import { getRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { connectPostgres } from '../../src/db/postgres.js';
import { TaskHandlerRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';
import { waitFor } from '../helpers/bus.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/db.js';
import { ownPgBouncer, PGBOUNCER_BIN, type OwnPgBouncer } from '../helpers/pgbouncer.js';

/**
 * Syntra behind PgBouncer in transaction pooling mode (docs/operations.md, "Poolers"): every
 * transaction may run on another server session, so nothing may rely on session state —
 * named prepared statements, LISTEN, SET, session advisory locks. The pool here has 2 server
 * connections for 12 clients, so consecutive statements of one client do change sessions.
 */
const skip =
  testBackend() !== 'postgres' ? 'needs the PostgreSQL backend (a pooler sits in front of a server)' : !existsSync(PGBOUNCER_BIN) ? `${PGBOUNCER_BIN} is missing (apt-get install pgbouncer)` : undefined;
if (skip && testBackend() === 'postgres') console.warn(`PgBouncer test skipped: ${skip}`);

describe.skipIf(skip !== undefined)(`through PgBouncer in transaction pooling mode${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let t: TestDatabase;
  let bouncer: OwnPgBouncer;
  let db: Database;
  let bus: Bus;
  beforeAll(async () => {
    t = await createTestDatabase();
    bouncer = await ownPgBouncer(t.url!, { serverConnections: 2 });
    db = connectPostgres(bouncer.url, { max: 12 });
    bus = createInProcessBus();
  });
  afterAll(async () => {
    await db?.close();
    await bouncer?.dispose();
    await bus?.close();
    await t?.drop();
  });

  it('migrates, submits, relays, claims and completes (batched), with gap-free ledgers', async () => {
    // Already migrated: this is the check every process start makes (advisory lock per transaction).
    await migrate(db);
    const registry = new TaskHandlerRegistry().register('pooled', async (ctx) => {
      await ctx.appendEvent('pooled.progress', { step: 1 });
      await new Promise((r) => setTimeout(r, 5));
      return { output: { n: (ctx.input as { n: number }).n } };
    });
    const relay = startRelay({ db, bus, intervalMs: 100 });
    const worker = startWorker({ db, bus, registry, workerId: 'pgbouncer-test', concurrency: 8, pollIntervalMs: 200, leaseSeconds: 30, shutdownGraceMs: 2000 });
    try {
      const runIds = await Promise.all(Array.from({ length: 24 }, (_, n) => submitCommand(db, { kind: 'pooled', input: { n } }).then((r) => r.runId)));
      await waitFor(
        async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`, [runIds])).rows[0]!.n === runIds.length,
        'every run to succeed through the pooler',
        30_000,
        100,
      );
      await waitFor(async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).rows[0]!.n === 0, 'the outbox to be relayed');
      for (const runId of runIds) {
        const detail = (await getRun(db, runId))!;
        expect(detail.tasks.map((task) => task.status)).toEqual(['succeeded']);
        expect(detail.events.map((e) => e.seq)).toEqual(detail.events.map((_, i) => i + 1));
        expect(detail.events.map((e) => e.type)).toContain('pooled.progress');
      }
    } finally {
      await worker.stop();
      await relay.stop();
    }
    // It all went through the pooler, and the pooler saw nothing it had to refuse.
    expect(bouncer.log()).toMatch(/login attempt: db=\S+ user=/);
    expect(bouncer.log()).not.toMatch(/prepared statement|ERROR|WARNING/);
  });
});
