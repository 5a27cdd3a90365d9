import type { Queryable } from '../../db/database.js';
import { jsonParam, toDate, toDateOrNull } from '../../db/sql-values.js';
import { redactDeep } from '../../domain/secrets/index.js';
import type { AlertSource, AlertStatus, NormalizedAlert } from './alert.js';

/** The alerts table: one row per alert occurrence (a fingerprint re-firing after the window is a new row). */
export type AlertDecision = 'investigate' | 'ignored' | 'skipped';

export interface AlertRecord {
  id: string;
  source: AlertSource;
  fingerprint: string;
  status: AlertStatus;
  alertname: string;
  severity: string | null;
  namespace: string | null;
  cluster: string | null;
  target: { kind: string; name: string } | null;
  groupKey: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  decision: AlertDecision;
  reason: string;
  runId: string | null;
  incidentId: string | null;
  receiveCount: number;
  firstReceived: Date;
  lastReceived: Date;
  resolvedAt: Date | null;
  followedUpAt: Date | null;
}

export const ALERT_COLUMNS = `id::text AS id, source, fingerprint, status, alertname, severity, namespace, cluster, target_kind, target_name, group_key,
  labels, annotations, decision, reason, run_id::text AS run_id, incident_id::text AS incident_id, receive_count, first_received,
  last_received, resolved_at, followed_up_at`;

export function toAlertRecord(r: Record<string, unknown>): AlertRecord {
  return {
    id: String(r.id),
    source: r.source as AlertSource,
    fingerprint: String(r.fingerprint),
    status: r.status as AlertStatus,
    alertname: String(r.alertname),
    severity: (r.severity as string | null) ?? null,
    namespace: (r.namespace as string | null) ?? null,
    cluster: (r.cluster as string | null) ?? null,
    target: r.target_kind ? { kind: String(r.target_kind), name: String(r.target_name) } : null,
    groupKey: String(r.group_key),
    labels: r.labels as Record<string, string>,
    annotations: r.annotations as Record<string, string>,
    decision: r.decision as AlertDecision,
    reason: String(r.reason),
    runId: (r.run_id as string | null) ?? null,
    incidentId: (r.incident_id as string | null) ?? null,
    receiveCount: Number(r.receive_count),
    firstReceived: toDate(r.first_received),
    lastReceived: toDate(r.last_received),
    resolvedAt: toDateOrNull(r.resolved_at),
    followedUpAt: toDateOrNull(r.followed_up_at),
  };
}

/** The latest occurrence of this fingerprint still inside the dedupe window, locked for the caller's transaction. */
export async function latestInWindow(tx: Queryable, fingerprint: string, windowSeconds: number): Promise<AlertRecord | null> {
  const res = await tx.query(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE fingerprint = $1 AND last_received > now() - make_interval(secs => $2)
      ORDER BY last_received DESC LIMIT 1 FOR UPDATE`,
    [fingerprint, windowSeconds],
  );
  return res.rows[0] ? toAlertRecord(res.rows[0]) : null;
}

/** The latest firing occurrence of this fingerprint, however old (what a resolve notification closes). */
export async function latestFiring(tx: Queryable, fingerprint: string): Promise<AlertRecord | null> {
  const res = await tx.query(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE fingerprint = $1 AND status = 'firing' ORDER BY last_received DESC LIMIT 1 FOR UPDATE`, [fingerprint]);
  return res.rows[0] ? toAlertRecord(res.rows[0]) : null;
}

export async function refire(tx: Queryable, id: string): Promise<AlertRecord> {
  const res = await tx.query(
    `UPDATE alerts SET status = 'firing', resolved_at = NULL, ends_at = NULL, receive_count = receive_count + 1, last_received = now()
      WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [id],
  );
  return toAlertRecord(res.rows[0]!);
}

export async function markResolved(tx: Queryable, id: string, endsAt: Date | null): Promise<AlertRecord> {
  const res = await tx.query(
    `UPDATE alerts SET status = 'resolved', resolved_at = now(), ends_at = coalesce($2, now()), last_received = now()
      WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [id, endsAt],
  );
  return toAlertRecord(res.rows[0]!);
}

export interface NewAlertRow {
  alert: NormalizedAlert;
  groupKey: string;
  decision: AlertDecision;
  reason: string;
  createdBy: string | null;
}

/** Labels and annotations are masked before they are stored (an annotation may quote a secret). */
export async function insertAlert(tx: Queryable, row: NewAlertRow): Promise<AlertRecord> {
  const a = row.alert;
  const res = await tx.query(
    `INSERT INTO alerts (source, fingerprint, status, alertname, severity, namespace, target_kind, target_name, group_key, labels, annotations,
       starts_at, ends_at, decision, reason, resolved_at, created_by, cluster)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15, CASE WHEN $3 = 'resolved' THEN now() END, $16, $17)
     RETURNING ${ALERT_COLUMNS}`,
    [
      a.source,
      a.fingerprint,
      a.status,
      a.alertname,
      a.severity,
      a.namespace,
      a.target?.kind ?? null,
      a.target?.name ?? null,
      row.groupKey,
      jsonParam(redactDeep(a.labels).value),
      jsonParam(redactDeep(a.annotations).value),
      a.startsAt,
      a.endsAt,
      row.decision,
      row.reason,
      row.createdBy,
      a.cluster,
    ],
  );
  return toAlertRecord(res.rows[0]!);
}

/** A run of this group that is still going (queued or running), to attach to instead of starting another. */
/**
 * How long a finished investigation still answers for new alerts about its target: Alertmanager
 * sends alerts of one group that arrive apart in notifications `group_interval` apart (default
 * 5 min), so a replica's alert can follow its sibling's finished diagnosis by that much. Later, a
 * new alert about the workload is a new question (the same alert re-sent is deduplicated by its
 * fingerprint, over SYNTRA_ALERT_DEDUPE_SECONDS).
 */
export const GROUP_FRESH_SECONDS = 600;

/**
 * The investigation a new alert of this target group joins: one still queued or running, or one
 * that succeeded within GROUP_FRESH_SECONDS (its diagnosis and incident stand).
 */
export async function investigationOfGroup(q: Queryable, groupKey: string, windowSeconds = GROUP_FRESH_SECONDS): Promise<string | null> {
  const res = await q.query<{ run_id: string }>(
    `SELECT a.run_id::text AS run_id FROM alerts a JOIN runs r ON r.id = a.run_id
      WHERE a.group_key = $1
        AND (r.status IN ('queued', 'running') OR (r.status = 'succeeded' AND r.finished_at > now() - make_interval(secs => $2)))
      ORDER BY a.last_received DESC LIMIT 1`,
    [groupKey, windowSeconds],
  );
  return res.rows[0]?.run_id ?? null;
}

export async function attachRun(q: Queryable, alertIds: readonly string[], runId: string): Promise<void> {
  await q.query(`UPDATE alerts SET run_id = $2 WHERE id = ANY($1::uuid[])`, [[...alertIds], runId]);
}

export async function skipAlerts(q: Queryable, alertIds: readonly string[], reason: string): Promise<void> {
  await q.query(`UPDATE alerts SET decision = 'skipped', reason = $2 WHERE id = ANY($1::uuid[])`, [[...alertIds], reason]);
}
