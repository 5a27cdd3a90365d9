import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { redactDeep, redactText } from '../domain/secrets/index.js';
import { controlPlaneMetrics as m, observeRunFinished } from './metrics.js';
import { signalOutbox } from './outbox-signal.js';
import { isUuid, jsonParam, toDate, toDateOrNull } from '../db/sql-values.js';
import type { ClaimedItem, FollowUp, RunStatus, TaskError, TaskEvent } from './types.js';
import { tracingEnabled } from '../telemetry/spans.js';

/**
 * The leased queue: claim → renew while running → complete or fail, each ONE SQL function call
 * (see 002_queue_functions.sql), fenced by the lease token the claim handed out.
 */
export interface ClaimArgs {
  workerId: string;
  taskTypes: readonly string[];
  limit: number;
  leaseSeconds: number;
  /** Only items of runs in these namespaces (undefined/null: every namespace). */
  namespaces?: readonly string[] | null;
  /** The remote worker's credential (API key id); renew/complete/fail over HTTP must present the same. */
  credential?: string;
}

interface ClaimRow {
  outcome: 'claimed' | 'reclaimed' | 'dead';
  queue_item_id: string;
  task_id: string;
  run_id: string;
  task_type: string;
  input: unknown;
  attempt: number;
  lease_token: string;
  lease_expires_at: Date;
  timeout_seconds: number;
  wait_seconds: number | null;
  run_status: RunStatus | null;
  run_duration_seconds: number | null;
  namespace: string | null;
  run_kind: string | null;
}

const claimParams = (a: ClaimArgs) => [
  a.workerId,
  [...a.taskTypes],
  Math.trunc(a.limit),
  Math.max(1, Math.trunc(a.leaseSeconds)),
  a.namespaces ? [...a.namespaces] : null,
  a.credential ?? null,
];

export async function claim(db: Queryable, a: ClaimArgs): Promise<ClaimedItem[]> {
  if (a.taskTypes.length === 0 || a.limit < 1) return [];
  // The run's kind only for the rows that finished a run (dead-lettered), for the duration metric:
  // a subquery per such row (a join would let the planner scan runs on every claim).
  const res = await db.query<ClaimRow>(`SELECT c.*, CASE WHEN c.outcome = 'dead' THEN (SELECT r.kind FROM runs r WHERE r.id = c.run_id) END AS run_kind
     FROM claim_queue_items($1, $2::text[], $3, $4, $5::text[], $6) c`, claimParams(a));
  return claimedItems(db, res.rows);
}

/** The claim's rows as items to run; lease expiries and dead-letters only counted. */
async function claimedItems(db: Queryable, rows: readonly ClaimRow[]): Promise<ClaimedItem[]> {
  const items: ClaimedItem[] = [];
  for (const r of rows) {
    if (r.outcome !== 'claimed') m.leaseExpiries.inc();
    if (r.outcome === 'dead') {
      observeRunFinished(r.run_kind, r.run_status, r.run_duration_seconds);
      continue;
    }
    m.claims.inc({ task_type: r.task_type });
    if (r.wait_seconds !== null) m.submitToClaim.observe(Math.max(0, Number(r.wait_seconds)));
    items.push({
      queueItemId: r.queue_item_id,
      taskId: r.task_id,
      runId: r.run_id,
      taskType: r.task_type,
      input: r.input,
      attempt: Number(r.attempt),
      leaseToken: r.lease_token,
      leaseExpiresAt: toDate(r.lease_expires_at),
      timeoutSeconds: Number(r.timeout_seconds),
      namespace: r.namespace,
    });
  }
  if (items.length > 0 && tracingEnabled()) await attachTraceParents(db, items);
  return items;
}

/** Tracing only: each claimed item's stored trace context, so its task span joins the run's trace. */
async function attachTraceParents(db: Queryable, items: ClaimedItem[]): Promise<void> {
  // A later task's item has none of its own: the run's (set by the submit) stands for it.
  const res = await db.query<{ id: string; trace_parent: string | null }>(
    `SELECT q.id, coalesce(q.trace_parent, r.trace_parent) AS trace_parent
       FROM queue_items q JOIN runs r ON r.id = q.run_id WHERE q.id = ANY($1::uuid[])`,
    [
    items.map((i) => i.queueItemId),
  ]);
  const byId = new Map(res.rows.map((r) => [r.id, r.trace_parent]));
  for (const item of items) {
    const parent = byId.get(item.queueItemId);
    if (parent) item.traceParent = parent;
  }
}

