import type { AlertRule } from '../../control-plane/control-registry/index.js';
import { submitCommand } from '../../control-plane/commands.js';
import type { Database, Queryable } from '../../db/database.js';
import { canAccessNamespace, type Principal } from '../../access/principal.js';
import { listClusters, principalInCluster } from '../../clusters/index.js';
import { groupKey, investigationPrompt, type NormalizedAlert } from './alert.js';
import { closeIncidentIfQuiet } from './incident-link.js';
import { decide } from './rules.js';
import { attachRun, insertAlert, latestFiring, latestInWindow, markResolved, refire, investigationOfGroup, skipAlerts, type AlertRecord } from './store.js';

/**
 * The one service function behind both alert webhooks (and any other transport): record each
 * alert, deduplicate by fingerprint within the window, apply the registry's rules and the
 * credential's namespaces, and start one investigation per distinct target — at most
 * `maxRunsPerNotification` per notification; resolved alerts close what they opened.
 */
export interface IngestOptions {
  principal: Principal;
  rules: readonly AlertRule[];
  /** A re-sent or re-firing alert within this many seconds attaches instead of starting anew. */
  dedupeWindowSeconds: number;
  maxRunsPerNotification: number;
}

export type AlertOutcome = 'investigating' | 'attached' | 'ignored' | 'skipped' | 'resolved' | 'recorded';

export interface AlertResult {
  fingerprint: string;
  alertname: string;
  outcome: AlertOutcome;
  /** null when the alert was not recorded (outside the credential's namespaces). */
  alertId: string | null;
  runId: string | null;
  incidentId: string | null;
  reason?: string;
}

export interface IngestResult {
  results: AlertResult[];
  runsStarted: number;
}

type Processed = { result: AlertResult; needsRun?: AlertRecord };

const actor = (p: Principal) => `${p.type}:${p.id}`;

export async function ingestAlerts(db: Database, alerts: readonly NormalizedAlert[], o: IngestOptions): Promise<IngestResult> {
  const results: AlertResult[] = [];
  // Rows that still need a run (new ones, and earlier ones a crash left without), by target group.
  const pending = new Map<string, { alert: NormalizedAlert; rows: AlertRecord[]; resultIdx: number[] }>();
  // The `cluster` label names a registered cluster; with none registered it is only a label (one cluster).
  const registered = new Set((await listClusters(db)).map((c) => c.name));
  for (const given of alerts) {
    const label = given.labels.cluster?.trim();
    const alert: NormalizedAlert = { ...given, cluster: registered.size > 0 && label ? label : null };
    if (alert.cluster !== null && !registered.has(alert.cluster)) {
      results.push({ fingerprint: alert.fingerprint, alertname: alert.alertname, outcome: 'skipped', alertId: null, runId: null, incidentId: null, reason: `cluster "${alert.cluster}" is not registered (syntra clusters add)` });
      continue;
    }
    // Outside the credential's namespaces (in the alert's cluster): neither recorded nor matched against
    // recorded alerts (a re-sent fingerprint would otherwise reveal — or resolve — another namespace's run).
    if (!canAccessNamespace(principalInCluster(o.principal, alert.cluster), alert.namespace)) {
      const where = alert.namespace ? `namespace ${alert.namespace} is` : 'an alert without a namespace label is';
      results.push({ fingerprint: alert.fingerprint, alertname: alert.alertname, outcome: 'skipped', alertId: null, runId: null, incidentId: null, reason: `${where} outside this credential's namespaces` });
      continue;
    }
    const result: Processed = alert.status === 'resolved' ? await resolveOne(db, alert) : await fireOne(db, alert, o);
    results.push(result.result);
    if (result.needsRun) {
      const key = result.needsRun.groupKey;
      const group = pending.get(key) ?? { alert, rows: [], resultIdx: [] };
      group.rows.push(result.needsRun);
      group.resultIdx.push(results.length - 1);
      pending.set(key, group);
    }
  }

  let runsStarted = 0;
  const overBound = `more than ${o.maxRunsPerNotification} distinct targets in one notification; a re-send investigates it`;
  for (const [key, group] of pending) {
    const ids = group.rows.map((r) => r.id);
    // Two notifications about one workload (Alertmanager splits a group, HA pairs, replicas of
    // the API) decide here one after the other: the second sees the first's run and attaches.
    const decided = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syntra.alert-group:${key}`]);
      const running = await investigationOfGroup(tx, key);
      if (!running && runsStarted >= o.maxRunsPerNotification) {
        await skipAlerts(tx, ids, overBound);
        return undefined;
      }
      const runId = running ?? (await startInvestigation(tx, group.alert, group.rows, o.principal));
      await attachRun(tx, ids, runId);
      return { runId, attached: running !== null };
    });
    if (!decided) {
      for (const i of group.resultIdx) results[i] = { ...results[i]!, outcome: 'skipped', reason: overBound };
      continue;
    }
    if (!decided.attached) runsStarted++;
    for (const i of group.resultIdx) results[i] = { ...results[i]!, runId: decided.runId, ...(decided.attached ? { outcome: 'attached' as const } : {}) };
  }
  return { results, runsStarted };
}

async function fireOne(db: Database, alert: NormalizedAlert, o: IngestOptions): Promise<Processed> {
  return db.transaction(async (tx) => {
    // Concurrent notifications about one fingerprint (Alertmanager retries, HA pairs) serialise here.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syntra.alert:${alert.fingerprint}`]);
    const seen = await latestInWindow(tx, alert.fingerprint, o.dedupeWindowSeconds);
    if (seen) {
      const row = await refire(tx, seen.id);
      // Re-firing after it resolved, within the window: the same problem is back — reopen its incident.
      if (seen.status === 'resolved' && row.incidentId) {
        await tx.query(`UPDATE incidents SET status = 'open', resolved_at = NULL, last_seen = now() WHERE id = $1 AND status = 'resolved'`, [row.incidentId]);
      }
      const base = { fingerprint: alert.fingerprint, alertname: alert.alertname, alertId: row.id, runId: row.runId, incidentId: row.incidentId };
      if (row.decision !== 'investigate') return { result: { ...base, outcome: row.decision, reason: row.reason } };
      // An earlier receipt recorded the alert but never got its run (a crash in between): start it now.
      return row.runId ? { result: { ...base, outcome: 'attached' } } : { result: { ...base, outcome: 'investigating' }, needsRun: row };
    }
    const { decision, reason } = decisionFor(alert, o);
    const row = await insertAlert(tx, { alert, groupKey: groupKey(alert), decision, reason, createdBy: actor(o.principal) });
    const result: AlertResult = {
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      outcome: decision === 'investigate' ? 'investigating' : decision,
      alertId: row.id,
      runId: null,
      incidentId: null,
      ...(reason ? { reason } : {}),
    };
    return decision === 'investigate' ? { result, needsRun: row } : { result };
  });
}

