import { inSpan, tracingEnabled } from '../telemetry/spans.js';
import type { Database } from '../db/database.js';
import { SyntraError, errorMessage, isSyntraError } from '../domain/errors.js';
import { appendEvent } from '../control-plane/ledger.js';
import { fail, release, renew, type FailArgs } from '../control-plane/queue.js';
import type { CompletionBatcher } from './completion-batcher.js';
import type { ClaimedItem } from '../control-plane/types.js';
import type { HandlerResult, TaskHandler, WorkerLog } from './registry.js';
import { retryTransient } from './db-retry.js';

/**
 * One claimed item from start to settlement: runs its handler with an AbortSignal, renews the
 * lease at a third of its length, enforces the start-to-close timeout, and settles the item:
 * complete, fail (retry or dead), release (shutdown), or nothing (run cancelled, lease lost —
 * the item is no longer ours).
 */
export type AbortKind = 'cancelled' | 'lease_lost' | 'timeout' | 'shutdown';

export interface ExecutionDeps {
  db: Database;
  leaseSeconds: number;
  /** How long an aborted handler gets to return before the item is settled without it. */
  abortGraceMs: number;
  backoff?: FailArgs['backoff'];
  completions: CompletionBatcher;
  log: WorkerLog;
  /** After a commit that appended ledger events (SSE wakeup), and after follow-ups were enqueued. */
  onCommitted(runId: string, followUpTypes: string[]): void;
  /**
   * The handler starts once this resolves (a free handler slot). Meanwhile the item is already
   * claimed — its task is running in the database — so the lease is renewed and the timeout
   * runs; an abort before the start settles the item without calling the handler.
   */
  startGate?: Promise<void>;
}

export interface Execution {
  readonly item: ClaimedItem;
  abort(kind: AbortKind, message?: string): void;
  readonly done: Promise<void>;
}

const SETTLE_ATTEMPTS = 8;

function abortError(kind: AbortKind, message: string | undefined, item: ClaimedItem): SyntraError {
  switch (kind) {
    case 'cancelled':
      return new SyntraError('cancelled', message ?? `run ${item.runId} was cancelled`);
    case 'lease_lost':
      return new SyntraError('lease_lost', message ?? `lease on ${item.queueItemId} was lost`);
    case 'timeout':
      return new SyntraError('timeout', message ?? `task exceeded its ${item.timeoutSeconds}s timeout`);
    case 'shutdown':
      return new SyntraError('cancelled', message ?? 'worker is shutting down', { details: { reason: 'shutdown' } });
  }
}