/**
 * For remote workers: the lease this token names must have been handed to `credential`. A
 * token identifies one lease and the credential is written with it, so this check cannot race
 * with a reclaim (a reclaim changes the token, and the fenced call then fails on the token).
 * Another credential's lease answers exactly like a wrong token: nothing about it is revealed.
 */
export async function assertLeaseHolder(db: Queryable, a: { queueItemId: string; leaseToken: string; credential: string }): Promise<void> {
  checkIds(a.queueItemId, a.leaseToken);
  const res = await db.query<{ lease_credential: string | null }>('SELECT lease_credential FROM queue_items WHERE id = $1 AND lease_token = $2', [
    a.queueItemId,
    a.leaseToken,
  ]);
  const row = res.rows[0];
  if (row && row.lease_credential !== a.credential) throw fencingError('lease_lost', a.queueItemId);
}

function fencingError(outcome: string, queueItemId: string): SyntraError {
  if (outcome === 'not_found') return new SyntraError('not_found', `queue item ${queueItemId} does not exist`);
  if (outcome === 'run_finished') {
    return new SyntraError('run_finished', `the run of queue item ${queueItemId} has finished (cancelled or failed)`);
  }
  return new SyntraError('lease_lost', `the lease on queue item ${queueItemId} was lost (expired and taken over, or already settled)`);
}

function checkIds(queueItemId: string, leaseToken: string): void {
  if (!isUuid(queueItemId)) throw new SyntraError('not_found', `queue item ${queueItemId} does not exist`);
  if (!isUuid(leaseToken)) throw new SyntraError('lease_lost', `lease token ${leaseToken} is not one this server issued`);
}

/** Extends the lease. lease_lost when another worker holds it now; run_finished when the run was cancelled. */
export async function renew(
  db: Queryable,
  a: { queueItemId: string; leaseToken: string; leaseSeconds: number },
): Promise<{ leaseExpiresAt: Date }> {
  checkIds(a.queueItemId, a.leaseToken);
  const res = await db.query<{ outcome: string; lease_expires_at: Date | null }>(
    `SELECT * FROM syntra_renew_queue_item($1, $2, $3)`,
    [a.queueItemId, a.leaseToken, Math.max(1, Math.trunc(a.leaseSeconds))],
  );
  const row = res.rows[0]!;
  if (row.outcome !== 'renewed') throw fencingError(row.outcome, a.queueItemId);
  return { leaseExpiresAt: toDate(row.lease_expires_at) };
}

export interface CompleteArgs {
  queueItemId: string;
  leaseToken: string;
  output: unknown;
  events?: readonly TaskEvent[];
  followUps?: readonly FollowUp[];
  /** The run's output when this completion ends the run; default: this task's output. */
  runOutput?: unknown;
  /** End the run now (succeeded), cancelling whatever else of it is still open. */
  finishRun?: boolean;
}

export interface CompleteResult {
  /** completed; already_completed (a retried call); run_finished (the run was cancelled or failed: nothing changed). */
  outcome: 'completed' | 'already_completed' | 'run_finished';
  runId: string;
  runStatus: RunStatus | null;
  followUpTaskIds: string[];
}

type CompleteRow = {
  outcome: string;
  run_id: string;
  run_status: RunStatus | null;
  run_duration_seconds: number | null;
  follow_up_task_ids: string[] | null;
  /** The run's kind when this completion finished the run (for the duration metric), else null. */
  run_kind: string | null;
};

const completeParams = (a: CompleteArgs) => ({
  queueItemId: a.queueItemId,
  leaseToken: a.leaseToken,
  output: a.output ?? null,
  events: (a.events ?? []).map((e) => ({ type: e.type, data: e.data ?? {} })),
  followUps: a.followUps ?? [],
  runOutput: a.runOutput ?? null,
  hasRunOutput: a.runOutput !== undefined,
  finishRun: a.finishRun ?? false,
});

