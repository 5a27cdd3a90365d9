import { scopeOf } from '../clusters/scope.js';
import { appendAudit, type ActorType } from '../access/audit.js';
import type { Database, Queryable } from '../db/database.js';
import { isUuid, toDate } from '../db/sql-values.js';
import { SyntraError } from '../domain/errors.js';
import { TAG_PATTERN, type Incident } from './incident.js';
import { maskText } from './memory/text.js';
import { INCIDENT_COLUMNS, toIncident } from './store.js';

/**
 * Changing an incident by hand: feedback on its root cause and fix, resolve, reopen, tags.
 * Each change is one transaction with its audit event; an incident outside the caller's
 * namespaces answers exactly like a missing one.
 */
export interface IncidentActor {
  actorType: ActorType;
  actorId: string | null;
  ip?: string | null;
  /** Namespace isolation; null = every namespace. */
  namespaces: readonly string[] | null;
}

export interface FeedbackInput {
  remediationApplied?: string;
  verified?: boolean;
  rootCauseCorrect?: boolean;
  note?: string;
}

export interface Feedback {
  id: string;
  createdAt: Date;
  createdBy: string | null;
  remediationApplied: string | null;
  verified: boolean | null;
  rootCauseCorrect: boolean | null;
  note: string | null;
}

const FEEDBACK_COLUMNS = `id::text AS id, created_at, created_by, remediation_applied, verified, root_cause_correct, note`;

function toFeedback(r: Record<string, unknown>): Feedback {
  return {
    id: String(r.id),
    createdAt: toDate(r.created_at),
    createdBy: (r.created_by as string | null) ?? null,
    remediationApplied: (r.remediation_applied as string | null) ?? null,
    verified: (r.verified as boolean | null) ?? null,
    rootCauseCorrect: (r.root_cause_correct as boolean | null) ?? null,
    note: (r.note as string | null) ?? null,
  };
}

/** Locks and returns the incident when the actor may see it; not_found otherwise. */
async function lockVisible(tx: Queryable, id: string, namespaces: readonly string[] | null): Promise<Incident> {
  const res = isUuid(id) ? await tx.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`, [id]) : { rows: [] };
  const row = res.rows[0];
  const incident = row ? toIncident(row) : null;
  if (!incident || (namespaces && !namespaces.includes(scopeOf(incident.cluster, incident.namespace) ?? ''))) {
    throw new SyntraError('not_found', `incident ${id} does not exist (see syntra incidents list)`);
  }
  return incident;
}

async function reread(tx: Queryable, id: string): Promise<Incident> {
  return toIncident((await tx.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id])).rows[0]!);
}

const audit = (tx: Queryable, actor: IncidentActor, action: string, incident: Incident, details: Record<string, unknown>) =>
  appendAudit(tx, { actorType: actor.actorType, actorId: actor.actorId, ip: actor.ip ?? null, action, target: incident.id, namespace: incident.namespace, result: 'ok', details });

function text(v: string | undefined, field: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!t) return undefined;
  if (t.length > max) throw new SyntraError('validation_failed', `${field} must be at most ${max} characters`, { details: { field } });
  return maskText(t);
}

/**
 * Feedback: what was applied, whether it worked, whether the root cause was right. Remembered
 * on the incident (a verified fix ranks first among similar incidents; a wrong root cause halves
 * the incident's rank) and kept, masked, in its feedback history.
 */
export async function recordFeedback(db: Database, id: string, input: FeedbackInput, actor: IncidentActor): Promise<{ incident: Incident; feedback: Feedback }> {
  const applied = text(input.remediationApplied, 'remediation_applied', 1000);
  const note = text(input.note, 'note', 2000);
  if (applied === undefined && note === undefined && input.verified === undefined && input.rootCauseCorrect === undefined) {
    throw new SyntraError('validation_failed', 'feedback needs at least one of remediation_applied, verified, root_cause_correct, note', { details: { field: 'body' } });
  }
  return db.transaction(async (tx) => {
    const incident = await lockVisible(tx, id, actor.namespaces);
    const fb = await tx.query(
      `INSERT INTO incident_feedback (incident_id, created_by, remediation_applied, verified, root_cause_correct, note)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${FEEDBACK_COLUMNS}`,
      [incident.id, actor.actorId ? `${actor.actorType}:${actor.actorId}` : actor.actorType, applied ?? null, input.verified ?? null, input.rootCauseCorrect ?? null, note ?? null],
    );
    await tx.query(
      `UPDATE incidents SET
         last_fix = COALESCE($2, last_fix),
         last_fix_at = CASE WHEN $2::text IS NOT NULL OR $3::boolean IS NOT NULL THEN now() ELSE last_fix_at END,
         remediation_verified = COALESCE($3, remediation_verified),
         root_cause_correct = COALESCE($4, root_cause_correct)
       WHERE id = $1`,
      [incident.id, applied ?? null, input.verified ?? null, input.rootCauseCorrect ?? null],
    );
    const feedback = toFeedback(fb.rows[0]!);
    await audit(tx, actor, 'incident.feedback', incident, {
      feedbackId: feedback.id,
      verified: feedback.verified,
      rootCauseCorrect: feedback.rootCauseCorrect,
      remediationApplied: feedback.remediationApplied,
      note: feedback.note,
    });
    return { incident: await reread(tx, incident.id), feedback };
  });
}

export async function listFeedback(db: Queryable, incidentId: string, limit = 50): Promise<Feedback[]> {
  const res = await db.query(`SELECT ${FEEDBACK_COLUMNS} FROM incident_feedback WHERE incident_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [incidentId, limit]);
  return res.rows.map(toFeedback);
}

