import type { Queryable } from '../../db/database.js';
import { isUuid, jsonParam, toDate, toDateOrNull } from '../../db/sql-values.js';
import type { ActionTarget, Risk } from './catalogue.js';

/** The action_requests rows (migration 030) as the service and the API see them. */
export const ACTION_STATUSES = ['proposed', 'pending_approval', 'dry_run_failed', 'approved', 'rejected', 'expired', 'executing', 'failed', 'verified', 'verification_failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface DryRun {
  /** What the server-side dry-run would change: path → [before, after]. */
  diff: Array<{ path: string; before: unknown; after: unknown }>;
  resourceVersion: string;
  at: string;
  error?: string;
}

export interface ActionRequest {
  id: string;
  /** null: a cluster-scoped target (a node), governed by callers over every namespace. */
  namespace: string | null;
  action: string;
  target: ActionTarget;
  params: Record<string, unknown>;
  risk: Risk;
  expectedEffect: string;
  verificationPlan: string;
  status: ActionStatus;
  reason: string;
  requestedBy: string;
  requestedByUser: string | null;
  sourceRunId: string | null;
  proposalRunId: string | null;
  executionRunId: string | null;
  dryRun: DryRun | null;
  destructive: string | null;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  execution: Record<string, unknown> | null;
  verification: Record<string, unknown> | null;
  createdAt: Date;
  /** The diagnosis's root-cause type, when a run proposed it (what self-healing policies match). */
  rootCauseType: string | null;
  /** The log line the diagnosis relied on: the Reviewer checks it is gone from the new logs. */
  errorLine: string | null;
  /** The workload the diagnosis was about (may differ from the target: scale postgres for auth-service). */
  subject: { kind: string; name: string; namespace?: string } | null;
  /** namespace/Kind/name of the workload the action counts against (pods count against their owner). */
  workload: string | null;
  /** The arbiter policy rule that approved it (`<policy>#<rule>`), when no person did. */
  approvedByPolicy: string | null;
}

const COLUMNS = `id::text AS id, namespace, action, target, params, risk, expected_effect, verification_plan, status, reason, requested_by,
  requested_by_user, source_run_id::text AS source_run_id, proposal_run_id::text AS proposal_run_id, execution_run_id::text AS execution_run_id,
  dry_run, destructive, expires_at, decided_by, decided_at, decision_reason, execution, verification, created_at, decided_by_user, resource_version,
  root_cause_type, error_line, subject, workload, approved_by_policy`;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toAction(r: Record<string, unknown>): ActionRequest {
  return {
    id: String(r.id),
    namespace: str(r.namespace),
    action: String(r.action),
    target: r.target as ActionTarget,
    params: r.params as Record<string, unknown>,
    risk: r.risk as Risk,
    expectedEffect: String(r.expected_effect),
    verificationPlan: String(r.verification_plan),
    status: r.status as ActionStatus,
    reason: String(r.reason),
    requestedBy: String(r.requested_by),
    requestedByUser: str(r.requested_by_user),
    sourceRunId: str(r.source_run_id),
    proposalRunId: str(r.proposal_run_id),
    executionRunId: str(r.execution_run_id),
    dryRun: (r.dry_run as DryRun | null) ?? null,
    destructive: str(r.destructive),
    expiresAt: toDate(r.expires_at),
    decidedBy: str(r.decided_by),
    decidedAt: toDateOrNull(r.decided_at),
    decisionReason: str(r.decision_reason),
    execution: (r.execution as Record<string, unknown> | null) ?? null,
    verification: (r.verification as Record<string, unknown> | null) ?? null,
    createdAt: toDate(r.created_at),
    rootCauseType: str(r.root_cause_type),
    errorLine: str(r.error_line),
    subject: (r.subject as ActionRequest['subject']) ?? null,
    workload: str(r.workload),
    approvedByPolicy: str(r.approved_by_policy),
  };
}

/** What a proposal stores; the rest of an ActionRequest is filled in as it is decided and run. */
export type NewAction = Pick<
  ActionRequest,
  'namespace' | 'action' | 'target' | 'params' | 'risk' | 'expectedEffect' | 'verificationPlan' | 'reason' | 'requestedBy' | 'requestedByUser' | 'sourceRunId' | 'expiresAt' | 'rootCauseType' | 'errorLine' | 'subject'
>;

export async function insertAction(db: Queryable, a: NewAction): Promise<ActionRequest> {
  const res = await db.query(
    `INSERT INTO action_requests (namespace, action, target, params, risk, expected_effect, verification_plan, status, reason, requested_by, requested_by_user, source_run_id, expires_at, root_cause_type, error_line, subject)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, 'proposed', $8, $9, $10, $11, $12, $13, $14, $15::jsonb) RETURNING ${COLUMNS}`,
    [a.namespace, a.action, jsonParam(a.target), jsonParam(a.params), a.risk, a.expectedEffect, a.verificationPlan, a.reason, a.requestedBy, a.requestedByUser, a.sourceRunId, a.expiresAt, a.rootCauseType, a.errorLine, a.subject ? jsonParam(a.subject) : null],
  );
  return toAction(res.rows[0]!);
}

export async function getAction(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ActionRequest | undefined> {
  if (!isUuid(id)) return undefined;
  const res = await db.query(`SELECT ${COLUMNS} FROM action_requests WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return res.rows[0] ? toAction(res.rows[0]) : undefined;
}

export async function listActions(db: Queryable, q: { namespaces?: readonly string[]; status?: ActionStatus; limit: number }): Promise<ActionRequest[]> {
  const res = await db.query(
    `SELECT ${COLUMNS} FROM action_requests
     WHERE ($1::text[] IS NULL OR namespace = ANY($1)) AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [q.namespaces ? [...q.namespaces] : null, q.status ?? null, q.limit],
  );
  return res.rows.map(toAction);
}

/** Sets columns of one row; `from` guards the transition (the row must still be in one of these states). */
export async function updateAction(
  db: Queryable,
  id: string,
  from: readonly ActionStatus[],
  set: Partial<{ status: ActionStatus; proposal_run_id: string; execution_run_id: string; dry_run: DryRun; resource_version: string; destructive: string | null; decided_by: string; decided_by_user: string | null; decided_at: Date; decision_reason: string; execution: unknown; verification: unknown; workload: string; approved_by_policy: string }>,
): Promise<ActionRequest | undefined> {
  const entries = Object.entries(set);
  const assignments = entries.map(([k, v], i) => `${k} = $${i + 3}${v !== null && typeof v === 'object' && !(v instanceof Date) ? '::jsonb' : ''}`);
  const values = entries.map(([, v]) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? jsonParam(v) : v));
  const res = await db.query(
    `UPDATE action_requests SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${COLUMNS}`,
    [id, [...from], ...values],
  );
  return res.rows[0] ? toAction(res.rows[0]) : undefined;
}

export async function actionsOfRun(db: Queryable, runId: string): Promise<ActionRequest[]> {
  const res = await db.query(`SELECT ${COLUMNS} FROM action_requests WHERE source_run_id = $1 ORDER BY created_at`, [runId]);
  return res.rows.map(toAction);
}

/** How many of a workload's actions policies approved since `since` (self-healing's rate limit). */
export async function policyApprovalsSince(db: Queryable, workload: string, since: Date): Promise<number> {
  const res = await db.query(`SELECT count(*)::int AS n FROM action_requests WHERE workload = $1 AND approved_by_policy IS NOT NULL AND decided_at > $2`, [workload, since]);
  return Number(res.rows[0]?.n ?? 0);
}
