import { describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { removeRetentionPolicy, setRetentionPolicy } from '../../src/control-plane/control-registry/index.js';
import { listEvents } from '../../src/control-plane/ledger.js';
import { claim, complete } from '../../src/control-plane/queue.js';
import { RETENTION_LEASE, retentionWindows, startRetentionJob } from '../../src/control-plane/retention-job.js';
import { archiveDueRuns } from '../../src/control-plane/run-archive.js';
import { getRun } from '../../src/control-plane/runs.js';
import type { Database } from '../../src/db/database.js';
import { SyntraError } from '../../src/domain/errors.js';
import { testBackend, useTestDatabase } from '../helpers/db.js';

const meta = { actor: 'test', reason: 'retention test' };

/** A run that went through the real queue: submitted, claimed, completed with a few events; optionally left running. */
async function makeRun(db: Database, o: { namespace: string; finishedDaysAgo?: number; cluster?: string; running?: boolean }): Promise<string> {
  const kind = `archive-${Math.random().toString(36).slice(2, 8)}`;
  const { runId } = await submitCommand(db, { kind, input: { q: 'why' }, namespace: o.namespace });
  if (o.cluster) await db.query(`UPDATE runs SET cluster = $2 WHERE id = $1`, [runId, o.cluster]);
  const [item] = await claim(db, { workerId: 'archive-test', taskTypes: [kind], limit: 1, leaseSeconds: 60 });
  if (!o.running) {
    await complete(db, { queueItemId: item!.queueItemId, leaseToken: item!.leaseToken, output: { answer: 42 }, events: [{ type: 'agent.step', data: { n: 1 } }, { type: 'agent.step', data: { n: 2, nested: { a: [1, 'x'] } } }] });
  }
  const days = o.finishedDaysAgo ?? 0;
  await db.query(
    `UPDATE runs SET created_at = created_at - make_interval(days => $2), finished_at = CASE WHEN finished_at IS NOT NULL THEN finished_at - make_interval(days => $2) END WHERE id = $1`,
    [runId, days],
  );
  return runId;
}

const archivedIds = async (db: Database) => (await db.query<{ id: string }>(`SELECT id::text AS id FROM runs WHERE archived_at IS NOT NULL ORDER BY id`)).rows.map((r) => r.id);
const hotRows = async (db: Database, runId: string) =>
  (
    await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM tasks WHERE run_id = $1)::int + (SELECT count(*) FROM ledger_events WHERE run_id = $1)::int + (SELECT count(*) FROM queue_items WHERE run_id = $1)::int AS n`,
      [runId],
    )
  ).rows[0]!.n;

describe('run retention: archiving finished runs', () => {
  const t = useTestDatabase();

  it('archives exactly the runs past their window (a namespace window wins, also "forever"), never a running one, and is idempotent', async () => {
    const due = await makeRun(t.db, { namespace: 'ret-default', finishedDaysAgo: 40 });
    const young = await makeRun(t.db, { namespace: 'ret-default', finishedDaysAgo: 10 });
    const keptForever = await makeRun(t.db, { namespace: 'ret-keep', finishedDaysAgo: 400 });
    const shortDue = await makeRun(t.db, { namespace: 'ret-short', finishedDaysAgo: 5 });
    const shortYoung = await makeRun(t.db, { namespace: 'ret-short', finishedDaysAgo: 1 });
    // Another cluster's namespace of the same name is another scope: the default window applies.
    const otherCluster = await makeRun(t.db, { namespace: 'ret-short', cluster: 'prod-eu', finishedDaysAgo: 5 });
    const running = await makeRun(t.db, { namespace: 'ret-short', finishedDaysAgo: 400, running: true });
    await setRetentionPolicy(t.db, { namespace: 'ret-keep', days: null }, meta);
    await setRetentionPolicy(t.db, { namespace: 'ret-short', days: 3 }, meta);
    await setRetentionPolicy(t.db, { namespace: 'ret-gone', days: 1 }, meta);
    await removeRetentionPolicy(t.db, { namespace: 'ret-gone' }, meta);
    expect(await retentionWindows(t.db, 30)).toEqual({ defaultDays: 30, byScope: { 'ret-keep': null, 'ret-short': 3 } });

    const job = startRetentionJob(t.db, { defaultDays: 30, holder: 'worker-a', intervalMs: 3_600_000, batch: 1 });
    try {
      expect(await job.runOnce()).toBe(2);
      expect(await archivedIds(t.db)).toEqual([due, shortDue].sort());
      for (const id of [due, shortDue]) expect(await hotRows(t.db, id)).toBe(0);
      for (const id of [young, keptForever, shortYoung, otherCluster, running]) expect(await hotRows(t.db, id)).toBeGreaterThan(0);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM run_archive`)).rows[0]).toEqual({ n: 2 });
      // Again: nothing more is due, nothing moves twice.
      expect(await job.runOnce()).toBe(0);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM run_archive`)).rows[0]).toEqual({ n: 2 });
      // One process at a time: another worker stands by while the lease is held.
      const other = startRetentionJob(t.db, { defaultDays: 30, holder: 'worker-b', intervalMs: 3_600_000 });
      expect(await other.runOnce()).toBeNull();
      await other.stop();
    } finally {
      await job.stop();
    }
    expect((await t.db.query(`SELECT count(*)::int AS n FROM watch_lease WHERE name = $1`, [RETENTION_LEASE])).rows[0]).toEqual({ n: 0 });
    // Without any window nothing is archived at all.
    expect(await archiveDueRuns(t.db, { defaultDays: null, byScope: { 'ret-keep': null } })).toBe(0);
  });

  it('a crash mid-batch leaves the batch as it was; the next round archives it, and the run reads exactly as before', async () => {
    const runId = await makeRun(t.db, { namespace: 'ret-crash', finishedDaysAgo: 90 });
    const before = await getRun(t.db, runId);
    const eventsBefore = await listEvents(t.db, runId);
    expect(eventsBefore.length).toBeGreaterThanOrEqual(4);
    const windows = { defaultDays: null, byScope: { 'ret-crash': 30 } };
    const crashed = await archiveDueRuns(t.db, windows, {
      beforeCommit: async (tx) => {
        // On PostgreSQL a real crash of the archiving session: the server ends it mid-transaction.
        if (testBackend() === 'postgres') await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
        throw new Error('crashed mid-batch');
      },
    }).then(
      () => 'committed',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(crashed).not.toBe('committed');
    expect(await archivedIds(t.db)).not.toContain(runId);
    expect(await hotRows(t.db, runId)).toBeGreaterThan(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM run_archive WHERE run_id = $1`, [runId])).rows[0]).toEqual({ n: 0 });

    expect(await archiveDueRuns(t.db, windows)).toBe(1);
    expect(await hotRows(t.db, runId)).toBe(0);
    expect(await getRun(t.db, runId)).toEqual(before);
    expect(await listEvents(t.db, runId)).toEqual(eventsBefore);
    expect(await listEvents(t.db, runId, { afterSeq: 2, limit: 2 })).toEqual(eventsBefore.slice(2, 4));
  });

  it('refuses retention policies it cannot apply', async () => {
    const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof SyntraError ? e.code : String(e)));
    expect(await codeOf(setRetentionPolicy(t.db, { namespace: 'ok-ns', days: 0 }, meta))).toBe('validation_failed');
    expect(await codeOf(setRetentionPolicy(t.db, { namespace: 'Not_A_Namespace', days: 7 }, meta))).toBe('validation_failed');
    expect(await codeOf(setRetentionPolicy(t.db, { namespace: 'ok-ns', days: 1.5 }, meta))).toBe('validation_failed');
    expect(await codeOf(removeRetentionPolicy(t.db, { namespace: 'never-set' }, meta))).toBe('not_found');
  });
});
