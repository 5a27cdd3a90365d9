import { toDate, toDateOrNull } from '../db/sql-values.js';
import type { Artifact, JsonObject, LedgerEvent, Run, RunStatus, Task, TaskStatus } from './types.js';

/** snake_case rows → the camelCase shapes callers get. Column lists live next to each mapper. */
type Row = Record<string, unknown>;

export const RUN_COLUMNS =
  'id, kind, status, namespace, cluster, input, output, error, metadata, created_at, started_at, finished_at, command_id, thread_id';

export function toRun(r: Row): Run {
  return {
    id: String(r.id),
    kind: String(r.kind),
    status: r.status as RunStatus,
    namespace: (r.namespace as string | null) ?? null,
    cluster: (r.cluster as string | null) ?? null,
    input: r.input,
    output: r.output ?? null,
    error: r.error ?? null,
    metadata: (r.metadata as JsonObject | null) ?? {},
    createdAt: toDate(r.created_at),
    startedAt: toDateOrNull(r.started_at),
    finishedAt: toDateOrNull(r.finished_at),
    commandId: String(r.command_id),
    threadId: String(r.thread_id),
  };
}

export const TASK_COLUMNS =
  'id, run_id, parent_task_id, task_type, status, input, output, error, attempts, max_attempts, priority, timeout_seconds, created_at, started_at, finished_at';

export function toTask(r: Row): Task {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    parentTaskId: (r.parent_task_id as string | null) ?? null,
    taskType: String(r.task_type),
    status: r.status as TaskStatus,
    input: r.input,
    output: r.output ?? null,
    error: r.error ?? null,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    priority: Number(r.priority),
    timeoutSeconds: Number(r.timeout_seconds),
    createdAt: toDate(r.created_at),
    startedAt: toDateOrNull(r.started_at),
    finishedAt: toDateOrNull(r.finished_at),
  };
}

export const ARTIFACT_COLUMNS = 'id, run_id, name, kind, latest_version, created_at';

export function toArtifact(r: Row): Artifact {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    name: String(r.name),
    kind: String(r.kind),
    latestVersion: Number(r.latest_version),
    createdAt: toDate(r.created_at),
  };
}

export const EVENT_COLUMNS = 'id, run_id, seq, task_id, type, actor, data, created_at';

export function toEvent(r: Row): LedgerEvent {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    seq: Number(r.seq),
    taskId: (r.task_id as string | null) ?? null,
    type: String(r.type),
    actor: (r.actor as string | null) ?? null,
    data: r.data ?? {},
    createdAt: toDate(r.created_at),
  };
}
