import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { updateAlertRules } from '../../src/control-plane/control-registry/index.js';
import { getRun } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES } from '../../src/control-plane/types.js';
import { getIncident } from '../../src/incidents/index.js';
import { followUpFinishedRuns } from '../../src/integrations/alerts/index.js';
import { startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { amAlert, amPayload, crashLoopLabels, createWebhookKey, CRASHING_POD } from './alert-fixtures.js';

/**
 * The alert webhooks through the real app (auth on) with the agents investigating the demo
 * cluster: one run per firing alert's target, dedupe by fingerprint, rules, the credential's
 * namespaces, the per-notification bound, and resolve → incident closed.
 */
interface Answer {
  runsStarted: number;
  results: Array<{ fingerprint: string; outcome: string; runId: string | null; incidentId: string | null; reason?: string; alertId: string | null }>;
}

describe('POST /v1/alerts/*', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  let bearer: { authorization: string };
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask'], env: { SYNTRA_ALERT_MAX_RUNS_PER_NOTIFICATION: '2' } });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-alerts-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
    bearer = { authorization: `Bearer ${(await createWebhookKey(api.db)).apiKey}` };
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = async (url: string, body: unknown, headers: Record<string, string> = bearer) => api.app.inject({ method: 'POST', url, headers, payload: body as object });
  const finished = (runId: string) =>
    eventually(async () => {
      const run = await getRun(api.db, runId);
      return run && TERMINAL_RUN_STATUSES.has(run.run.status) ? run : undefined;
    }, `run ${runId}`);

  it('starts one investigation for a crash-looping pod, attaches a re-send, and closes the incident on resolve', async () => {
    const alert = amAlert(crashLoopLabels());
    const res = await post('/v1/alerts/alertmanager', amPayload([alert]));
    expect(res.statusCode).toBe(200);
    const first = res.json() as Answer;
    expect(first.runsStarted).toBe(1);
    expect(first.results).toEqual([expect.objectContaining({ fingerprint: alert.fingerprint, outcome: 'investigating', runId: expect.any(String) })]);
    const runId = first.results[0]!.runId!;
    const run = await finished(runId);
    expect(run.run).toMatchObject({ status: 'succeeded', namespace: 'production' });
    expect(run.run.output).toMatchObject({ diagnosis: { root_cause: { type: 'service_no_endpoints' } } });
    expect((run.tasks[0]!.input as { pod_name: string; context: { alert: { labels: Record<string, string> } } })).toMatchObject({ pod_name: CRASHING_POD, context: { alert: { labels: { container: 'auth-service' } } } });

    // Re-sent (Alertmanager's repeat_interval): no second run.
    const again = (await post('/v1/alerts/alertmanager', amPayload([alert]))).json() as Answer;
    expect(again).toMatchObject({ runsStarted: 0, results: [{ outcome: 'attached', runId }] });

    await eventually(async () => ((await followUpFinishedRuns(api.db)) >= 0 && (await alertRow(first.results[0]!.alertId!))?.incident_id) || undefined, 'incident linked');
    const incidentId = (await alertRow(first.results[0]!.alertId!))!.incident_id!;
    expect(await getIncident(api.db, incidentId)).toMatchObject({ status: 'open' });

    const resolved = (await post('/v1/alerts/alertmanager', amPayload([amAlert(crashLoopLabels(), 'resolved', alert.fingerprint)], 'resolved'))).json() as Answer;
    expect(resolved.results).toEqual([expect.objectContaining({ outcome: 'resolved', runId, incidentId, reason: 'incident resolved' })]);
    expect(await getIncident(api.db, incidentId)).toMatchObject({ status: 'resolved' });

    // It fires again within the window: attached to the same run, and its incident reopens.
    const refired = (await post('/v1/alerts/alertmanager', amPayload([alert]))).json() as Answer;
    expect(refired).toMatchObject({ runsStarted: 0, results: [{ outcome: 'attached', runId, incidentId }] });
    expect(await getIncident(api.db, incidentId)).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it('groups replicas of one workload into one run and bounds the runs per notification', async () => {
    // (Not auth-service: the test above investigated it moments ago, and a new alert about it would join that.)
    const pods = ['frontend-7d9f8b6c5d-r5t7w', 'frontend-7d9f8b6c5d-m8n3q'].map((p) => amAlert({ ...crashLoopLabels(p), alertname: 'KubeContainerWaiting' }));
    const others = ['api-gateway', 'billing', 'search'].map((d) => amAlert({ alertname: 'KubeDeploymentReplicasMismatch', severity: 'warning', namespace: 'staging', deployment: d, job: 'kube-state-metrics' }));
    const body = (await post('/v1/alerts/alertmanager', amPayload([...pods, ...others]))).json() as Answer;
    // auth-service's two pods → one run; three deployments but the bound is 2 runs per notification.
    expect(body.runsStarted).toBe(2);
    const [a, b, ...rest] = body.results;
    expect(a!.runId).toBe(b!.runId);
    expect(rest.map((r) => r.outcome)).toEqual(['investigating', 'skipped', 'skipped']);
    expect(rest[1]!.reason).toMatch(/more than 2 distinct targets/);
    for (const id of new Set(body.results.map((r) => r.runId).filter((r): r is string => r !== null))) await finished(id);

    // A third replica's alert in a later notification (Alertmanager's group_interval), after the
    // diagnosis finished: the same problem, so it joins that investigation.
    const late = (await post('/v1/alerts/alertmanager', amPayload([amAlert({ ...crashLoopLabels('frontend-7d9f8b6c5d-x9z8w'), alertname: 'KubeContainerWaiting' })]))).json() as Answer;
    expect(late).toMatchObject({ runsStarted: 0, results: [{ outcome: 'attached', runId: a!.runId }] });
  });

  it('two notifications at once about replicas of one workload start one run, not two', async () => {
    // Alertmanager may split a group (group_interval) and HA pairs deliver twice: the deliveries race.
    const [x, y] = ['payment-worker-6c8b9d7f5-q9w4e', 'payment-worker-6c8b9d7f5-z7k2m'].map((p) => amAlert({ ...crashLoopLabels(p), alertname: 'KubePodNotReady', deployment: 'payment-worker' }));
    const answers = (await Promise.all([post('/v1/alerts/alertmanager', amPayload([x!])), post('/v1/alerts/alertmanager', amPayload([y!]))])).map((r) => r.json() as Answer);
    const runIds = answers.flatMap((a) => a.results.map((r) => r.runId));
    expect(runIds.every((r) => r !== null)).toBe(true);
    expect(new Set(runIds).size).toBe(1);
    expect(answers.map((a) => a.runsStarted).sort()).toEqual([0, 1]);
    await finished(runIds[0]!);
  });

  it('applies the alert rules of the control registry and the credential namespaces', async () => {
    await updateAlertRules(api.db, { rules: [{ match: { alertname: ['CPUThrottlingHigh'] }, action: 'ignore' }] }, { actor: 'test', reason: 'noisy' });
    const noisy = (await post('/v1/alerts/alertmanager', amPayload([amAlert({ alertname: 'CPUThrottlingHigh', namespace: 'production', pod: CRASHING_POD })]))).json() as Answer;
    expect(noisy).toMatchObject({ runsStarted: 0, results: [{ outcome: 'ignored', runId: null, reason: 'alert rule 0 ignores it' }] });
    // An update replaces the whole list, built-in rules included: Watchdog is no longer ignored.
    const watchdog = (await post('/v1/alerts/alertmanager', amPayload([amAlert({ alertname: 'Watchdog', severity: 'none' })]))).json() as Answer;
    expect(watchdog.results[0]!.outcome).not.toBe('ignored');

    const stagingOnly = await createWebhookKey(api.db, ['staging']);
    const outside = (await post('/v1/alerts/alertmanager', amPayload([amAlert(crashLoopLabels(CRASHING_POD, 'production'))]), { authorization: `Bearer ${stagingOnly.apiKey}` })).json() as Answer;
    expect(outside.results[0]).toMatchObject({ outcome: 'skipped', alertId: null, runId: null, reason: "namespace production is outside this credential's namespaces" });
    // Nor can it resolve another namespace's alert.
    const resolve = (await post('/v1/alerts/alertmanager', amPayload([amAlert(crashLoopLabels(), 'resolved')], 'resolved'), { authorization: `Bearer ${stagingOnly.apiKey}` })).json() as Answer;
    expect(resolve.results[0]).toMatchObject({ outcome: 'skipped', incidentId: null });
  });

  it('takes the generic shape, and refuses bad input and the wrong credentials', async () => {
    const generic = await post('/v1/alerts/generic', { alerts: [{ title: 'auth-service errors', severity: 'critical', namespace: 'production', resource: { kind: 'Deployment', name: 'auth-service' } }] });
    expect(generic.statusCode).toBe(200);
    const g = generic.json() as Answer;
    expect(g.results[0]).toMatchObject({ outcome: expect.stringMatching(/investigating|attached/) });
    const same = (await post('/v1/alerts/generic', { alerts: [{ title: 'auth-service errors', severity: 'critical', namespace: 'production', resource: { kind: 'Deployment', name: 'auth-service' } }] })).json() as Answer;
    expect(same.results[0]).toMatchObject({ outcome: 'attached', fingerprint: g.results[0]!.fingerprint });

    const bad = await post('/v1/alerts/generic', { alerts: [{ title: '', namespaces: 'x' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const wrongVersion = await post('/v1/alerts/alertmanager', { ...amPayload([amAlert(crashLoopLabels())]), version: '3' });
    expect(wrongVersion.statusCode).toBe(400);
    const noAlerts = await post('/v1/alerts/alertmanager', { ...amPayload([amAlert(crashLoopLabels())]), alerts: [] });
    expect(noAlerts.statusCode).toBe(400);

    expect((await api.app.inject({ method: 'POST', url: '/v1/alerts/generic', headers: { authorization: 'Bearer sk_live_nope' }, payload: { alerts: [{ title: 'x' }] } })).statusCode).toBe(401);
    // A viewer key may read alerts but not post them; the webhook key may post but not read runs.
    const viewer = await import('../access/admin-key.js').then((m) => m.createTestKey(api.db, { roles: ['viewer'], type: 'live' }));
    expect((await post('/v1/alerts/generic', { alerts: [{ title: 'x' }] }, viewer.headers)).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer })).statusCode).toBe(403);
    const list = await api.app.inject({ method: 'GET', url: '/v1/alerts?status=firing&limit=5', headers: viewer.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const audit = await api.db.query<{ action: string; details: { alerts: number } }>(`SELECT action, details FROM audit_events WHERE action LIKE 'alerts.%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toContain('alerts.generic.received');
  });

  async function alertRow(id: string) {
    return (await api.db.query<{ incident_id: string | null }>(`SELECT incident_id::text AS incident_id FROM alerts WHERE id = $1`, [id])).rows[0];
  }
});
