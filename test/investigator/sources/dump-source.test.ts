import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_DIR, demoSource } from '../../../src/investigator/sources/demo-cluster/index.js';
import { createDumpSource, readDumpFolder } from '../../../src/investigator/sources/dump-source.js';
import { readLogDirs } from '../../../src/investigator/sources/dump-log-reader.js';
import { readLogFiles, splitContainerLogs } from '../../../src/investigator/sources/dump-logs.js';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'syntra-dump-'));
  temps.push(d);
  return d;
};

describe('dump source on the bundled demo cluster (all-namespaces layout)', () => {
  it('reads every kind, cluster-scoped objects and both namespaces', async () => {
    const snap = await readDumpFolder(DEMO_DIR);
    expect(snap.namespaces).toEqual(['production', 'staging']);
    expect(snap.nodes.map((n) => n.metadata?.name)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(snap.persistentVolumes).toHaveLength(3);
    expect(snap.storageClasses[0]?.provisioner).toBe('ebs.csi.aws.com');
    expect(snap.statefulSets.map((s) => s.metadata?.name)).toEqual(['redis']);
    expect(snap.daemonSets.map((s) => s.metadata?.name)).toEqual(['log-shipper']);
    expect(snap.cronJobs.map((s) => s.metadata?.name)).toEqual(['analytics-batch']);
    expect(snap.ingresses[0]?.spec?.rules?.[0]?.host).toBe('shop.example.com');
    expect(snap.horizontalPodAutoscalers[0]?.status?.conditions?.map((c) => c.type)).toEqual(['AbleToScale', 'ScalingActive', 'ScalingLimited']);
    expect(snap.horizontalPodAutoscalers[0]?.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(70);
    expect(snap.resourceQuotas[0]?.status?.used?.['requests.memory']).toBe('14912Mi');
    expect(snap.limitRanges).toHaveLength(1);
  });

  it('keeps the incident facts analyzers rely on, typed like client-node objects', async () => {
    const snap = await demoSource().collect({ namespace: 'production' });
    expect(snap.source.kind).toBe('demo');
    const auth = snap.pods.find((p) => p.metadata?.name === DEMO.authPods[0])!;
    const status = auth.status!.containerStatuses![0]!;
    expect(status.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status.lastState?.terminated?.exitCode).toBe(1);
    expect(status.restartCount).toBe(7);
    expect(status.lastState?.terminated?.finishedAt).toBeInstanceOf(Date);
    const pgEndpoints = snap.endpoints.find((e) => e.metadata?.name === 'postgres')!;
    expect(pgEndpoints.subsets).toBeUndefined();
    expect(snap.deployments.find((d) => d.metadata?.name === 'postgres')?.spec?.replicas).toBe(0);
    const oom = snap.pods.find((p) => p.metadata?.name === DEMO.oomPod)!;
    expect(oom.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(oom.spec?.containers[0]?.resources?.limits?.memory).toBe('256Mi');
    expect(snap.events.some((e) => e.reason === 'Failed' && /v2\.3\.1-typo: not found$/.test(e.message ?? ''))).toBe(true);
    expect(snap.events.find((e) => e.involvedObject.name === DEMO.pendingPod)?.message).toMatch(/^0\/3 nodes are available: 3 Insufficient memory\./);
    expect(snap.pods.find((p) => p.metadata?.name === DEMO.missingSecretPod)?.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe('secret "smtp-credentials" not found');
    // Scoped to production: staging objects are gone, nodes stay.
    expect(snap.pods.every((p) => p.metadata?.namespace === 'production')).toBe(true);
    expect(snap.nodes).toHaveLength(3);
  });

  it('reads current and previous logs, split per container, without kubectl error lines', async () => {
    const snap = await demoSource().collect({ namespace: 'production', tailLines: 5 });
    const current = snap.logs.find((l) => l.pod === DEMO.authPods[0] && !l.previous)!;
    const previous = snap.logs.find((l) => l.pod === DEMO.authPods[0] && l.previous)!;
    expect(current.container).toBe('auth-service');
    expect(current.lines).toHaveLength(5);
    expect(current.lines.at(-1)).toBe('Node.js v20.11.1');
    expect(previous.lines).toHaveLength(5);
    const full = await demoSource().collect({ namespace: 'production' });
    const fullPrevious = full.logs.find((l) => l.pod === DEMO.authPods[0] && l.previous)!;
    expect(fullPrevious.lines.join('\n')).toContain('connect ECONNREFUSED 10.96.112.45:5432');
    expect(fullPrevious.lines[0]).not.toBe(full.logs.find((l) => l.pod === DEMO.authPods[0] && !l.previous)!.lines[0]);
    const currentLines = full.logs.find((l) => l.pod === DEMO.authPods[0] && !l.previous)!.lines;
    expect(currentLines.some((l) => /ERROR Connection refused: postgres\.production\.svc\.cluster\.local:5432/.test(l))).toBe(true);
    expect(full.logs.find((l) => l.pod === DEMO.imagePullPod)?.lines).toEqual([]);
  });

  it('stores secrets as keys only and masks secret-looking values unless asked not to', async () => {
    const masked = await demoSource().collect({ namespace: 'production' });
    expect(masked.secrets.find((s) => s.metadata.name === 'auth-db-credentials')).toEqual({
      metadata: expect.objectContaining({ name: 'auth-db-credentials', namespace: 'production' }),
      type: 'Opaque',
      keys: ['password', 'username'],
    });
    expect(JSON.stringify(masked)).not.toContain('pr0d-Auth-DB-9f2c');
    const env = (s: typeof masked) => s.pods.find((p) => p.metadata?.name === DEMO.authPods[0])!.spec!.containers[0]!.env!;
    expect(env(masked).find((e) => e.name === 'REDIS_URL')?.value).toBe('redis://:[REDACTED:password]@redis.production.svc.cluster.local:6379/0');
    const raw = await demoSource({ redact: false }).collect({ namespace: 'production' });
    expect(env(raw).find((e) => e.name === 'REDIS_URL')?.value).toContain(':Xk9#mP2vLq7w@');
    expect(JSON.stringify(raw)).not.toContain('pr0d-Auth-DB-9f2c');
  });
});

describe('dump source layouts and log conventions', () => {
  it('reads one namespace folder given directly, with per-container and previous log files', async () => {
    const dir = await tempDir();
    await cp(join(DEMO_DIR, 'production'), dir, { recursive: true });
    const pod = join(dir, DEMO.authPods[1]);
    await rm(join(pod, 'logs.txt'));
    await rm(join(pod, 'logs-previous.txt'));
    await writeFile(join(pod, 'auth-service.log'), 'line one\nline two\n');
    await writeFile(join(pod, 'auth-service.previous.log'), 'crashed: ECONNREFUSED\n');
    const snap = await createDumpSource(dir).collect({});
    expect(snap.namespaces).toEqual(['production']);
    expect(snap.pods.length).toBeGreaterThan(10);
    const logs = snap.logs.filter((l) => l.pod === DEMO.authPods[1]);
    expect(logs).toEqual(expect.arrayContaining([
      { namespace: 'production', pod: DEMO.authPods[1], container: 'auth-service', previous: false, lines: ['line one', 'line two'] },
      { namespace: 'production', pod: DEMO.authPods[1], container: 'auth-service', previous: true, lines: ['crashed: ECONNREFUSED'] },
    ]));
  });

  it('reads pod log folders on a worker thread exactly as in place (a large dump), missing folders included', async () => {
    const dir = await tempDir();
    await cp(join(DEMO_DIR, 'production'), dir, { recursive: true });
    await writeFile(join(dir, DEMO.authPods[1], 'auth-service.previous.log'), 'crashed: ECONNREFUSED\n');
    await writeFile(join(dir, DEMO.authPods[1], 'notes.md'), 'not a log');
    const podDirs = [...DEMO.authPods.map((p) => join(dir, p)), join(dir, 'no-such-pod')];
    const offThread = await readLogDirs(podDirs, 0);
    const inPlace = podDirs.map(readLogFiles);
    const sorted = (files: [string, string][][]) => files.map((f) => [...f].sort(([a], [b]) => a.localeCompare(b)));
    expect(sorted(offThread)).toEqual(sorted(inPlace));
    expect(offThread[1]!.map(([f]) => f).sort()).toEqual(['auth-service.previous.log', 'logs-previous.txt', 'logs.txt']);
    expect(offThread.at(-1)).toEqual([]);
  });

  it('sorts extra files of any kind by their items, and skips kinds outside the model', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'shop'));
    await writeFile(join(dir, 'shop', 'whatever.json'), JSON.stringify({
      apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
      items: [
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'shop' }, spec: { template: { spec: { containers: [] } } } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, data: { token: 'c2VjcmV0' } },
        { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'shop' } },
      ],
    }));
    const snap = await readDumpFolder(dir);
    expect(snap.jobs.map((j) => j.metadata?.name)).toEqual(['j']);
    expect(snap.secrets).toEqual([{ metadata: { name: 's', namespace: 'shop' }, keys: ['token'] }]);
  });

  it('reports an unreadable folder through check() and collect()', async () => {
    const source = createDumpSource('/nonexistent/syntra-dump');
    const report = await source.check();
    expect(report.ok).toBe(false);
    expect(report.problem?.code).toBe('evidence_unreadable');
    await expect(source.collect({})).rejects.toMatchObject({ code: 'evidence_unreadable' });
  });

  it('splits combined logs on cluster-info dump markers', () => {
    const text = [
      '==== START logs for container app of pod ns/p ====', 'a1', 'a2', '==== END logs for container app of pod ns/p ====',
      '==== START logs for container sidecar of pod ns/p ====', 's1', '==== END logs for container sidecar of pod ns/p ====', '',
    ].join('\n');
    expect(Object.fromEntries(splitContainerLogs(text, 'app'))).toEqual({ app: ['a1', 'a2'], sidecar: ['s1'] });
    expect(Object.fromEntries(splitContainerLogs('x\ny\n', 'only'))).toEqual({ only: ['x', 'y'] });
  });
});
