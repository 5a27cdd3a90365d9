import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterEvidence } from '../../src/agents/cluster-evidence.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { getRun } from '../../src/control-plane/runs.js';
import { TERMINAL_RUN_STATUSES } from '../../src/control-plane/types.js';
import { startAlertFollowUp } from '../../src/integrations/alerts/index.js';
import { NOTIFY_TASK, notifyHandler, notifyOnFinish } from '../../src/integrations/notify/index.js';
import { startWorkerWatch } from '../../src/integrations/watch/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';
import { startFakeSlack } from '../helpers/fake-chat-webhooks.js';
import { DEMO_DIR, demoSource } from '../../src/investigator/sources/index.js';
import { createTestKey } from '../access/admin-key.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { runCli } from '../cli/run-cli.js';
import { amAlert, amPayload, crashLoopLabels, createWebhookKey } from './alert-fixtures.js';

/**
 * Several clusters: two loopback Kubernetes API servers with different namespaces (prod-eu serves
 * the demo cluster's production and staging, staging-us only staging), registered as contexts of
 * one kubeconfig. Each run reads the cluster it names and no other; keys scoped to
 * `cluster/namespace` see and start runs of that cluster only, and a plain `production` scope
 * still means the default cluster.
 */
describe('several clusters', () => {
  let api: ApiHarness;
  let agents: AgentWorker;
  let prodEu: FakeApiServer;
  let stagingUs: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask', NOTIFY_TASK] });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-clusters-'));
    // staging-us: a cluster that has only the staging namespace (and the cluster-wide objects).
    const onlyStaging = path.join(dir, 'staging-us');
    mkdirSync(onlyStaging);
    cpSync(path.join(DEMO_DIR, 'staging'), path.join(onlyStaging, 'staging'), { recursive: true });
    for (const f of ['nodes.json', 'persistentvolumes.json', 'storageclasses.json']) cpSync(path.join(DEMO_DIR, f), path.join(onlyStaging, f));
    [prodEu, stagingUs] = await Promise.all([startFakeApiServer({ dir: DEMO_DIR }), startFakeApiServer({ dir: onlyStaging })]);
    const kubeconfig = path.join(dir, 'config');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: eu
  cluster: {server: ${prodEu.url}, insecure-skip-tls-verify: true}
- name: us
  cluster: {server: ${stagingUs.url}, insecure-skip-tls-verify: true}
contexts:
- name: prod-eu
  context: {cluster: eu, user: tester}
- name: staging-us
  context: {cluster: us, user: tester}
current-context: prod-eu
users:
- name: tester
  user: {username: test}
