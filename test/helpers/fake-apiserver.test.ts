import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import type { FakeApiServer } from './fake-apiserver.js';
import { startFakeApiServer } from './fake-apiserver.js';

/**
 * The loopback API server must answer like kube-apiserver where a client can tell the
 * difference, or the live source is tested against a friendlier server than any real cluster.
 * Checked with the real kubectl (what a real client sends and expects) and with plain HTTP.
 */
const run = promisify(execFile);
let api: FakeApiServer;
let cacheDir: string;

beforeAll(async () => {
  api = await startFakeApiServer({ dir: DEMO_DIR });
  cacheDir = await mkdtemp(join(tmpdir(), 'syntra-kubectl-cache-'));
});
afterAll(async () => {
  await api.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** The real kubectl against the loopback server: exit code, stdout, stderr. */
async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--server', api.url, '--cache-dir', cacheDir, ...args], { env: { ...process.env, KUBECONFIG: '/dev/null' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new Error('kubectl is not installed: .ci/run installs it (Debian package kubernetes-client)');
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const get = async (path: string) => {
  const res = await fetch(`${api.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

const PRODUCTION_PODS = 17;

describe('discovery and lists, as kubectl sees them', () => {
  it('kubectl discovers the resources and lists pods in key order', async () => {
    const r = await kubectl('get', 'pods', '-n', 'production', '-o', 'name');
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n');
    expect(names).toHaveLength(PRODUCTION_PODS);
    expect(names).toEqual([...names].sort());
    expect(names).toContain(`pod/${DEMO.authPods[0]}`);
  });

  it('limit sets metadata.continue and the token pages on (kubectl --chunk-size)', async () => {
    const first = await get('/api/v1/namespaces/production/pods?limit=5');
    expect(first.body.items).toHaveLength(5);
    expect(first.body.metadata.continue).toEqual(expect.any(String));
    expect(first.body.metadata.remainingItemCount).toBe(PRODUCTION_PODS - 5);
    const second = await get(`/api/v1/namespaces/production/pods?limit=5&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(second.body.items[0].metadata.name > first.body.items[4].metadata.name).toBe(true);

    const before = api.requests.length;
    const r = await kubectl('get', 'pods', '-n', 'production', '-o', 'name', '--chunk-size=4');
    expect(r.stdout.trim().split('\n')).toHaveLength(PRODUCTION_PODS);
    const pages = api.requests.slice(before).filter((q) => q.url.startsWith('/api/v1/namespaces/production/pods?'));
    expect(pages).toHaveLength(Math.ceil(PRODUCTION_PODS / 4));
    expect(pages.slice(1).every((q) => q.url.includes('continue='))).toBe(true);
  });

  it('a continue token it did not issue is a 400', async () => {
    const r = await get('/api/v1/namespaces/production/pods?limit=5&continue=not-a-token');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });
});

describe('selectors', () => {
  it('an unsupported field selector is a 400, not a match-all', async () => {
    const r = await kubectl('get', 'pods', '-n', 'production', '--field-selector', 'foo.bar=baz');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('field label not supported: foo.bar');
    expect((await get('/api/v1/namespaces/production/pods?fieldSelector=status.hostIP%3D10.0.0.1')).status).toBe(400);
    expect((await get('/api/v1/namespaces/production/events?fieldSelector=regarding.name%3Dx')).status).toBe(400);
  });

  it('a field selector without an operator is a 400', async () => {
    const r = await get('/api/v1/namespaces/production/pods?fieldSelector=status.phase');
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('invalid selector');
  });

  it('supported field selectors filter', async () => {
    const r = await kubectl('get', 'pods', '-n', 'production', '--field-selector', `metadata.name=${DEMO.authPods[0]}`, '-o', 'name');
    expect(r.stdout.trim()).toBe(`pod/${DEMO.authPods[0]}`);
    const pending = await get('/api/v1/namespaces/production/pods?fieldSelector=status.phase%3DPending');
    expect(pending.body.items.map((p: any) => p.status.phase)).toEqual(pending.body.items.map(() => 'Pending'));
    expect(pending.body.items.length).toBeGreaterThan(0);
  });

  it('set-based label selectors work; an unparsable one is a 400', async () => {
    const inSet = await kubectl('get', 'pods', '-n', 'production', '-l', 'app in (auth-service, redis)', '-o', 'name');
    expect(inSet.stdout.trim().split('\n')).toHaveLength(DEMO.authPods.length + 1);
    const notIn = await kubectl('get', 'pods', '-n', 'production', '-l', 'app notin (auth-service),app', '-o', 'name');
    const all = (await get('/api/v1/namespaces/production/pods')).body.items as { metadata: { labels?: Record<string, string> } }[];
    const labelled = all.filter((p) => p.metadata.labels?.app !== undefined && p.metadata.labels.app !== 'auth-service');
    expect(labelled.length).toBeLessThan(PRODUCTION_PODS - DEMO.authPods.length);
    expect(notIn.stdout.trim().split('\n')).toHaveLength(labelled.length);
    const bad = await kubectl('get', 'pods', '-n', 'production', '-l', 'app not in (auth-service)');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unable to parse requirement');
  });
});

