import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { getIncident } from '../../src/incidents/index.js';
import { upsertNotificationChannel } from '../../src/control-plane/control-registry/index.js';
import { startAlertFollowUp, type FollowUpLoop } from '../../src/integrations/alerts/index.js';
import { NOTIFY_TASK, notifyHandler, notifyOnFinish } from '../../src/integrations/notify/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { startFakeSlack } from '../helpers/fake-chat-webhooks.js';
import type { ScriptedApi } from '../helpers/loopback-http.js';
import { startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager.js';
import { crashLoopLabels, createWebhookKey } from './alert-fixtures.js';

/**
 * A real Alertmanager delivers to the real API: a grouped KubePodCrashLooping notification for
 * two auth-service replicas starts ONE investigation whose diagnosis is posted to a
 * Slack-compatible loopback server, Alertmanager's repeated notification starts none, and the
 * resolved notification closes the incident the investigation opened.
 */
interface AlertRow {
  fingerprint: string;
  status: string;
  run_id: string | null;
  incident_id: string | null;
  receive_count: number;
}

describe('Alertmanager → Syntra', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let am: RunningAlertmanager;
  let followUp: FollowUpLoop;
  let notifier: RunningWorker;
  let slack: ScriptedApi;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask'] });
    const base = await api.listen();
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-am-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
    slack = await startFakeSlack();
    await upsertNotificationChannel(api.db, { name: 'oncall', type: 'slack', urlEnv: 'ONCALL_SLACK_URL' }, { actor: 'test', reason: 'on-call channel' });
    const registry = createRegistry().register(NOTIFY_TASK, notifyHandler({ db: api.db, env: { ONCALL_SLACK_URL: `${slack.url}/services/T01/B01/abc123` }, publicUrl: base }));
    notifier = startWorker({ db: api.db, bus: api.bus, registry, concurrency: 1, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000 });
    await notifier.registered;
    followUp = startAlertFollowUp({ db: api.db, intervalMs: 100, listeners: [notifyOnFinish] });
    const { apiKey } = await createWebhookKey(api.db);
    am = await startAlertmanager({ webhookUrl: `${base}/v1/alerts/alertmanager`, bearerToken: apiKey });
  });
  afterAll(async () => {
    await am?.stop();
    await followUp?.stop();
    await notifier?.stop();
    await slack?.close();
    await worker?.stop();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const rows = async () => (await api.db.query<AlertRow>(`SELECT fingerprint, status, run_id::text AS run_id, incident_id::text AS incident_id, receive_count FROM alerts ORDER BY fingerprint`)).rows;
  const runCount = async () => Number((await api.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM runs`)).rows[0]!.n);
  const pods = ['auth-service-7d9f8b6c5d-x2k4p', 'auth-service-7d9f8b6c5d-r5t7w'];
  const annotations = { summary: 'Pod is crash looping.', description: 'Pod production/auth-service is in waiting state (reason: "CrashLoopBackOff").' };

  it('investigates once, posts the diagnosis to Slack, ignores the repeat, and closes the incident when resolved', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await am.push(pods.map((pod) => ({ labels: crashLoopLabels(pod), annotations, startsAt })));

    // One notification (grouped by alertname + namespace) with both pods → one run.
    const investigated = await eventually(async () => {
      const r = await rows();
      return r.length === 2 && r.every((x) => x.run_id) ? r : undefined;
    }, `both alerts recorded with a run (alertmanager log:\n${am.log()})`, 400);
    expect(new Set(investigated.map((r) => r.run_id)).size).toBe(1);
    const incidentId = await eventually(async () => (await rows()).find((r) => r.incident_id)?.incident_id ?? undefined, 'the run finished and its incident linked', 400);
    expect(await getIncident(api.db, incidentId)).toMatchObject({ status: 'open', rootCauseType: 'service_no_endpoints', namespace: 'production' });
    // The diagnosis went to Slack, once.
    await eventually(async () => (slack.requests.length > 0 ? true : undefined), 'the Slack message', 400);
    expect((slack.requests[0]!.body as { text: string }).text).toMatch(/^KubePodCrashLooping: production\/Pod\/auth-service-.*postgres/);

    // Alertmanager re-sends the still-firing group after repeat_interval: attached, no new run.
    await eventually(async () => ((await rows()).every((r) => r.receive_count >= 2) ? true : undefined), 'a repeated notification', 400);
    expect(await runCount()).toBe(2); // the investigation and its one notify run

    // Prometheus stops firing: an endsAt in the past; Alertmanager sends the resolved notification.
    const endsAt = new Date(Date.now() - 1000).toISOString();
    await am.push(pods.map((pod) => ({ labels: crashLoopLabels(pod), annotations, startsAt, endsAt })));
    await eventually(async () => ((await rows()).every((r) => r.status === 'resolved') ? true : undefined), 'the resolved notification', 400);
    // The incident closes just after the last alert's resolution commits (ingest.ts resolveOne): wait for it too.
    await eventually(async () => ((await getIncident(api.db, incidentId))?.status === 'resolved' ? true : undefined), 'the incident resolved', 400);
    expect(await runCount()).toBe(2);
    expect(slack.requests).toHaveLength(1);
  });
});