`);
    // The default cluster stays the bundled demo; registered clusters are contexts of the kubeconfig.
    agents = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(path.join(dir, 'artifacts')) }, { kubeconfig });
  });
  afterAll(async () => {
    await agents?.stop();
    await Promise.all([prodEu?.close(), stagingUs?.close()]);
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const finished = (runId: string) =>
    eventually(async () => {
      const run = await getRun(api.db, runId);
      return run && TERMINAL_RUN_STATUSES.has(run.run.status) ? run : undefined;
    }, `run ${runId}`, 600);
  const submit = (payload: Record<string, unknown>, headers?: Record<string, string>) =>
    api.app.inject({ method: 'POST', url: '/v1/commands/submit', payload, ...(headers ? { headers } : {}) });

  let base: string | undefined;
  const listening = async () => (base ??= await api.listen());
  let euRun = '';
  let usRun = '';
  let defaultRun = '';

  it('registers clusters: a kubeconfig context or in-cluster, named; admins only', async () => {
    const add = (body: Record<string, unknown>, headers?: Record<string, string>) => api.app.inject({ method: 'POST', url: '/v1/clusters', payload: body, ...(headers ? { headers } : {}) });
    expect((await add({ name: 'prod-eu', context: 'prod-eu' })).statusCode).toBe(201);
    expect((await add({ name: 'staging-us', context: 'staging-us' })).statusCode).toBe(201);
    expect((await add({ name: 'in-pod', inCluster: true })).statusCode).toBe(201);
    const both = await add({ name: 'broken', context: 'x', inCluster: true });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('either context') } });
    expect((await add({ name: 'prod-eu', context: 'other' })).statusCode).toBe(409);
    expect((await add({ name: 'Prod EU', context: 'x' })).statusCode).toBe(400);
    const reserved = await add({ name: 'default', context: 'prod-eu' });
    expect(reserved.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('"default" is reserved') } });
    const developer = await createTestKey(api.db, { roles: ['developer'], type: 'live' });
    expect((await add({ name: 'sneaky', context: 'prod-eu' }, developer.headers)).statusCode).toBe(403);
    const listed = await api.app.inject({ method: 'GET', url: '/v1/clusters', headers: developer.headers });
    expect((listed.json() as { items: Array<{ name: string }> }).items.map((c) => c.name)).toEqual(['in-pod', 'prod-eu', 'staging-us']);
    expect((await api.app.inject({ method: 'DELETE', url: '/v1/clusters/in-pod' })).statusCode).toBe(204);
    expect((await api.app.inject({ method: 'DELETE', url: '/v1/clusters/in-pod' })).statusCode).toBe(404);
  });

  it('runs read the cluster they name, through one client per cluster', async () => {
    const [eu0, us0] = [prodEu.requests.length, stagingUs.requests.length];
    const eu = await submit({ kind: 'ask', cluster: 'prod-eu', namespace: 'production', input: { prompt: DEMO_QUESTION } });
    expect(eu.statusCode, eu.body).toBe(201);
    euRun = (eu.json() as { runId: string }).runId;
    const euDone = await finished(euRun);
    expect(euDone.run, JSON.stringify(euDone.run.error)).toMatchObject({ status: 'succeeded', cluster: 'prod-eu', namespace: 'production' });
    expect((euDone.run.output as { diagnosis: { root_cause: { type: string } } }).diagnosis.root_cause.type).toBe('service_no_endpoints');
    expect(prodEu.requests.length).toBeGreaterThan(eu0);
    expect(stagingUs.requests.length).toBe(us0);
    expect(JSON.stringify(euDone.events)).toContain(`live cluster ${prodEu.url} (kubeconfig ${path.join(dir, 'config')} (context prod-eu))`);

    const [eu1, us1] = [prodEu.requests.length, stagingUs.requests.length];
    const us = await submit({ kind: 'ask', cluster: 'staging-us', namespace: 'staging', input: { prompt: 'why are pods failing in staging?' } });
    usRun = (us.json() as { runId: string }).runId;
    const usDone = await finished(usRun);
    expect(usDone.run).toMatchObject({ status: 'succeeded', cluster: 'staging-us', namespace: 'staging' });
    expect(stagingUs.requests.length).toBeGreaterThan(us1);
    expect(prodEu.requests.length).toBe(eu1);
    // staging-us has no production namespace at all: an investigation there finds nothing to read.
    expect(stagingUs.requests.some((r) => r.url.includes('/namespaces/production/'))).toBe(false);

    const unknown = await submit({ kind: 'ask', cluster: 'mars', namespace: 'production', input: { prompt: DEMO_QUESTION } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('registered: prod-eu, staging-us') } });

    // A run without a cluster: the default cluster (here the bundled demo).
    const plain = await submit({ kind: 'echo', namespace: 'production', input: { message: 'default cluster' } });
    defaultRun = (plain.json() as { runId: string }).runId;
    expect((await getRun(api.db, defaultRun))!.run.cluster).toBeNull();
  });

  it('isolates per cluster: cluster/namespace scopes, and plain scopes mean the default cluster', async () => {
    const us = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging-us/staging'] });
    const runs = await api.app.inject({ method: 'GET', url: '/v1/runs?limit=50', headers: us.headers });
    const ids = (runs.json() as { items: Array<{ id: string; cluster: string | null }> }).items;
    expect(ids.map((r) => r.id)).toContain(usRun);
    expect(ids.every((r) => r.cluster === 'staging-us')).toBe(true);
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${euRun}`, headers: us.headers })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${usRun}`, headers: us.headers })).statusCode).toBe(200);
    const outside = await submit({ kind: 'ask', cluster: 'prod-eu', namespace: 'staging', input: { prompt: 'why?' } }, us.headers);
    expect(outside.statusCode).toBe(403);
    const defaultCluster = await submit({ kind: 'ask', namespace: 'staging', input: { prompt: 'why?' } }, us.headers);
    expect(defaultCluster.statusCode).toBe(403);
    const inside = await submit({ kind: 'ask', cluster: 'staging-us', input: { prompt: 'why are pods failing in staging?' } }, us.headers);
    expect(inside.statusCode, inside.body).toBe(201);
    expect((await getRun(api.db, (inside.json() as { runId: string }).runId))!.run).toMatchObject({ cluster: 'staging-us', namespace: 'staging' });
    await finished((inside.json() as { runId: string }).runId);

    // Incidents carry the cluster of the run that found them, and are isolated like runs.
    const euIncident = ((await getRun(api.db, euRun))!.run.output as { incidentId: string }).incidentId;
    const incident = await api.app.inject({ method: 'GET', url: `/v1/incidents/${euIncident}` });
    expect(incident.json()).toMatchObject({ cluster: 'prod-eu', namespace: 'production' });
    const euKey = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['prod-eu/production'] });
    expect((await api.app.inject({ method: 'GET', url: `/v1/incidents/${euIncident}`, headers: euKey.headers })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: `/v1/incidents/${euIncident}`, headers: us.headers })).statusCode).toBe(404);
    const euList = (await api.app.inject({ method: 'GET', url: '/v1/incidents', headers: euKey.headers })).json() as { items: Array<{ id: string }> };
    expect(euList.items.map((i) => i.id)).toEqual([euIncident]);

    const plain = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['production'] });
    expect((await api.app.inject({ method: 'GET', url: `/v1/incidents/${euIncident}`, headers: plain.headers })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${defaultRun}`, headers: plain.headers })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: `/v1/runs/${euRun}`, headers: plain.headers })).statusCode).toBe(404);
    const seen = (await api.app.inject({ method: 'GET', url: '/v1/runs?limit=50', headers: plain.headers })).json() as { items: Array<{ id: string }> };
    expect(seen.items.map((r) => r.id)).toContain(defaultRun);
    expect(seen.items.map((r) => r.id)).not.toContain(euRun);
  });

  it('alerts carry the cluster of their `cluster` label, isolated per cluster', async () => {
    const send = (labels: Record<string, string>, apiKey: string) =>
      api.app.inject({ method: 'POST', url: '/v1/alerts/alertmanager', headers: { authorization: `Bearer ${apiKey}` }, payload: amPayload([amAlert(labels)]) });
    const admin = await createWebhookKey(api.db);
    const [eu0, us0] = [prodEu.requests.length, stagingUs.requests.length];
    const fired = await send({ ...crashLoopLabels(), cluster: 'prod-eu' }, admin.apiKey);
    const result = (fired.json() as { results: Array<{ outcome: string; runId: string; alertId: string }> }).results[0]!;
    expect(result.outcome).toBe('investigating');
    const run = await finished(result.runId);
    expect(run.run).toMatchObject({ status: 'succeeded', cluster: 'prod-eu', namespace: 'production' });
    expect(prodEu.requests.length).toBeGreaterThan(eu0);
    expect(stagingUs.requests.length).toBe(us0);
    const row = await api.db.query<{ cluster: string }>(`SELECT cluster FROM alerts WHERE id = $1`, [result.alertId]);
    expect(row.rows[0]!.cluster).toBe('prod-eu');

    // A cluster nobody registered: not investigated (it could only be read with the wrong client).
    const unknown = (await send({ ...crashLoopLabels('auth-service-7d9f8b6c5d-r5t7w'), cluster: 'mars' }, admin.apiKey)).json() as { results: Array<{ outcome: string; reason: string }> };
    expect(unknown.results[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('cluster "mars" is not registered') });
    // A webhook key of staging-us/staging: prod-eu's production is outside it.
    const scoped = await createWebhookKey(api.db, ['staging-us/staging']);
    const outside = (await send({ ...crashLoopLabels('auth-service-7d9f8b6c5d-zz9zz'), cluster: 'prod-eu' }, scoped.apiKey)).json() as { results: Array<{ outcome: string; alertId: string | null }> };
    expect(outside.results[0]).toMatchObject({ outcome: 'skipped', alertId: null });
    const reader = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging-us/staging'] });
    const seen = (await api.app.inject({ method: 'GET', url: '/v1/alerts', headers: reader.headers })).json() as { items: unknown[] };
    expect(seen.items).toEqual([]);

    // Alert rules match on cluster (null: the default cluster), through the control API.
    const rules = (body: Record<string, unknown>) => api.app.inject({ method: 'POST', url: '/v1/control/alert-rules/update', payload: body });
    expect((await rules({ rules: [{ match: { cluster: ['Prod EU'] }, action: 'ignore' }], reason: 'a bad name' })).statusCode).toBe(400);
    const set = await rules({ rules: [{ match: { cluster: ['staging-us'] }, action: 'ignore' }], reason: 'staging-us is noisy' });
    expect(set.statusCode, set.body).toBeLessThan(300);
    try {
      const ignored = (await send({ ...crashLoopLabels('web-1'), namespace: 'staging', cluster: 'staging-us' }, admin.apiKey)).json() as { results: Array<{ outcome: string; runId: string | null; reason: string }> };
      expect(ignored.results[0]).toMatchObject({ outcome: 'ignored', runId: null, reason: 'alert rule 0 ignores it' });
      const other = (await send({ ...crashLoopLabels('auth-service-7d9f8b6c5d-q1q1q'), cluster: 'prod-eu' }, admin.apiKey)).json() as { results: Array<{ outcome: string }> };
      expect(other.results[0]!.outcome).not.toBe('ignored');
    } finally {
      expect((await rules({ rules: [], reason: 'back to the default' })).statusCode).toBeLessThan(300);
    }
    // Notification channels route on cluster; the registry validates the names.
    const channel = (match: Record<string, unknown>) =>
      api.app.inject({ method: 'POST', url: '/v1/control/notification-channels/register', payload: { name: 'eu-chat', type: 'slack', urlEnv: 'EU_SLACK_URL', match, reason: 'prod-eu team' } });
    expect((await channel({ cluster: ['prod eu'] })).statusCode).toBe(400);
    const registered = await channel({ cluster: ['prod-eu', null] });
    expect(registered.statusCode, registered.body).toBeLessThan(300);
    const snapshot = (await api.app.inject({ method: 'GET', url: '/v1/control/snapshot' })).json() as { notificationChannels: Record<string, { match: unknown }> };
    expect(snapshot.notificationChannels['eu-chat']!.match).toEqual({ cluster: ['prod-eu', null] });
    expect((await api.app.inject({ method: 'POST', url: '/v1/control/notification-channels/remove', payload: { name: 'eu-chat', reason: 'test done' } })).statusCode).toBeLessThan(300);
  });

  it('POST /api/ask and the MCP ask and diagnose tools name a cluster, with the same scope checks', async () => {
    const us = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging-us/staging'] });
    const ask = (payload: Record<string, unknown>, headers: Record<string, string>) => api.app.inject({ method: 'POST', url: '/api/ask', payload, headers });
    const refused = await ask({ prompt: 'why are pods failing in staging?', cluster: 'prod-eu', namespace: 'staging' }, us.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('may not start runs in cluster prod-eu: its namespaces are staging-us/staging') } });
    expect((await ask({ prompt: 'why?', cluster: 'mars', namespace: 'staging' }, us.headers)).json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringContaining('registered: prod-eu, staging-us') } });
    expect((await ask({ prompt: 'why?', cluster: 'Prod EU' }, us.headers)).statusCode).toBe(400);
    const [eu0, us0] = [prodEu.requests.length, stagingUs.requests.length];
    const answered = await ask({ prompt: 'why are pods failing in staging?', cluster: 'staging-us' }, us.headers);
    expect([200, 202], answered.body).toContain(answered.statusCode);
    const runId = (answered.json() as { metadata: { run_id: string } }).metadata.run_id;
    expect((await finished(runId)).run).toMatchObject({ status: 'succeeded', cluster: 'staging-us', namespace: 'staging' });
    expect(stagingUs.requests.length).toBeGreaterThan(us0);
    expect(prodEu.requests.length).toBe(eu0);

    // MCP over streamable HTTP, with the SDK's client and the same key.
    const client = new Client({ name: 'syntra-clusters-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${await listening()}/mcp`), { requestInit: { headers: us.headers } }));
    type ToolAnswer = { isError?: boolean; content: Array<{ text: string }> };
    const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolAnswer;
    try {
      const { tools } = await client.listTools();
      for (const t of ['ask', 'diagnose']) expect(tools.find((x) => x.name === t)!.inputSchema.properties).toHaveProperty('cluster');
      const outside = await call('ask', { question: 'why?', cluster: 'prod-eu', namespace: 'staging', wait: false });
      expect(outside.isError).toBe(true);
      expect(outside.content[0]!.text).toContain('this caller may not start runs in cluster prod-eu');
      const started = await call('ask', { question: 'why are pods failing in staging?', cluster: 'staging-us', wait: false });
      expect(started.isError, started.content[0]!.text).toBeFalsy();
      const mcpRun = (JSON.parse(started.content[0]!.text) as { runId: string }).runId;
      expect((await finished(mcpRun)).run).toMatchObject({ cluster: 'staging-us', namespace: 'staging' });

      // diagnose reads the named cluster live, through its registered context, within the key's namespaces there.
      const notThere = await call('diagnose', { source: 'live', cluster: 'prod-eu', namespace: 'staging' });
      expect(notThere.content[0]!.text).toContain('this credential may diagnose only in its namespaces of cluster prod-eu (none)');
      const plainScope = await call('diagnose', { source: 'live', namespace: 'staging' });
      expect(plainScope.content[0]!.text).toContain('may diagnose only in its namespaces (none)');
      const demo = await call('diagnose', { source: 'demo', cluster: 'staging-us', namespace: 'staging' });
      expect(demo.content[0]!.text).toContain('pass source "live"');
      const previous = process.env.KUBECONFIG;
      process.env.KUBECONFIG = path.join(dir, 'config');
      try {
        const [eu1, us1] = [prodEu.requests.length, stagingUs.requests.length];
        const diagnosed = await call('diagnose', { source: 'live', cluster: 'staging-us', namespace: 'staging' });
        expect(diagnosed.isError, diagnosed.content[0]!.text).toBeFalsy();
        expect(diagnosed.content[0]!.text).toContain('root_cause');
        expect(stagingUs.requests.length).toBeGreaterThan(us1);
        expect(prodEu.requests.length).toBe(eu1);
      } finally {
        if (previous === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = previous;
      }
    } finally {
      await client.close();
    }
  });

  it('the CLI: clusters list/add/use/remove, and ask --cluster', async () => {
    const base = await listening();
    const cwd = mkdtempSync(path.join(dir, 'cli-'));
    const o = { configDir: path.join(cwd, 'config'), cwd, env: { SYNTRA_ENDPOINT: base, SYNTRA_API_KEY: api.authHeaders['x-api-key'] } };
    const listed = await runCli(['clusters', 'list', '--json'], o);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { items: Array<{ name: string }>; current: string | null })).toMatchObject({ current: null, items: [{ name: 'prod-eu' }, { name: 'staging-us' }] });
    const bad = await runCli(['clusters', 'add', 'x1', '--context', 'a', '--in-cluster'], o);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/either --context <context> or --in-cluster/);
    expect((await runCli(['clusters', 'add', 'tmp-one', '--in-cluster'], o)).code).toBe(0);
    expect((await runCli(['clusters', 'remove', 'tmp-one'], o)).code).toBe(0);
    const unknown = await runCli(['clusters', 'use', 'mars'], o);
    expect(unknown.stderr).toMatch(/cluster mars is not registered \(registered: prod-eu, staging-us\)/);
    expect((await runCli(['clusters', 'use', 'staging-us'], o)).code).toBe(0);
    // The default from `use`, then --cluster for one question.
    const used = await runCli(['ask', '--no-wait', '-n', 'staging', 'why are pods failing in staging?'], o);
    expect(used.code, used.stderr).toBe(0);
    expect((await getRun(api.db, used.stdout.trim()))!.run).toMatchObject({ cluster: 'staging-us', namespace: 'staging' });
    const once = await runCli(['ask', '--no-wait', '--cluster', 'prod-eu', '-n', 'production', DEMO_QUESTION], o);
    expect(once.code, once.stderr).toBe(0);
    expect((await getRun(api.db, once.stdout.trim()))!.run).toMatchObject({ cluster: 'prod-eu', namespace: 'production' });
    for (const id of [used.stdout.trim(), once.stdout.trim()]) await finished(id);
  });

  it('watch in the workers scans every watched cluster, one lease per cluster, findings carrying their cluster', async () => {
    const clients = createClusterEvidence(api.db, { kubeconfig: path.join(dir, 'config') });
    const sourceFor = async (cluster: string | null) => (cluster === null ? demoSource() : (await clients.forCluster(cluster))!.source);
    const options = { db: api.db, sourceFor, clusters: ['prod-eu', 'staging-us'], namespace: undefined, intervalMs: 60_000, cooldownMs: 600_000, alerts: { dedupeWindowSeconds: 3600, maxRunsPerNotification: 2 } };
    // staging-us's auth-service starts crash-looping (prod-eu's staging stays healthy).
    stagingUs.update('Pod', (pods) =>
      pods.map((p) => {
        const meta = p.metadata as { name: string; namespace: string };
        if (meta.namespace !== 'staging' || !meta.name.startsWith('auth-service')) return p;
        const status = p.status as { containerStatuses: Array<Record<string, unknown>> };
        const crashed = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } };
        const last = { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-12-05T01:00:00Z' } };
        return { ...p, status: { ...status, containerStatuses: status.containerStatuses.map((c) => ({ ...c, ready: false, restartCount: 9, state: crashed, lastState: last })) } };
      }),
    );
    // Recorded, not investigated: no investigation reads the API servers while the replicas are counted.
    const rules = (body: Record<string, unknown>) => api.app.inject({ method: 'POST', url: '/v1/control/alert-rules/update', payload: body });
    expect((await rules({ rules: [{ match: { alertname: ['SyntraWatch'] }, action: 'ignore' }], reason: 'count the watch requests alone' })).statusCode).toBeLessThan(300);
    const a = startWorkerWatch({ ...options, holder: 'watch-a' }, { loop: false });
    const b = startWorkerWatch({ ...options, holder: 'watch-b' }, { loop: false });
    try {
      const [eu0, us0] = [prodEu.requests.length, stagingUs.requests.length];
      const first = await a.tick();
      expect(prodEu.requests.length).toBeGreaterThan(eu0);
      expect(stagingUs.requests.length).toBeGreaterThan(us0);
      const eu = first!.fired.filter((f) => f.startsWith('watch:prod-eu:'));
      const us = first!.fired.filter((f) => f.startsWith('watch:staging-us:'));
      expect(eu).toContain('watch:prod-eu:production/Deployment/auth-service');
      expect(us.length).toBeGreaterThan(0);
      // staging-us has no production namespace: nothing of it is found there.
      expect(us.every((f) => f.startsWith('watch:staging-us:staging/'))).toBe(true);
      expect(first!.fired).toHaveLength(eu.length + us.length);
      const rows = await api.db.query<{ fingerprint: string; cluster: string | null }>(`SELECT fingerprint, cluster FROM alerts WHERE fingerprint LIKE 'watch:%'`);
      for (const r of rows.rows) expect(r.cluster).toBe(r.fingerprint.split(':')[1]);
      expect(rows.rows.map((r) => r.fingerprint)).toEqual(expect.arrayContaining([...eu, ...us]));
      const leases = await api.db.query<{ name: string; holder: string }>(`SELECT name, holder FROM watch_lease ORDER BY name`);
      expect(leases.rows).toEqual([{ name: 'watch:prod-eu', holder: 'watch-a' }, { name: 'watch:staging-us', holder: 'watch-a' }]);

      // The other replica stands by for both clusters: neither API server hears from it.
      const [eu1, us1] = [prodEu.requests.length, stagingUs.requests.length];
      expect(await b.tick()).toBeNull();
      expect([prodEu.requests.length, stagingUs.requests.length]).toEqual([eu1, us1]);
      // The holder stops; the other takes both clusters over.
      await a.stop();
      const taken = await b.tick();
      expect(taken).not.toBeNull();
      expect((await api.db.query<{ holder: string }>(`SELECT holder FROM watch_lease`)).rows.map((r) => r.holder)).toEqual(['watch-b', 'watch-b']);
    } finally {
      await a.stop();
      await b.stop();
      await rules({ rules: [], reason: 'back to the default' });
    }
  });

  it('routes notifications by cluster, and the Slack message names the cluster', async () => {
    const slack = await startFakeSlack();
    const [EU, HOME] = ['/services/T0001/B0001/euTOKEN', '/services/T0001/B0002/homeTOKEN'];
    const env = { EU_SLACK_URL: `${slack.url}${EU}`, HOME_SLACK_URL: `${slack.url}${HOME}` };
    const registry = createRegistry().register(NOTIFY_TASK, notifyHandler({ db: api.db, env, publicUrl: null }));
    const notifier = startWorker({ db: api.db, bus: api.bus, registry, concurrency: 2, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000, backoff: { baseMs: 50, capMs: 200 } });
    await notifier.registered;
    const followUp = startAlertFollowUp({ db: api.db, intervalMs: 100, listeners: [notifyOnFinish] });
    const channel = async (name: string, urlEnv: string, cluster: Array<string | null>) =>
      expect((await api.app.inject({ method: 'POST', url: '/v1/control/notification-channels/register', payload: { name, type: 'slack', urlEnv, match: { cluster }, reason: 'per cluster' } })).statusCode).toBe(200);
    try {
      await channel('eu-slack', 'EU_SLACK_URL', ['prod-eu']);
      await channel('home-slack', 'HOME_SLACK_URL', [null]);
      const admin = await createWebhookKey(api.db);
      const fired = await api.app.inject({ method: 'POST', url: '/v1/alerts/alertmanager', headers: { authorization: `Bearer ${admin.apiKey}` }, payload: amPayload([amAlert({ ...crashLoopLabels('payment-worker-6f7d8c9b5-k2m4n'), cluster: 'prod-eu' })]) });
      const runId = (fired.json() as { results: Array<{ runId: string }> }).results[0]!.runId;
      expect((await finished(runId)).run.cluster).toBe('prod-eu');
      const notified = await eventually(async () => {
        const rows = (await api.db.query<{ id: string; channel: string }>(`SELECT id::text AS id, input->>'channel' AS channel FROM runs WHERE kind = 'notify' AND input->>'runId' = $1`, [runId])).rows;
        return rows.length ? rows : undefined;
      }, 'the notify run', 200);
      expect(notified.map((r) => r.channel)).toEqual(['eu-slack']);
      expect((await finished(notified[0]!.id)).run.status).toBe('succeeded');
      const posted = slack.requests.filter((r) => JSON.stringify(r.body).includes('payment-worker-6f7d8c9b5-k2m4n'));
      expect(posted.map((r) => r.path)).toEqual([EU]);
      const message = posted[0]!.body as { blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
      expect(message.blocks[0]!.text!.text).toMatch(/payment-worker-6f7d8c9b5-k2m4n in cluster prod-eu$/);
      expect(message.blocks.at(-1)!.elements![0]!.text).toContain('· cluster prod-eu');
    } finally {
      await followUp.stop();
      await notifier.stop();
      await slack.close();
    }
  });
});
