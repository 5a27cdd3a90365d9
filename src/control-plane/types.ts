/**
 * The control plane's data as callers see it (API responses, SSE, workers): camelCase,
 * timestamps as Date (JSON serialises them as ISO 8601).
 */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export type TaskStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';
export const QUEUE_STATES = ['available', 'leased', 'done', 'dead', 'cancelled'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export type JsonObject = Record<string, unknown>;

export interface SubmitInput {
  kind: string;
  input: JsonObject;
  namespace?: string;
  priority?: number;
  maxAttempts?: number;
  timeoutSeconds?: number;
  metadata?: JsonObject;
}

export interface SubmitResult {
  runId: string;
  commandId: string;
  threadId: string;
  status: RunStatus;
  /** false when an Idempotency-Key matched an earlier submission: the same run is returned. */
  created: boolean;
}

export interface Run {
  id: string;
  kind: string;
  status: RunStatus;
  namespace: string | null;
  /** The registered cluster the run reads; null: the default cluster. */
  cluster: string | null;
  input: unknown;
  output: unknown;
  error: unknown;
  metadata: JsonObject;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  commandId: string;
  threadId: string;
}

export interface Task {
  id: string;
  runId: string;
  parentTaskId: string | null;
  taskType: string;
  status: TaskStatus;
  input: unknown;
  output: unknown;
  error: unknown;
  attempts: number;
  maxAttempts: number;
  priority: number;
  timeoutSeconds: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface Artifact {
  id: string;
  runId: string;
  name: string;
  kind: string;
  latestVersion: number;
  createdAt: Date;
}

export interface LedgerEvent {
  id: string;
  runId: string;
  /** 1, 2, 3, … per run, gap-free in commit order (SSE ids, Last-Event-ID). */
  seq: number;
  taskId: string | null;
  type: string;
  actor: string | null;
  data: unknown;
  createdAt: Date;
}

export interface RunDetail {
  run: Run;
  tasks: Task[];
  artifacts: Artifact[];
  events: LedgerEvent[];
}

export interface ClaimedItem {
  queueItemId: string;
  taskId: string;
  runId: string;
  taskType: string;
  input: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  leaseToken: string;
  leaseExpiresAt: Date;
  /** Start-to-close budget of one attempt. */
  timeoutSeconds: number;
  /** The run's namespace (null: not limited to one); work stays inside it. */
  namespace: string | null;
  /** W3C traceparent of the run's trace (only read while tracing is on; docs/observability.md). */
  traceParent?: string;
}

export interface FollowUp {
  taskType: string;
  input: JsonObject;
  priority?: number;
  maxAttempts?: number;
  timeoutSeconds?: number;
}

export interface TaskEvent {
  type: string;
  data?: unknown;
}

export interface TaskError {
  message: string;
  /** Default true; false dead-letters at once. */
  retryable?: boolean;
  code?: string;
  details?: unknown;
}