describe('events.k8s.io/v1', () => {
  it('serves the stored events in the events.k8s.io shape, with its own field selectors', async () => {
    const core = await get('/api/v1/namespaces/production/events');
    const v1 = await get(`/apis/events.k8s.io/v1/namespaces/production/events?fieldSelector=${encodeURIComponent(`regarding.name=${DEMO.authPods[0]}`)}`);
    expect(v1.status).toBe(200);
    expect(v1.body.kind).toBe('EventList');
    expect(v1.body.apiVersion).toBe('events.k8s.io/v1');
    const expected = core.body.items.filter((e: any) => e.involvedObject.name === DEMO.authPods[0]);
    expect(v1.body.items.map((e: any) => [e.regarding.name, e.reason, e.note, e.deprecatedCount])).toEqual(expected.map((e: any) => [e.involvedObject.name, e.reason, e.message, e.count]));
    const r = await kubectl('get', 'events.events.k8s.io', '-n', 'production', '-o', 'name');
    expect(r.stdout.trim().split('\n')).toHaveLength(core.body.items.length);
  });

  it('a cluster that does not serve a group version answers 404 there and leaves it out of discovery', async () => {
    const old = await startFakeApiServer({ dir: DEMO_DIR, unserved: ['events.k8s.io/v1'] });
    try {
      expect((await fetch(`${old.url}/apis/events.k8s.io/v1/namespaces/production/events`)).status).toBe(404);
      expect((await fetch(`${old.url}/apis/events.k8s.io/v1`)).status).toBe(404);
      const groups = (await (await fetch(`${old.url}/apis`)).json()) as { groups: { name: string }[] };
      expect(groups.groups.map((g) => g.name)).not.toContain('events.k8s.io');
    } finally {
      await old.close();
    }
  });
});

describe('pod logs, as the kubelet serves them', () => {
  const crashing = DEMO.authPods[0]!;

  it('a container in CrashLoopBackOff returns the last terminated instance, with and without --previous', async () => {
    const current = await kubectl('logs', '-n', 'production', crashing);
    const previous = await kubectl('logs', '-n', 'production', crashing, '--previous');
    expect(current.code).toBe(0);
    expect(current.stdout).toContain('ECONNREFUSED');
    expect(current.stdout).toBe(previous.stdout);
    // With timestamps, lines are dated from the terminated instance's start.
    const pod = (await get(`/api/v1/namespaces/production/pods/${crashing}`)).body;
    const startedAt: string = pod.status.containerStatuses[0].lastState.terminated.startedAt;
    const stamped = await kubectl('logs', '-n', 'production', crashing, '--timestamps', '--tail=1');
    expect(Date.parse(stamped.stdout.split(' ')[0]!)).toBeGreaterThanOrEqual(Date.parse(startedAt));
  });

  it('--previous of a container that never restarted is a 400', async () => {
    const r = await kubectl('logs', '-n', 'production', 'api-gateway-84b6f9c7d8-5vnxk', '--previous');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('previous terminated container "api-gateway" in pod "api-gateway-84b6f9c7d8-5vnxk" not found');
    const http = await get('/api/v1/namespaces/production/pods/api-gateway-84b6f9c7d8-5vnxk/log?previous=true');
    expect(http).toMatchObject({ status: 400, body: { reason: 'BadRequest' } });
  });

  it('a running container that restarted has a current and a different previous log', async () => {
    const current = await kubectl('logs', '-n', 'production', 'payment-worker-6c8b9d7f5-q9w4e');
    const previous = await kubectl('logs', '-n', 'production', 'payment-worker-6c8b9d7f5-q9w4e', '--previous');
    expect(current.stdout).not.toBe(previous.stdout);
    expect(previous.stdout.length).toBeGreaterThan(0);
  });

  it('a container that never started says why it has no logs', async () => {
    const r = await kubectl('logs', '-n', 'production', DEMO.imagePullPod);
    expect(r.stderr).toContain('is waiting to start: trying and failing to pull image');
  });
});

describe('server-side tables of the other kinds (printers.go columns)', () => {
  it('kubectl get all lists the kinds of the `all` category, each with its own columns and kind/name names', async () => {
    const r = await kubectl('get', 'all', '-n', 'production');
    expect(r.code).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('NAME ')).map((l) => l.trim().split(/\s{2,}/));
    expect(headers).toContainEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(headers).toContainEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(headers).toContainEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    expect(r.stdout).toMatch(/^deployment\.apps\/auth-service\s+\d+\/\d+\s/m);
    expect(r.stdout).not.toMatch(/^configmap\//m);
  });

  it('-o wide adds the priority-1 columns; a single object is printed as a table too', async () => {
    const wide = await kubectl('get', 'deploy', '-n', 'production', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    const one = await kubectl('get', 'svc', 'postgres', '-n', 'production');
    expect(one.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP/);
    expect(one.stdout).toMatch(/^postgres\s+ClusterIP\s/m);
  });
});