function completeResult(row: CompleteRow, queueItemId: string): CompleteResult | SyntraError {
  if (row.outcome !== 'completed' && row.outcome !== 'already_completed' && row.outcome !== 'run_finished') {
    return fencingError(row.outcome, queueItemId);
  }
  const followUpTaskIds = row.follow_up_task_ids ?? [];
  if (row.outcome === 'completed') {
    m.completions.inc();
    observeRunFinished(row.run_kind, row.run_status, row.run_duration_seconds);
  }
  return { outcome: row.outcome, runId: row.run_id, runStatus: row.run_status, followUpTaskIds };
}

export async function complete(db: Queryable, a: CompleteArgs): Promise<CompleteResult> {
  checkIds(a.queueItemId, a.leaseToken);
  const p = completeParams(a);
  const res = await db.query<CompleteRow>(`SELECT c.*, CASE WHEN c.run_duration_seconds IS NOT NULL THEN (SELECT r.kind FROM runs r WHERE r.id = c.run_id) END AS run_kind
     FROM syntra_complete_queue_item($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8) c`, [
    p.queueItemId,
    p.leaseToken,
    jsonParam(p.output),
    jsonParam(p.events),
    jsonParam(p.followUps),
    jsonParam(p.runOutput),
    p.hasRunOutput,
    p.finishRun,
  ]);
  const result = completeResult(res.rows[0]!, a.queueItemId);
  if (result instanceof SyntraError) throw result;
  if (result.followUpTaskIds.length > 0) signalOutbox();
  return result;
}

/**
 * Several completions in ONE statement and ONE transaction: one commit (WAL flush) instead of
 * one per item, which is what bounds a queue's throughput. The common completion is done for the
 * whole batch set-based, the rest item by item (syntra_complete_queue_items, 080). Each item gets
 * its own answer, a fencing failure included; only a database error fails the whole batch
 * (nothing committed).
 */
export async function completeMany(db: Queryable, batch: readonly CompleteArgs[]): Promise<Array<CompleteResult | SyntraError>> {
  const valid = batch.filter((a) => isUuid(a.queueItemId) && isUuid(a.leaseToken));
  if (valid.length === 0) return completionResults(batch, valid, []);
  const res = await db.query<CompleteRow & { ord: number }>(
    `SELECT r.*, CASE WHEN r.run_duration_seconds IS NOT NULL THEN (SELECT k.kind FROM runs k WHERE k.id = r.run_id) END AS run_kind
       FROM syntra_complete_queue_items($1::jsonb) r`,
    [jsonParam(valid.map(completeParams))],
  );
  return completionResults(batch, valid, res.rows);
}

/**
 * completeMany and the claim of the next batch in ONE statement and ONE commit
 * (syntra_complete_and_claim, 070): what a busy worker does when its completions free room.
 * Each completion gets its own answer as in completeMany; a database error fails both halves
 * (nothing committed: the caller may retry the completions, nothing was claimed).
 */
export async function completeManyAndClaim(
  db: Queryable,
  batch: readonly CompleteArgs[],
  next: ClaimArgs,
): Promise<{ results: Array<CompleteResult | SyntraError>; claimed: ClaimedItem[] }> {
  const valid = batch.filter((a) => isUuid(a.queueItemId) && isUuid(a.leaseToken));
  const limit = next.taskTypes.length === 0 ? 0 : Math.max(0, Math.trunc(next.limit));
  const [workerId, taskTypes, , leaseSeconds, namespaces, credential] = claimParams(next);
  const res = await db.query<(CompleteRow & { ord: number }) | (ClaimRow & { ord: null })>(
    `SELECT c.*, CASE WHEN (c.ord IS NULL AND c.outcome = 'dead') OR (c.ord IS NOT NULL AND c.run_duration_seconds IS NOT NULL)
        THEN (SELECT r.kind FROM runs r WHERE r.id = c.run_id) END AS run_kind
       FROM syntra_complete_and_claim($1::jsonb, $2, $3::text[], $4, $5, $6::text[], $7) c`,
    [jsonParam(valid.map(completeParams)), workerId, taskTypes, limit, leaseSeconds, namespaces, credential],
  );
  const completed = res.rows.filter((r): r is CompleteRow & { ord: number } => r.ord !== null);
  const claimRows = res.rows.filter((r): r is ClaimRow & { ord: null } => r.ord === null);
  return { results: completionResults(batch, valid, completed), claimed: await claimedItems(db, claimRows) };
}

