import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { submitCommand } from '../../src/control-plane/commands.js';
import { getRun } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES } from '../../src/control-plane/types.js';
import { startAlertFollowUp, type FollowUpLoop } from '../../src/integrations/alerts/index.js';
import { NOTIFY_TASK, notifyHandler, notifyOnFinish } from '../../src/integrations/notify/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker, type RunningWorker } from '../../src/worker/runtime.js';
import { startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { startSignedWebhookReceiver, verifySyntraSignature } from '../helpers/fake-chat-webhooks.js';
import type { ScriptedApi } from '../helpers/loopback-http.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { amAlert, amPayload, crashLoopLabels, createWebhookKey } from './alert-fixtures.js';

/**
 * The generic webhook channel: a JSON body signed with HMAC-SHA256 over timestamp and body,
 * delivered through an outage of the receiver (connections reset, then a 503) once it recovers,
 * routed by root-cause type, paced per channel, the secret and URL nowhere in the ledger.
 */
const SECRET = 'whsec_test_0123456789abcdef';
const HOOK_PATH = '/hooks/syntra';

describe('generic webhook notifications', () => {
  let api: ApiHarness;
  let agents: AgentWorker;
  let notifier: RunningWorker;
  let followUp: FollowUpLoop;
  let receiver: ScriptedApi;
  let proxy: TcpProxy;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask', NOTIFY_TASK] });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-hook-'));
    agents = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
    receiver = await startSignedWebhookReceiver(SECRET, HOOK_PATH);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(receiver.url).port) });
    const env = { OPS_HOOK_URL: `http://127.0.0.1:${proxy.port}${HOOK_PATH}`, OPS_HOOK_SECRET: SECRET };
    const registry = createRegistry().register(NOTIFY_TASK, notifyHandler({ db: api.db, env, publicUrl: null }));
    notifier = startWorker({ db: api.db, bus: api.bus, registry, concurrency: 2, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000, backoff: { baseMs: 100, capMs: 300 } });
    await notifier.registered;
    followUp = startAlertFollowUp({ db: api.db, intervalMs: 100, listeners: [notifyOnFinish] });
  });
  afterAll(async () => {
    await followUp?.stop();
    await notifier?.stop();
    await agents?.stop();
    await proxy?.close();
    await receiver?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const register = (channel: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/v1/control/notification-channels/register', payload: { ...channel, reason: 'incident bot' } });
  const finished = (runId: string) =>
    eventually(async () => {
      const run = await getRun(api.db, runId);
      return run && TERMINAL_RUN_STATUSES.has(run.run.status) ? run : undefined;
    }, `run ${runId}`, 600);
  const notifyRuns = async (sourceRunId: string) =>
    (await api.db.query<{ id: string; channel: string }>(`SELECT id::text AS id, input->>'channel' AS channel FROM runs WHERE kind = 'notify' AND input->>'runId' = $1 ORDER BY input->>'channel'`, [sourceRunId])).rows;

  it('refuses a webhook channel without a signing secret', async () => {
    const res = await register({ name: 'unsigned', type: 'webhook', urlEnv: 'OPS_HOOK_URL' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('needs secretEnv') } });
  });

  it('delivers a signed diagnosis through an outage, routed by root-cause type', async () => {
    expect((await register({ name: 'ops-hook', type: 'webhook', urlEnv: 'OPS_HOOK_URL', secretEnv: 'OPS_HOOK_SECRET', match: { rootCause: ['service_no_endpoints'] } })).statusCode).toBe(200);
    expect((await register({ name: 'oom-hook', type: 'webhook', urlEnv: 'OPS_HOOK_URL', secretEnv: 'OPS_HOOK_SECRET', match: { rootCause: ['oom_killed'] } })).statusCode).toBe(200);
    const snapshot = await api.app.inject({ method: 'GET', url: '/v1/control/snapshot' });
    expect(snapshot.body).toContain('OPS_HOOK_SECRET');
    expect(snapshot.body).not.toContain(SECRET);

    // The receiver is unreachable (connections reset), then answers one 503, then recovers.
    proxy.cut();
    receiver.reply({ status: 503, json: { error: 'maintenance' } });
    const { apiKey } = await createWebhookKey(api.db);
    const res = await api.app.inject({ method: 'POST', url: '/v1/alerts/alertmanager', headers: { authorization: `Bearer ${apiKey}` }, payload: amPayload([amAlert(crashLoopLabels())]) });
    const runId = (res.json() as { results: Array<{ runId: string }> }).results[0]!.runId;
    expect((await finished(runId)).run.status).toBe('succeeded');

    // Only the channel of this root cause is notified.
    const [hook] = await eventually(async () => {
      const r = await notifyRuns(runId);
      return r.length ? r : undefined;
    }, 'the notify run', 400);
    expect((await notifyRuns(runId)).map((r) => r.channel)).toEqual(['ops-hook']);
    await eventually(async () => {
      const attempts = await api.db.query<{ attempts: number }>(`SELECT attempts FROM queue_items WHERE run_id = $1`, [hook!.id]);
      return Number(attempts.rows[0]?.attempts) >= 2 ? true : undefined;
    }, 'two attempts during the outage', 400);
    expect(receiver.requests).toHaveLength(0);
    proxy.restore();

    const delivered = await finished(hook!.id);
    expect(delivered.run.status).toBe('succeeded');
    // The 503 (first request after recovery) and the delivery: both signed, one delivery id.
    expect(receiver.requests).toHaveLength(2);
    for (const r of receiver.requests) {
      expect(verifySyntraSignature(SECRET, r.headers, r.rawBody, Math.floor(Date.now() / 1000))).toBeUndefined();
      expect(r.headers['x-syntra-delivery']).toBe(hook!.id);
    }
    // A signature does not survive a changed body, nor another secret.
    const last = receiver.requests[1]!;
    expect(verifySyntraSignature(SECRET, last.headers, last.rawBody.replace('service_no_endpoints', 'oom_killed'), Math.floor(Date.now() / 1000))).toBe('signature mismatch');
    expect(verifySyntraSignature('another-secret', last.headers, last.rawBody, Math.floor(Date.now() / 1000))).toBe('signature mismatch');
    // Replayed ten minutes later: refused for its timestamp.
    expect(verifySyntraSignature(SECRET, last.headers, last.rawBody, Math.floor(Date.now() / 1000) + 600)).toBe('timestamp outside the tolerance');

    expect(last.body).toMatchObject({
      type: 'syntra.diagnosis',
      version: 1,
      deliveryId: hook!.id,
      namespace: 'production',
      run: { id: runId, status: 'succeeded' },
      rootCause: { type: 'service_no_endpoints', confidence: expect.any(Number) },
      title: 'KubePodCrashLooping: production/Pod/auth-service-7d9f8b6c5d-x2k4p',
    });
    expect((last.body as { evidence: string[] }).evidence.length).toBeGreaterThan(0);

    // The ledger: failed attempts named by channel, then the delivery; no secret, no URL.
    const types = delivered.events.map((e) => e.type);
    expect(types.filter((t) => t === 'task.retrying').length).toBeGreaterThanOrEqual(2);
    expect(types.filter((t) => t === 'task.retrying' || t === 'notification.delivered').at(-1)).toBe('notification.delivered');
    const ledger = JSON.stringify(delivered);
    expect(ledger).toContain('channel ops-hook: the connection failed');
    expect(ledger).toContain('channel ops-hook: the webhook answered 503');
    expect(ledger).not.toContain(SECRET);
    expect(ledger).not.toContain(String(proxy.port));
  });

  it('paces a channel: notifications beyond its rate wait in the queue for their slot', async () => {
    await api.db.query(`DELETE FROM alerts`);
    expect((await register({ name: 'paced-hook', type: 'webhook', urlEnv: 'OPS_HOOK_URL', secretEnv: 'OPS_HOOK_SECRET', ratePerMinute: 2 })).statusCode).toBe(200);
    await register({ name: 'ops-hook', type: 'webhook', urlEnv: 'OPS_HOOK_URL', secretEnv: 'OPS_HOOK_SECRET', enabled: false });
    await register({ name: 'oom-hook', type: 'webhook', urlEnv: 'OPS_HOOK_URL', secretEnv: 'OPS_HOOK_SECRET', enabled: false });
    const sources = await Promise.all([1, 2, 3].map((i) => submitCommand(api.db, { kind: 'echo', input: { message: `finished ${i}` } })));
    for (const s of sources) await notifyOnFinish(api.db, { runId: s.runId, runStatus: 'succeeded', incidentId: null, alertIds: [] });
    // Handed over again (the follow-up after a failure): idempotent, no second slot taken.
    await notifyOnFinish(api.db, { runId: sources[0]!.runId, runStatus: 'succeeded', incidentId: null, alertIds: [] });
    const slots = await api.db.query<{ at: string }>(
      `SELECT extract(epoch FROM q.available_at)::float8 AS at FROM queue_items q JOIN runs r ON r.id = q.run_id
        WHERE r.kind = 'notify' AND r.input->>'channel' = 'paced-hook' ORDER BY q.available_at`,
    );
    const at = slots.rows.map((r) => Number(r.at));
    expect(at).toHaveLength(3);
    // 2 per minute: 30 s apart.
    expect(at[1]! - at[0]!).toBeCloseTo(30, 0);
    expect(at[2]! - at[1]!).toBeCloseTo(30, 0);
  });
});
