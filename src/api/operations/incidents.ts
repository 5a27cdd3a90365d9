import { actorOf } from '../../access/audit.js';
import type { Principal } from '../../access/principal.js';
import type { Database, Queryable } from '../../db/database.js';
import { scopeOf } from '../../clusters/index.js';
import { SyntraError } from '../../domain/errors.js';
import {
  changeTags,
  findSimilar,
  getIncident,
  listIncidents,
  probeOf,
  recordFeedback,
  searchIncidents,
  setIncidentStatus,
  type Embedder,
  type FeedbackInput,
  type IncidentActor,
  type IncidentStatus,
} from '../../incidents/index.js';
import type { Caller } from '../plugins/auth.js';

/**
 * The incident memory as every transport (REST, GraphQL) sees it: only the caller's namespaces,
 * and another namespace's incident answers exactly like a missing one, so ids cannot be probed.
 * The caller's permission for the operation was checked before.
 */

/** null = every namespace (no principal, or an unrestricted one). */
const visibleNamespaces = (principal: Principal | null): readonly string[] | null => principal?.namespaces ?? null;

export function incidentActor(caller: Pick<Caller, 'principal' | 'ip'>): IncidentActor {
  return { ...actorOf(caller.principal ?? null), ip: caller.ip, namespaces: visibleNamespaces(caller.principal ?? null) };
}

export interface IncidentListFilter {
  status?: IncidentStatus | undefined;
  namespace?: string | undefined;
  root_cause_type?: string | undefined;
  recurring?: boolean | undefined;
  tag?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export function visibleIncidents(db: Queryable, principal: Principal | null, f: IncidentListFilter) {
  const namespaces = visibleNamespaces(principal);
  return listIncidents(db, {
    limit: f.limit ?? 20,
    ...(f.status ? { status: f.status } : {}),
    ...(f.namespace ? { namespace: f.namespace } : {}),
    ...(f.root_cause_type ? { rootCauseType: f.root_cause_type } : {}),
    ...(f.cursor ? { cursor: f.cursor } : {}),
    ...(f.recurring ? { recurring: f.recurring } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(namespaces ? { namespaces } : {}),
  });
}

export async function visibleIncident(db: Queryable, principal: Principal | null, id: string) {
  const incident = await getIncident(db, id);
  const namespaces = visibleNamespaces(principal);
  if (!incident || (namespaces && !namespaces.includes(scopeOf(incident.cluster, incident.namespace) ?? ''))) {
    throw new SyntraError('not_found', `incident ${id} does not exist`);
  }
  return incident;
}

export interface IncidentSearch {
  q: string;
  namespace?: string | undefined;
  root_cause_type?: string | undefined;
  status?: IncidentStatus | undefined;
  tag?: string | undefined;
  since?: string | undefined;
  limit?: number | undefined;
}

export function searchVisibleIncidents(db: Queryable, embedder: Embedder, principal: Principal | null, s: IncidentSearch) {
  return searchIncidents(db, embedder, {
    q: s.q,
    namespaces: visibleNamespaces(principal),
    limit: s.limit ?? 10,
    ...(s.namespace ? { namespace: s.namespace } : {}),
    ...(s.root_cause_type ? { rootCauseType: s.root_cause_type } : {}),
    ...(s.status ? { status: s.status } : {}),
    ...(s.tag ? { tag: s.tag } : {}),
    ...(s.since ? { since: new Date(s.since) } : {}),
  });
}

/** Past incidents like this one (verified fixes first), within the caller's namespaces. */
export async function similarToIncident(db: Queryable, principal: Principal | null, id: string, limit = 3) {
  const incident = await visibleIncident(db, principal, id);
  const probe = (await probeOf(db, incident.id))!;
  return findSimilar(db, probe, { namespaces: visibleNamespaces(principal), excludeId: incident.id, limit });
}

export interface FeedbackBody {
  remediation_applied?: string | undefined;
  verified?: boolean | undefined;
  root_cause_correct?: boolean | undefined;
  note?: string | undefined;
}

/** Audited with the change, in its transaction: the caller is marked audited. */
export async function incidentFeedback(db: Database, caller: Caller, id: string, b: FeedbackBody) {
  const input: FeedbackInput = {
    ...(b.remediation_applied !== undefined ? { remediationApplied: b.remediation_applied } : {}),
    ...(b.verified !== undefined ? { verified: b.verified } : {}),
    ...(b.root_cause_correct !== undefined ? { rootCauseCorrect: b.root_cause_correct } : {}),
    ...(b.note !== undefined ? { note: b.note } : {}),
  };
  const result = await recordFeedback(db, id, input, incidentActor(caller));
  caller.auditRecorded = true;
  return result;
}

export async function changeIncidentStatus(db: Database, caller: Caller, id: string, status: 'open' | 'resolved', note?: string) {
  const incident = await setIncidentStatus(db, id, status, incidentActor(caller), note);
  caller.auditRecorded = true;
  return incident;
}

export async function changeIncidentTags(db: Database, caller: Caller, id: string, change: { add?: string[] | undefined; remove?: string[] | undefined }) {
  const incident = await changeTags(db, id, { ...(change.add ? { add: change.add } : {}), ...(change.remove ? { remove: change.remove } : {}) }, incidentActor(caller));
  caller.auditRecorded = true;
  return incident;
}
