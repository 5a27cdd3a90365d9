import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_DIR, demoSource } from '../../../src/investigator/sources/demo-cluster/index.js';
import { createLiveSource } from '../../../src/investigator/sources/live-source.js';
import type { FakeApiServer } from '../../helpers/fake-apiserver.js';
import { startFakeApiServer, writeKubeconfig } from '../../helpers/fake-apiserver.js';

/** The live source through the real @kubernetes/client-node against a loopback API server serving the demo dump. */
let api: FakeApiServer;
let kubeconfig: string;
const temps: string[] = [];

beforeAll(async () => {
  api = await startFakeApiServer({ dir: DEMO_DIR });
  kubeconfig = await writeKubeconfig(api.url, { namespace: 'production' });
  temps.push(join(kubeconfig, '..'));
});
afterAll(async () => {
  await api.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('live source against the fake API server', () => {
  it('check() reports a reachable cluster', async () => {
    const report = await createLiveSource({ kubeconfig }).check();
    expect(report).toMatchObject({ ok: true });
    expect(report.description).toContain(api.url);
  });

  it('collects the namespace like the dump source does, through the real client', async () => {
    const live = await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
    const dump = await demoSource().collect({ namespace: 'production' });
    expect(live.source.kind).toBe('live');
    expect(live.source.warnings).toBeUndefined();
    const byName = <T extends { metadata?: { name?: string } }>(xs: T[]) => [...xs].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    expect(byName(live.pods)).toEqual(byName(dump.pods));
    expect(byName(live.deployments)).toEqual(byName(dump.deployments));
    expect(byName(live.endpoints)).toEqual(byName(dump.endpoints));
    expect(byName(live.nodes)).toEqual(byName(dump.nodes));
    expect(live.horizontalPodAutoscalers[0]?.status?.conditions).toHaveLength(3);
    expect(live.horizontalPodAutoscalers[0]?.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(70);
    expect(live.events).toHaveLength(dump.events.length);
    expect(live.storageClasses).toHaveLength(1);
    expect(live.cronJobs).toHaveLength(1);
    expect(live.pods[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it('reads logs, current and previous with timestamps, only for pods in trouble', async () => {
    const live = await createLiveSource({ kubeconfig, logConcurrency: 2 }).collect({ namespace: 'production', tailLines: 50 });
    const podsWithLogs = [...new Set(live.logs.map((l) => l.pod))].sort();
    expect(podsWithLogs).toEqual([...DEMO.authPods, DEMO.oomPod, 'payment-worker-6c8b9d7f5-q9w4e'].sort());
    const previous = live.logs.find((l) => l.pod === DEMO.authPods[0] && l.previous)!;
    expect(previous.lines.some((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*ECONNREFUSED 10\.96\.112\.45:5432/.test(l))).toBe(true);
    const logCalls = api.requests.filter((r) => r.url.includes('/log?'));
    expect(logCalls.some((r) => r.url.includes('previous=true') && r.url.includes('tailLines=50') && r.url.includes('timestamps=true'))).toBe(true);
    // Healthy pods and pods whose containers never started are not asked for logs.
    expect(logCalls.some((r) => r.url.includes('api-gateway') || r.url.includes(DEMO.imagePullPod))).toBe(false);
  });

  it('asks for the events of a target pod with a field selector', async () => {
    const target = DEMO.missingSecretPod;
    const live = await createLiveSource({ kubeconfig }).collect({ namespace: 'production', target: { kind: 'Pod', name: target } });
    expect(live.events.length).toBeGreaterThan(0);
    expect(live.events.every((e) => e.involvedObject.name === target)).toBe(true);
    expect(api.requests.some((r) => r.url.startsWith('/apis/events.k8s.io/v1/namespaces/production/events?') && decodeURIComponent(r.url).includes(`fieldSelector=regarding.name=${target}`))).toBe(true);
  });

  it('receives secrets with data but keeps only their keys, and masks env secrets', async () => {
    const live = await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
    expect(live.secrets.find((s) => s.metadata.name === 'payment-provider')).toMatchObject({ keys: ['api-key'], type: 'Opaque' });
    const text = JSON.stringify(live);
    expect(text).not.toContain('sk_live_51HxY2eKz9QvR8tP4mN6bW3cJ');
    expect(text).not.toContain(Buffer.from('sk_live_51HxY2eKz9QvR8tP4mN6bW3cJ').toString('base64'));
    expect(text).not.toContain('Xk9#mP2vLq7w');
  });

  it('only reads: every request is a GET', () => {
    expect(api.requests.length).toBeGreaterThan(20);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('lists namespaces', async () => {
    expect(await createLiveSource({ kubeconfig }).listNamespaces()).toEqual(['production', 'staging']);
  });
});

describe('events', () => {
  /** What a diagnosis reads of an event, whichever API version it came from. */
  const seen = (events: CoreV1Event[]) => events
    .map((e) => ({ name: e.metadata?.name, object: e.involvedObject, reason: e.reason, message: e.message, type: e.type, count: e.count, first: e.firstTimestamp, last: e.lastTimestamp, component: e.source?.component }))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));

  it('come from events.k8s.io/v1 where the cluster serves it, in the core shape', async () => {
    const before = api.requests.length;
    const live = await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
    const dump = await demoSource().collect({ namespace: 'production' });
    const urls = api.requests.slice(before).map((r) => r.url.split('?')[0]);
    expect(urls).toContain('/apis/events.k8s.io/v1/namespaces/production/events');
    expect(urls).not.toContain('/api/v1/namespaces/production/events');
    expect(seen(live.events)).toEqual(seen(dump.events));
    expect(live.events.every((e) => e.involvedObject.kind !== undefined && e.source?.component)).toBe(true);
  });

  it('come from core/v1 where events.k8s.io/v1 is not served, without a warning', async () => {
    const old = await startFakeApiServer({ dir: DEMO_DIR, unserved: ['events.k8s.io/v1'] });
    try {
      const config = await writeKubeconfig(old.url);
      temps.push(join(config, '..'));
      const target = DEMO.missingSecretPod;
      const live = await createLiveSource({ kubeconfig: config }).collect({ namespace: 'production', target: { kind: 'Pod', name: target } });
      expect(live.source.warnings).toBeUndefined();
      expect(live.events.length).toBeGreaterThan(0);
      expect(live.events.every((e) => e.involvedObject.name === target)).toBe(true);
      expect(old.requests.some((r) => r.url.startsWith('/api/v1/namespaces/production/events?') && decodeURIComponent(r.url).includes(`fieldSelector=involvedObject.name=${target}`))).toBe(true);
    } finally {
      await old.close();
    }
  });

  it('come from core/v1 where the credentials may not list events.k8s.io', async () => {
    const server = await startFakeApiServer({ dir: DEMO_DIR, forbidden: [{ resource: 'events', group: 'events.k8s.io' }] });
    try {
      const config = await writeKubeconfig(server.url);
      temps.push(join(config, '..'));
      const live = await createLiveSource({ kubeconfig: config }).collect({ namespace: 'production' });
      expect(live.source.warnings).toBeUndefined();
      expect(live.events).toHaveLength(40);
      expect(server.requests.map((r) => r.status)).toContain(403);
    } finally {
      await server.close();
    }
  });
});

describe('logs', () => {
  const logReads = (since: number) => api.requests.slice(since).filter((r) => r.url.includes('/log?')).map((r) => decodeURIComponent(r.url));

  it('a container in CrashLoopBackOff is read once: the kubelet serves the same instance with and without previous', async () => {
    const before = api.requests.length;
    const live = await createLiveSource({ kubeconfig }).collect({ namespace: 'production' });
    const crashing = live.logs.filter((l) => l.pod === DEMO.authPods[0]);
    expect(crashing).toHaveLength(1);
    expect(crashing[0]).toMatchObject({ container: 'auth-service', previous: true });
    expect(logReads(before).filter((u) => u.includes(`/pods/${DEMO.authPods[0]}/log`))).toHaveLength(1);
    // A running container that restarted still has two instances worth reading.
    expect(live.logs.filter((l) => l.pod === 'payment-worker-6c8b9d7f5-q9w4e').map((l) => l.previous).sort()).toEqual([false, true]);
  });

  it('reads the logs of the pods the question is about even when they are Ready', async () => {
    const gateway = await createLiveSource({ kubeconfig }).collect({ namespace: 'production', target: { kind: 'Deployment', name: 'api-gateway' } });
    const gatewayLogs = gateway.logs.filter((l) => l.pod.startsWith('api-gateway-'));
    expect(gatewayLogs.map((l) => l.pod).sort()).toEqual(['api-gateway-84b6f9c7d8-5vnxk', 'api-gateway-84b6f9c7d8-wq2zt']);
    expect(gatewayLogs.every((l) => !l.previous && l.lines.length > 0)).toBe(true);
    // Unhealthy pods elsewhere are read as before.
    expect(gateway.logs.some((l) => l.pod === DEMO.oomPod)).toBe(true);

    const redis = await createLiveSource({ kubeconfig }).collect({ namespace: 'production', target: { kind: 'Pod', name: 'redis-0' } });
    expect(redis.logs.filter((l) => l.pod === 'redis-0')).toHaveLength(1);
  });

  it('samples the unhealthy pods of one owner instead of reading every crash-looping replica, and says what it left unread', async () => {
    const before = api.requests.length;
    const authPods: readonly string[] = DEMO.authPods;
    const live = await createLiveSource({ kubeconfig, logLimits: { perOwner: 1 } }).collect({ namespace: 'production' });
    const authRead = new Set(live.logs.filter((l) => authPods.includes(l.pod)).map((l) => l.pod));
    expect(authRead.size).toBe(1);
    expect(logReads(before).filter((u) => DEMO.authPods.some((p) => u.includes(`/pods/${p}/`)))).toHaveLength(live.logs.filter((l) => authRead.has(l.pod)).length);
    expect(live.logs.some((l) => l.pod === DEMO.oomPod)).toBe(true); // another owner, read as before
    const [unread] = live.source.warnings ?? [];
    expect(unread).toMatch(/^logs of \d+ more unhealthy pods not read \(1 per owner, 40 in all; /);
    expect(unread).toMatch(new RegExp(`ReplicaSet production/auth-service-[a-z0-9]+: ${DEMO.authPods.length - 1}[,)]`));
    expect(live.source.warnings).toHaveLength(1);
    // The pod the question names is read even past the per-owner sample.
    const named = DEMO.authPods.find((p) => !authRead.has(p))!;
    const asked = await createLiveSource({ kubeconfig, logLimits: { perOwner: 1 } }).collect({ namespace: 'production', target: { kind: 'Pod', name: named } });
    expect(asked.logs.some((l) => l.pod === named)).toBe(true);
  });

  it('a names-only collection (the planner\'s index) lists workloads and pods only: no events, logs or other kinds', async () => {
    const before = api.requests.length;
    const names = await createLiveSource({ kubeconfig }).collect({ namesOnly: true });
    const paths = api.requests.slice(before).map((r) => r.url.split('?')[0]!).filter((u) => !/^\/(api|apis)(\/[^/]+(\/v[^/]+)?)?$/.test(u));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((u) => !/\/(pods|deployments|statefulsets|daemonsets|replicasets|jobs|cronjobs)$/.test(u))).toEqual([]);
    expect(names.pods.map((p) => p.metadata?.name)).toContain(DEMO.authPods[0]);
    expect(names.deployments.length).toBeGreaterThan(0);
    expect(names.events).toEqual([]);
    expect(names.logs).toEqual([]);
  });

  it('reads a few of the target workload\'s Ready pods, not all of them', async () => {
    const before = api.requests.length;
    const live = await createLiveSource({ kubeconfig, logLimits: { targetPodLogs: 2 } }).collect({ namespace: 'production', target: { kind: 'DaemonSet', name: 'log-shipper' } });
    expect(new Set(live.logs.filter((l) => l.pod.startsWith('log-shipper-')).map((l) => l.pod)).size).toBe(2);
    expect(logReads(before).filter((u) => u.includes('/pods/log-shipper-'))).toHaveLength(2);
  });
});

describe('live source connectivity problems', () => {
  it('forbidden pods: check() names the verb and resource, collect() fails with cluster_forbidden', async () => {
    const server = await startFakeApiServer({ dir: DEMO_DIR, forbidden: [{ resource: 'pods', namespace: 'production' }] });
    try {
      const config = await writeKubeconfig(server.url, { namespace: 'production' });
      temps.push(join(config, '..'));
      const source = createLiveSource({ kubeconfig: config });
      const report = await source.check();
      expect(report.ok).toBe(false);
      expect(report.problem?.code).toBe('cluster_forbidden');
      expect(report.problem?.message).toContain('cannot list pods in namespace production');
      expect(report.problem?.message).toContain('HTTP 403');
      await expect(source.collect({ namespace: 'production' })).rejects.toMatchObject({ code: 'cluster_forbidden' });
    } finally {
      await server.close();
    }
  });

  it('forbidden secrets only: collection goes on and says what is missing', async () => {
    const server = await startFakeApiServer({ dir: DEMO_DIR, forbidden: [{ resource: 'secrets' }] });
    try {
      const config = await writeKubeconfig(server.url);
      temps.push(join(config, '..'));
      const snap = await createLiveSource({ kubeconfig: config }).collect({ namespace: 'production' });
      expect(snap.pods.length).toBeGreaterThan(0);
      expect(snap.secrets).toEqual([]);
      expect(snap.source.warnings?.[0]).toMatch(/^secrets not collected: forbidden \(HTTP 403\)/);
    } finally {
      await server.close();
    }
  });

  it('a bearer token is sent; a wrong one gives a 401 report', async () => {
    const server = await startFakeApiServer({ dir: DEMO_DIR, token: 'good-token' });
    try {
      const good = await writeKubeconfig(server.url, { token: 'good-token' });
      const bad = await writeKubeconfig(server.url, { token: 'bad-token' });
      temps.push(join(good, '..'), join(bad, '..'));
      expect((await createLiveSource({ kubeconfig: good }).check()).ok).toBe(true);
      const report = await createLiveSource({ kubeconfig: bad }).check();
      expect(report.problem?.code).toBe('cluster_forbidden');
      expect(report.problem?.message).toContain('HTTP 401');
    } finally {
      await server.close();
    }
  });

  it('an unreachable server (closed port) gives cluster_unreachable with the server URL and cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const config = await writeKubeconfig(`http://127.0.0.1:${port}`);
    temps.push(join(config, '..'));
    const source = createLiveSource({ kubeconfig: config, requestTimeoutMs: 2000 });
    const report = await source.check();
    expect(report.ok).toBe(false);
    expect(report.problem?.code).toBe('cluster_unreachable');
    expect(report.problem?.message).toContain(`http://127.0.0.1:${port}`);
    expect(report.problem?.message).toContain('ECONNREFUSED');
    await expect(source.collect({ namespace: 'x' })).rejects.toMatchObject({ code: 'cluster_unreachable' });
  });

  it('no kubeconfig anywhere gives no_kubeconfig listing the paths tried', async () => {
    const home = await mkdtemp(join(tmpdir(), 'syntra-home-'));
    temps.push(home);
    const report = await createLiveSource({ env: {}, home }).check();
    expect(report.ok).toBe(false);
    expect(report.problem?.code).toBe('no_kubeconfig');
    expect(report.problem?.message).toContain(join(home, '.kube', 'config'));
    const fromEnv = await createLiveSource({ env: { KUBECONFIG: '/nope/a:/nope/b' }, home }).check();
    expect(fromEnv.problem?.message).toContain('/nope/a, /nope/b');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createLiveSource({ kubeconfig }).collect({ namespace: 'production' }, controller.signal)).rejects.toThrow();
  });
});