export function startExecution(item: ClaimedItem, handler: TaskHandler, deps: ExecutionDeps): Execution {
  const { db, log } = deps;
  const controller = new AbortController();
  let abortKind: AbortKind | undefined;
  let settled = false;
  let onAbort: (() => void) | undefined;

  const abort = (kind: AbortKind, message?: string) => {
    if (settled || controller.signal.aborted) return;
    abortKind = kind;
    controller.abort(abortError(kind, message, item));
    onAbort?.();
  };

  const renewEveryMs = Math.max(200, (deps.leaseSeconds * 1000) / 3);
  const renewTimer = setInterval(() => {
    renew(db, { queueItemId: item.queueItemId, leaseToken: item.leaseToken, leaseSeconds: deps.leaseSeconds }).catch((e: unknown) => {
      if (isSyntraError(e) && e.code === 'run_finished') abort('cancelled', 'the run finished while this task was running');
      else if (isSyntraError(e)) abort('lease_lost', e.message);
      // Otherwise the database is unreachable: keep trying, the lease may well still be valid.
      else log.warn('lease renewal failed, will retry', { queueItemId: item.queueItemId, error: errorMessage(e) });
    });
  }, renewEveryMs);
  const timeoutTimer = setTimeout(() => abort('timeout'), item.timeoutSeconds * 1000);

  const ctx = {
    item,
    input: item.input,
    signal: controller.signal,
    log,
    async appendEvent(type: string, data?: unknown) {
      if (controller.signal.aborted) throw controller.signal.reason;
      await db.transaction(async (tx) => {
        const held = await tx.query(`SELECT 1 FROM queue_items WHERE id = $1 AND lease_token = $2 AND state = 'leased' FOR SHARE`, [
          item.queueItemId,
          item.leaseToken,
        ]);
        if (held.rows.length === 0) throw new SyntraError('lease_lost', `lease on ${item.queueItemId} is no longer held`);
        await appendEvent(tx, { runId: item.runId, taskId: item.taskId, type, actor: null, data: data ?? {} });
      });
      deps.onCommitted(item.runId, []);
    },
  };

  // Resolves with the handler's outcome, or with 'aborted' once an abort's grace period ran out
  // (at once when the handler had not started yet).
  let handlerStarted = false;
  const outcome = new Promise<{ ok: true; result: HandlerResult | void } | { ok: false; error: unknown } | 'aborted'>((resolve) => {
    onAbort = () => {
      if (!handlerStarted) resolve('aborted');
      else setTimeout(() => resolve('aborted'), deps.abortGraceMs).unref?.();
    };
    const run = () => {
      if (controller.signal.aborted) return resolve('aborted');
      handlerStarted = true;
      Promise.resolve()
        .then(() =>
          // Tracing on: the handler runs inside a span of the run's trace, so its Kubernetes
          // and model calls nest under it (a plain call otherwise).
          tracingEnabled()
            ? inSpan(`syntra.task ${item.taskType}`, { 'syntra.run.id': item.runId, 'syntra.task.id': item.taskId, 'syntra.task.type': item.taskType, 'syntra.task.attempt': item.attempt }, async () => handler(ctx), item.traceParent ?? null, 'consumer')
            : handler(ctx),
        )
        .then(
          (result) => resolve({ ok: true, result }),
          (error: unknown) => resolve({ ok: false, error }),
        );
    };
    if (deps.startGate) void deps.startGate.then(run);
    else run();
  });

  const retry = <T>(what: string, fn: () => Promise<T>) =>
    retryTransient(fn, {
      attempts: SETTLE_ATTEMPTS,
      onRetry: (e, n) => log.warn(`${what} failed, retrying`, { queueItemId: item.queueItemId, attempt: n, error: errorMessage(e) }),
    });
  const ids = { queueItemId: item.queueItemId, leaseToken: item.leaseToken };

  const done = (async () => {
    const result = await outcome;
    settled = true;
    clearInterval(renewTimer);
    clearTimeout(timeoutTimer);
    try {
      if (abortKind === 'cancelled' || abortKind === 'lease_lost') {
        log.info('task aborted', { queueItemId: item.queueItemId, reason: abortKind });
      } else if (abortKind === 'shutdown') {
        await retry('release', () => release(db, ids));
        deps.onCommitted(item.runId, []);
      } else if (abortKind === 'timeout') {
        await retry('fail', () =>
          fail(db, { ...ids, error: { message: `task exceeded its ${item.timeoutSeconds}s timeout`, code: 'timeout', retryable: true }, ...(deps.backoff ? { backoff: deps.backoff } : {}) }),
        );
        deps.onCommitted(item.runId, []);
      } else if (result !== 'aborted' && result.ok) {
        const r = result.result ?? {};
        await retry('complete', () =>
          deps.completions.complete({
            ...ids,
            output: r.output ?? null,
            ...(r.events ? { events: r.events } : {}),
            ...(r.followUps ? { followUps: r.followUps } : {}),
            ...(r.runOutput !== undefined ? { runOutput: r.runOutput } : {}),
            ...(r.finishRun ? { finishRun: true } : {}),
          }),
        );
        deps.onCommitted(item.runId, (r.followUps ?? []).map((f) => f.taskType));
      } else if (result !== 'aborted') {
        const e = result.error;
        const retryable = isSyntraError(e) ? e.retryable : (e as { retryable?: unknown } | null)?.retryable !== false;
        const code = isSyntraError(e) ? e.code : ((e as { code?: unknown } | null)?.code as string | undefined);
        await retry('fail', () =>
          fail(db, {
            ...ids,
            error: { message: errorMessage(e) || 'handler failed', retryable, ...(typeof code === 'string' ? { code } : {}) },
            ...(deps.backoff ? { backoff: deps.backoff } : {}),
          }),
        );
        deps.onCommitted(item.runId, []);
      }
    } catch (e) {
      // lease_lost / run_finished: someone else owns the item now; anything else: the database
      // stayed down through every retry and the lease will expire, so the item is retried anyway.
      log.warn('could not settle task', { queueItemId: item.queueItemId, error: errorMessage(e) });
    }
  })();

  return { item, abort, done };
}