function decisionFor(alert: NormalizedAlert, o: IngestOptions): { decision: 'investigate' | 'ignored'; reason: string } {
  const rule = decide(o.rules, alert);
  if (rule.action === 'ignore') return { decision: 'ignored', reason: rule.rule === null ? 'ignored' : `alert rule ${rule.rule} ignores it` };
  return { decision: 'investigate', reason: '' };
}

async function resolveOne(db: Database, alert: NormalizedAlert): Promise<Processed> {
  const row = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syntra.alert:${alert.fingerprint}`]);
    const firing = await latestFiring(tx, alert.fingerprint);
    return firing ? markResolved(tx, firing.id, alert.endsAt) : null;
  });
  if (!row) {
    // Resolved before Syntra saw it fire (or already resolved): recorded, nothing to close.
    const recorded = await db.transaction((tx) =>
      insertAlert(tx, { alert, groupKey: groupKey(alert), decision: 'ignored', reason: 'resolved without a firing alert on record', createdBy: null }),
    );
    return { result: { fingerprint: alert.fingerprint, alertname: alert.alertname, outcome: 'recorded', alertId: recorded.id, runId: null, incidentId: null } };
  }
  // The run has finished and produced an incident: close it once no alert on it still fires.
  // (A run still going is handled by the follow-up when it finishes.)
  const closed = row.incidentId ? await closeIncidentIfQuiet(db, row.incidentId, row.runId) : false;
  return {
    result: {
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      outcome: 'resolved',
      alertId: row.id,
      runId: row.runId,
      incidentId: row.incidentId,
      ...(closed ? { reason: 'incident resolved' } : {}),
    },
  };
}

async function startInvestigation(db: Queryable, alert: NormalizedAlert, rows: readonly AlertRecord[], principal: Principal): Promise<string> {
  const context = {
    alert: { alertname: alert.alertname, severity: alert.severity, labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt?.toISOString() ?? null },
    ...(rows.length > 1 ? { alsoFiring: rows.slice(1, 20).map((r) => ({ alertname: r.alertname, target: r.target })) } : {}),
  };
  const input = {
    prompt: investigationPrompt(alert),
    ...(alert.namespace ? { namespace: alert.namespace } : {}),
    ...(alert.target?.kind === 'Pod' ? { pod_name: alert.target.name } : {}),
    context,
  };
  const { runId, created } = await submitCommand(
    db,
    { kind: 'ask', input, ...(alert.namespace ? { namespace: alert.namespace } : {}), metadata: { via: `alerts/${alert.source}`, alertIds: rows.map((r) => r.id) } },
    // The first row's id: a retried ingest of the same rows never starts a second run.
    { idempotencyKey: `alert:${rows[0]!.id}`, idempotencyScope: 'alerts', createdBy: actor(principal) },
  );
  // In the caller's transaction: the run carries its cluster from its first committed moment on.
  if (created && alert.cluster) await db.query(`UPDATE runs SET cluster = $2 WHERE id = $1`, [runId, alert.cluster]);
  return runId;
}