/** Resolve or reopen by hand (a run resolves by itself when it finds the subject healthy). */
export async function setIncidentStatus(db: Database, id: string, status: 'open' | 'resolved', actor: IncidentActor, note?: string): Promise<Incident> {
  const masked = text(note, 'note', 2000);
  return db.transaction(async (tx) => {
    const incident = await lockVisible(tx, id, actor.namespaces);
    if (incident.status === status) throw new SyntraError('conflict', `incident ${id} is already ${status}`, { details: { status } });
    await tx.query(`UPDATE incidents SET status = $2, resolved_at = CASE WHEN $2 = 'resolved' THEN now() ELSE NULL END WHERE id = $1`, [incident.id, status]);
    await audit(tx, actor, status === 'resolved' ? 'incident.resolve' : 'incident.reopen', incident, masked ? { note: masked } : {});
    return reread(tx, incident.id);
  });
}

const TAG_RE = new RegExp(TAG_PATTERN);

/** Adds and removes tags (lower-case words joined by dashes); at most 32 per incident. */
export async function changeTags(db: Database, id: string, change: { add?: string[]; remove?: string[] }, actor: IncidentActor): Promise<Incident> {
  const add = [...new Set((change.add ?? []).map((t) => t.trim().toLowerCase()))];
  const remove = [...new Set((change.remove ?? []).map((t) => t.trim().toLowerCase()))];
  const bad = [...add, ...remove].find((t) => !TAG_RE.test(t));
  if (bad !== undefined) throw new SyntraError('validation_failed', `tag "${bad}" is not valid: use lower-case letters, digits and dashes (at most 40), e.g. database`, { details: { field: 'tags' } });
  if (!add.length && !remove.length) throw new SyntraError('validation_failed', 'give tags to add or remove', { details: { field: 'tags' } });
  return db.transaction(async (tx) => {
    const incident = await lockVisible(tx, id, actor.namespaces);
    const next = [...new Set([...incident.tags.filter((t) => !remove.includes(t)), ...add])].sort();
    if (next.length > 32) throw new SyntraError('validation_failed', `an incident has at most 32 tags (this change makes ${next.length})`, { details: { field: 'tags' } });
    await tx.query(`UPDATE incidents SET tags = $2::text[] WHERE id = $1`, [incident.id, next]);
    await audit(tx, actor, 'incident.tag', incident, { added: add, removed: remove });
    return reread(tx, incident.id);
  });
}
