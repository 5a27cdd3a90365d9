import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { taskWakeupSubject } from '../bus/subjects.js';
import { signalOutbox } from './outbox-signal.js';
import { jsonParam } from '../db/sql-values.js';
import { compileSubmit } from './submit-validation.js';
import type { RunStatus, SubmitInput, SubmitResult } from './types.js';
import { annotateSpan, currentTraceparent, inSpan, tracingEnabled } from '../telemetry/spans.js';

export type SubmitStep = 'command' | 'thread' | 'run' | 'task' | 'queue_item' | 'ledger' | 'outbox';

export interface SubmitOptions {
  /** Same key → same run, also when retries race; a key reused with another body → conflict. 1–255 characters. */
  idempotencyKey?: string;
  /**
   * Who the key belongs to (e.g. the credential and the namespace): keys of different scopes
   * never meet, so nobody replays into — or learns the id of — another scope's run.
   */
  idempotencyScope?: string;
  createdBy?: string;
  /** Test seam: called for each insert (in order) inside the transaction, before it commits; throwing aborts the submit. */
  hooks?: { afterInsert?: (step: SubmitStep) => Promise<void> | void };
}

/**
 * A command becomes a run: ONE statement (`syntra_submit_command`, one round trip, one
 * transaction) inserts the command, its thread, the run, the first task, its queue item, the
 * ledger events and the wakeup outbox row. Nothing is visible until all of it commits.
 */
/**
 * `db` may also be an open transaction (a caller that must decide and submit atomically, e.g.
 * one run per alert group); the wakeup is then announced before that transaction commits, and a
 * worker that wakes too early finds it on its next poll.
 */
export function submitCommand(db: Database | Queryable, raw: SubmitInput, opts: SubmitOptions = {}): Promise<SubmitResult> {
  if (!tracingEnabled()) return submit(db, raw, opts);
  // The root span of the run's trace; its context is stored with the run (migration 065).
  return inSpan('syntra.submit', { 'syntra.command.kind': raw.kind }, async () => {
    const traceparent = currentTraceparent() ?? '';
    const setParent = (q: Queryable) => q.query(`SELECT set_config('syntra.trace_parent', $1, true)`, [traceparent]);
    const result = 'transaction' in db && !opts.hooks
      ? await db.transaction(async (tx) => (await setParent(tx), submit(tx, raw, opts)))
      : (await setParent(db), await submit(db, raw, opts));
    annotateSpan({ 'syntra.run.id': result.runId, 'syntra.run.created': result.created });
    return result;
  }, null, 'producer');
}

async function submit(db: Database | Queryable, raw: SubmitInput, opts: SubmitOptions): Promise<SubmitResult> {
  const c = compileSubmit(raw);
  const given = opts.idempotencyKey;
  if (given !== undefined && (given.length < 1 || given.length > 255)) {
    throw new SyntraError('validation_failed', 'Idempotency-Key must be 1 to 255 characters');
  }
  const key = given === undefined ? undefined : scopedKey(opts.idempotencyScope, given);
  const params = [
    c.kind,
    jsonParam(c.input),
    c.namespace,
    jsonParam(c.metadata),
    key ?? null,
    opts.createdBy ?? null,
    c.priority,
    c.maxAttempts,
    c.timeoutSeconds,
  ];
  const afterInsert = opts.hooks?.afterInsert;
  const row = afterInsert && 'transaction' in db
    ? // Test seam: the same statement inside an explicit transaction, then the hooks in insert
      // order before COMMIT, so a throwing hook rolls every insert back.
      await db.transaction(async (tx) => {
        const r = await callSubmit(tx, params);
        if (r.created) for (const step of SUBMIT_STEPS) await afterInsert(step);
        return r;
      })
    : await callSubmit(db, params);
  if (!row.created) return existingSubmission(row);
  // The committed wakeup row itself, so a relay in this process publishes it without reading it back.
  const traceparent = currentTraceparent();
  signalOutbox([
    {
      id: Number(row.outbox_id),
      topic: taskWakeupSubject(c.kind),
      payload: { runId: row.run_id, taskId: row.task_id, queueItemId: row.queue_item_id, ...(traceparent ? { traceparent } : {}) },
    },
  ]);
  return { runId: row.run_id, commandId: row.command_id, threadId: row.thread_id, status: row.status, created: true };
}

/** The stored key: a digest of the scope (fixed length, unambiguous whatever the scope holds), then the key. */
function scopedKey(scope: string | undefined, key: string): string {
  return scope === undefined ? key : `${createHash('sha256').update(scope).digest('base64url').slice(0, 22)}:${key}`;
}

/** The inserts of a submit, in order (also the values of syntra_submit_command's p_fault_after). */
export const SUBMIT_STEPS: readonly SubmitStep[] = ['command', 'thread', 'run', 'task', 'queue_item', 'ledger', 'outbox'];

interface SubmitRow {
  created: boolean;
  same_request: boolean;
  command_id: string;
  thread_id: string;
  run_id: string;
  status: RunStatus;
  task_id: string | null;
  queue_item_id: string | null;
  outbox_id: number | null;
}

async function callSubmit(q: Queryable, params: unknown[]): Promise<SubmitRow> {
  const res = await q.query<SubmitRow>(
    `SELECT * FROM syntra_submit_command($1, $2::jsonb, $3, $4::jsonb, $5, $6, $7, $8, $9)`,
    params,
  );
  const row = res.rows[0];
  if (!row) throw new SyntraError('internal', `idempotency key ${String(params[4])} is taken but its run was not found`);
  return row;
}

function existingSubmission(row: SubmitRow): SubmitResult {
  if (!row.same_request) {
    throw new SyntraError('conflict', 'this Idempotency-Key was already used with a different request body', {
      details: { runId: row.run_id },
    });
  }
  return { runId: row.run_id, commandId: row.command_id, threadId: row.thread_id, status: row.status, created: false };
}
