import type { Database } from '../../src/db/database.js';

/**
 * Loads `count` finished runs of history, set-based (INSERT … SELECT generate_series, one
 * statement per table and chunk), spread like a real installation's: 90 days of created_at,
 * 20 namespaces (one run in ten without one), three kinds, 85 % succeeded / 10 % failed / 5 %
 * cancelled, one to three tasks per run with their (done) queue items, and a ledger of
 * run.started, task.started + task.<outcome> per task, run.<outcome>: 4 to 8 events per run.
 * Ids are UUIDv7-shaped (creation time in the first 48 bits), as syntra_uuidv7 mints them.
 */
export const KINDS = ['diagnose', 'ask', 'bench.echo'] as const;
export const NAMESPACES = Array.from({ length: 20 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const CHUNK = 100_000;

const SETUP = `
CREATE OR REPLACE FUNCTION pg_temp.v7(at timestamptz, salt text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(set_bit(set_bit(overlay(decode(md5(salt), 'hex')
    PLACING substring(int8send((extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$`;

/** One row per run of the chunk with everything the tables derive from it. */
const RUNS_OF_CHUNK = `
  SELECT i,
         now() - interval '90 days' * (1 - i::float8 / $3) AS at,
         CASE WHEN i % 10 = 0 THEN NULL ELSE ($4::text[])[1 + (i * 7919) % 20] END AS ns,
         -- Kind from a hash of the run id, status from i: independent, as they are in real use.
         ($5::text[])[1 + CASE WHEN abs(hashtext(pg_temp.v7(now() - interval '90 days' * (1 - i::float8 / $3), 'r' || i)::text)) % 20 < 12 THEN 0
                               WHEN abs(hashtext(pg_temp.v7(now() - interval '90 days' * (1 - i::float8 / $3), 'r' || i)::text)) % 20 < 17 THEN 1 ELSE 2 END] AS kind,
         CASE WHEN i % 20 < 17 THEN 'succeeded' WHEN i % 20 < 19 THEN 'failed' ELSE 'cancelled' END AS status,
         1 + (i * 31) % 3 AS ntasks
    FROM generate_series($1::bigint, $2::bigint) AS i`;

export async function loadHistory(db: Database, count: number, onProgress: (done: number) => void): Promise<void> {
  await db.query(SETUP);
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    const params = [from, to, count, NAMESPACES, [...KINDS]];
    await db.transaction(async (tx) => {
      await tx.query(SETUP);
      await tx.query(
        `INSERT INTO commands (id, kind, input, namespace, created_at, created_by)
         SELECT pg_temp.v7(at, 'c' || i), kind, jsonb_build_object('question', 'why is svc-' || (i % 500) || ' crashing?'), ns, at, 'bench'
           FROM (${RUNS_OF_CHUNK}) r`,
        params,
      );
      await tx.query(
        `INSERT INTO threads (id, command_id, created_at) SELECT pg_temp.v7(at, 't' || i), pg_temp.v7(at, 'c' || i), at FROM (${RUNS_OF_CHUNK}) r`,
        params,
      );
      await tx.query(
        `INSERT INTO runs (id, command_id, thread_id, kind, status, namespace, input, output, error, created_at, started_at, finished_at, last_seq)
         SELECT pg_temp.v7(at, 'r' || i), pg_temp.v7(at, 'c' || i), pg_temp.v7(at, 't' || i), kind, status, ns,
                jsonb_build_object('question', 'why is svc-' || (i % 500) || ' crashing?'),
                CASE WHEN status = 'succeeded' THEN jsonb_build_object('rootCause', 'CrashLoopBackOff', 'confidence', 0.82, 'summary', 'container exits 1: missing env DATABASE_URL') END,
                CASE WHEN status = 'failed' THEN '{"code":"handler_failed","message":"model timeout"}'::jsonb
                     WHEN status = 'cancelled' THEN '{"code":"cancelled","message":"cancelled by request"}'::jsonb END,
                at, at + interval '1 second', at + interval '40 seconds', 2 + 2 * ntasks
           FROM (${RUNS_OF_CHUNK}) r`,
        params,
      );
      await tx.query(
        `INSERT INTO tasks (id, run_id, task_type, status, input, output, attempts, created_at, started_at, finished_at)
         SELECT pg_temp.v7(at + k * interval '10 seconds', 'k' || i || '.' || k), pg_temp.v7(at, 'r' || i), kind,
                CASE WHEN k < ntasks THEN 'succeeded' ELSE status END, '{}'::jsonb, CASE WHEN k < ntasks OR status = 'succeeded' THEN '{"ok":true}'::jsonb END, 1,
                at + k * interval '10 seconds', at + k * interval '10 seconds' + interval '1 second', at + k * interval '10 seconds' + interval '9 seconds'
           FROM (${RUNS_OF_CHUNK}) r, generate_series(1, ntasks) AS k`,
        params,
      );
      await tx.query(
        `INSERT INTO queue_items (id, task_id, run_id, task_type, state, attempts, available_at, created_at)
         SELECT pg_temp.v7(at + k * interval '10 seconds', 'q' || i || '.' || k), pg_temp.v7(at + k * interval '10 seconds', 'k' || i || '.' || k),
                pg_temp.v7(at, 'r' || i), kind, CASE WHEN k < ntasks OR status = 'succeeded' THEN 'done' WHEN status = 'failed' THEN 'dead' ELSE 'cancelled' END,
                1, at + k * interval '10 seconds', at + k * interval '10 seconds'
           FROM (${RUNS_OF_CHUNK}) r, generate_series(1, ntasks) AS k`,
        params,
      );
      // seq 1: run.started; 2k, 2k+1: task k started/finished; last: the run's outcome.
      await tx.query(
        `INSERT INTO ledger_events (id, run_id, seq, task_id, type, actor, data, created_at)
         SELECT pg_temp.v7(at + e.seq * interval '5 seconds', 'e' || i || '.' || e.seq), pg_temp.v7(at, 'r' || i), e.seq,
                CASE WHEN e.k IS NOT NULL THEN pg_temp.v7(at + e.k * interval '10 seconds', 'k' || i || '.' || e.k) END,
                e.type, CASE WHEN e.k IS NOT NULL THEN 'worker-' || (i % 8) END, e.data, at + e.seq * interval '5 seconds'
           FROM (${RUNS_OF_CHUNK}) r,
                LATERAL (
                  SELECT 1 AS seq, NULL::int AS k, 'run.started' AS type, '{}'::jsonb AS data
                  UNION ALL
                  SELECT 2 * k + s, k, CASE WHEN s = 0 THEN 'task.started' WHEN k < ntasks OR status = 'succeeded' THEN 'task.succeeded' ELSE 'task.' || status END,
                         CASE WHEN s = 0 THEN jsonb_build_object('attempt', 1) ELSE jsonb_build_object('attempt', 1, 'durationMs', 8000 + i % 1000) END
                    FROM generate_series(1, ntasks) AS k, generate_series(0, 1) AS s
                  UNION ALL
                  SELECT 2 + 2 * ntasks, NULL, 'run.' || status, jsonb_build_object('status', status)
                ) e`,
        params,
      );
    });
    onProgress(to);
  }
  // A steady-state database: autovacuum has run, statistics and the visibility map are current.
  await db.query('VACUUM (ANALYZE) commands, threads, runs, tasks, queue_items, ledger_events');
}
