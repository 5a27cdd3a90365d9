import type { Database, Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { taskWakeupSubject } from '../bus/subjects.js';
import { appendEvent } from './ledger.js';
import { signalOutbox } from './outbox-signal.js';
import { jsonParam } from './sql-values.js';
import { compileSubmit, type CompiledSubmit } from './submit-validation.js';
import type { RunStatus, SubmitInput, SubmitResult } from './types.js';

export type SubmitStep = 'command' | 'thread' | 'run' | 'task' | 'queue_item' | 'ledger' | 'outbox';

export interface SubmitOptions {
  /** Same key → same run, also when retries race; a key reused with another body → conflict. */
  idempotencyKey?: string;
  createdBy?: string;
  /** Test seam: called after each insert inside the transaction; throwing aborts the submit. */
  hooks?: { afterInsert?: (step: SubmitStep) => Promise<void> | void };
}

/**
 * A command becomes a run: ONE transaction inserts the command, its thread, the run, the first
 * task, its queue item, the ledger events and the wakeup outbox row. Nothing is visible until
 * all of it commits.
 */
export async function submitCommand(db: Database, raw: SubmitInput, opts: SubmitOptions = {}): Promise<SubmitResult> {
  const c = compileSubmit(raw);
  const key = opts.idempotencyKey;
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    throw new SyntraError('validation_failed', 'Idempotency-Key must be 1 to 255 characters');
  }
  const after = async (step: SubmitStep) => opts.hooks?.afterInsert?.(step);

  const result = await db.transaction(async (tx) => {
    // ON CONFLICT waits for a concurrent inserter of the same key to commit or roll back,
    // so exactly one submission creates the run and the others read it.
    const cmd = await tx.query<{ id: string }>(
      `INSERT INTO commands (kind, input, namespace, metadata, idempotency_key, created_by)
       VALUES ($1, $2::jsonb, $3, $4::jsonb, $5, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [c.kind, jsonParam(c.input), c.namespace, jsonParam(c.metadata), key ?? null, opts.createdBy ?? null],
    );
    if (cmd.rows.length === 0) return existingSubmission(tx, key!, c);
    const commandId = cmd.rows[0]!.id;
    await after('command');

    const thread = await tx.query<{ id: string }>(`INSERT INTO threads (command_id) VALUES ($1) RETURNING id`, [commandId]);
    const threadId = thread.rows[0]!.id;
    await after('thread');

    const run = await tx.query<{ id: string }>(
      `INSERT INTO runs (command_id, thread_id, kind, namespace, input, metadata)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING id`,
      [commandId, threadId, c.kind, c.namespace, jsonParam(c.input), jsonParam(c.metadata)],
    );
    const runId = run.rows[0]!.id;
    await after('run');

    const task = await tx.query<{ id: string }>(
      `INSERT INTO tasks (run_id, task_type, input, max_attempts, priority, timeout_seconds)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id`,
      [runId, c.kind, jsonParam(c.input), c.maxAttempts, c.priority, c.timeoutSeconds],
    );
    const taskId = task.rows[0]!.id;
    await after('task');

    const item = await tx.query<{ id: string }>(
      `INSERT INTO queue_items (task_id, run_id, task_type, priority, max_attempts, timeout_seconds)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [taskId, runId, c.kind, c.priority, c.maxAttempts, c.timeoutSeconds],
    );
    const queueItemId = item.rows[0]!.id;
    await after('queue_item');

    const actor = opts.createdBy ?? null;
    await appendEvent(tx, { runId, type: 'run.queued', actor, data: { kind: c.kind, commandId } });
    await appendEvent(tx, { runId, taskId, type: 'task.queued', actor, data: { taskType: c.kind } });
    await after('ledger');

    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2::jsonb)`, [
      taskWakeupSubject(c.kind),
      jsonParam({ runId, taskId, queueItemId }),
    ]);
    await after('outbox');
    return { runId, commandId, threadId, status: 'queued' as RunStatus, created: true };
  });
  if (result.created) signalOutbox();
  return result;
}

async function existingSubmission(tx: Queryable, key: string, c: CompiledSubmit): Promise<SubmitResult> {
  const res = await tx.query<{
    command_id: string;
    thread_id: string;
    run_id: string;
    status: RunStatus;
    same: boolean;
  }>(
    `SELECT c.id AS command_id, r.thread_id, r.id AS run_id, r.status,
            (c.kind = $2 AND c.input = $3::jsonb AND c.namespace IS NOT DISTINCT FROM $4 AND c.metadata = $5::jsonb
             AND t.priority = $6 AND t.max_attempts = $7 AND t.timeout_seconds = $8) AS same
       FROM commands c
       JOIN runs r ON r.command_id = c.id
       JOIN LATERAL (SELECT * FROM tasks WHERE run_id = r.id ORDER BY created_at, id LIMIT 1) t ON true
      WHERE c.idempotency_key = $1
      ORDER BY r.created_at LIMIT 1`,
    [key, c.kind, jsonParam(c.input), c.namespace, jsonParam(c.metadata), c.priority, c.maxAttempts, c.timeoutSeconds],
  );
  const row = res.rows[0];
  if (!row) throw new SyntraError('internal', `idempotency key ${key} is taken but its run was not found`);
  if (!row.same) {
    throw new SyntraError('conflict', 'this Idempotency-Key was already used with a different request body', {
      details: { runId: row.run_id },
    });
  }
  return { runId: row.run_id, commandId: row.command_id, threadId: row.thread_id, status: row.status, created: false };
}