/** Each item of a batch its answer from the rows of the valid ones (ord: 1-based position in `valid`). */
function completionResults(
  batch: readonly CompleteArgs[],
  valid: readonly CompleteArgs[],
  completed: ReadonlyArray<CompleteRow & { ord: number }>,
): Array<CompleteResult | SyntraError> {
  const rows = new Map<string, CompleteRow>();
  for (const row of completed) rows.set(valid[Number(row.ord) - 1]!.queueItemId, row);
  const results = batch.map((a) => {
    const row = rows.get(a.queueItemId);
    if (!row) return isUuid(a.queueItemId) ? fencingError('lease_lost', a.queueItemId) : fencingError('not_found', a.queueItemId);
    return completeResult(row, a.queueItemId);
  });
  if (results.some((r) => !(r instanceof SyntraError) && r.followUpTaskIds.length > 0)) signalOutbox();
  return results;
}

export interface FailArgs {
  queueItemId: string;
  leaseToken: string;
  error: TaskError;
  /** Retry delay = d/2 + random·d/2 with d = min(capMs, baseMs·2^(attempt-1)). */
  backoff?: { baseMs?: number; capMs?: number };
}

export const DEFAULT_BACKOFF = { baseMs: 1000, capMs: 5 * 60_000 } as const;

export async function fail(db: Queryable, a: FailArgs): Promise<{ dead: boolean; retryAt: Date | null }> {
  checkIds(a.queueItemId, a.leaseToken);
  const retryable = a.error.retryable ?? true;
  // A handler's error may quote what it was handling (a connection string, a pasted token): it is
  // stored and shown to every reader of the run, so it is masked here, where every worker's error lands.
  const error = {
    message: redactText(String(a.error.message).slice(0, 10_000)).text,
    retryable,
    ...(a.error.code === undefined ? {} : { code: a.error.code }),
    ...(a.error.details === undefined ? {} : { details: redactDeep(a.error.details).value }),
  };
  const res = await db.query<{
    outcome: string;
    dead: boolean;
    retry_at: Date | null;
    run_status: RunStatus | null;
    run_duration_seconds: number | null;
    run_kind: string | null;
  }>(`SELECT f.*, CASE WHEN f.outcome = 'dead' THEN (SELECT r.kind FROM runs r WHERE r.id = f.run_id) END AS run_kind
     FROM syntra_fail_queue_item($1, $2, $3::jsonb, $4, $5, $6) f`, [
    a.queueItemId,
    a.leaseToken,
    jsonParam(error),
    retryable,
    Math.max(1, Math.trunc(a.backoff?.baseMs ?? DEFAULT_BACKOFF.baseMs)),
    Math.max(1, Math.trunc(a.backoff?.capMs ?? DEFAULT_BACKOFF.capMs)),
  ]);
  const row = res.rows[0]!;
  if (row.outcome === 'retry' || row.outcome === 'dead') {
    m.failures.inc({ outcome: row.outcome });
    if (row.outcome === 'dead') observeRunFinished(row.run_kind, row.run_status, row.run_duration_seconds);
  } else if (row.outcome !== 'already_failed' && row.outcome !== 'run_finished') {
    throw fencingError(row.outcome, a.queueItemId);
  }
  return { dead: row.dead, retryAt: toDateOrNull(row.retry_at) };
}

/** Hands a leased item back at once without using up an attempt (graceful shutdown). */
export async function release(db: Queryable, a: { queueItemId: string; leaseToken: string }): Promise<void> {
  checkIds(a.queueItemId, a.leaseToken);
  const res = await db.query<{ outcome: string }>(`SELECT syntra_release_queue_item($1, $2) AS outcome`, [a.queueItemId, a.leaseToken]);
  const outcome = res.rows[0]!.outcome;
  if (outcome !== 'released' && outcome !== 'run_finished') throw fencingError(outcome, a.queueItemId);
}
