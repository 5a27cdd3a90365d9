import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RootCauseType } from '../../../src/domain/diagnosis.js';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.js';

/**
 * The cluster-side messages (kubelet, CNI, volume manager, controllers, the API server's webhook
 * calls) read in the shapes kubectl really prints them: the objects are served by the loopback API
 * server, printed by the real kubectl (`describe`, `get events` with its server-side table, `-o wide`,
 * `-o yaml`), and the printed text is what Syntra reads. Each message is the upstream sentence (the
 * comment says where it is written); the objects around it are the least a cluster would hold.
 */
const run = promisify(execFile);
const T = '2025-03-14T10:30:00Z';
type Raw = Record<string, unknown>;

const meta = (name: string) => ({ name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: T });
let seq = 0;
const event = (kind: string, name: string, reason: string, message: string, component: string, count = 3): Raw => ({
  metadata: { name: `${name}.${(seq++).toString(16).padStart(16, '0')}`, namespace: 'shop', creationTimestamp: T },
  involvedObject: { kind, namespace: 'shop', name, uid: `uid-${name}`, apiVersion: kind === 'ReplicaSet' ? 'apps/v1' : 'v1' },
  reason, message, source: { component, host: 'node-1' }, firstTimestamp: T, lastTimestamp: '2025-03-14T10:40:00Z', count, type: 'Warning',
});
const pendingPod = (name: string, container: string): Raw => ({
  kind: 'Pod', apiVersion: 'v1', metadata: meta(name),
  spec: { nodeName: 'node-1', containers: [{ name: container, image: 'registry.example.com/shop/app:1.0' }] },
  status: { phase: 'Pending', startTime: T, containerStatuses: [{ name: container, image: 'registry.example.com/shop/app:1.0', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
});
const replicaSet = (name: string): Raw => ({
  kind: 'ReplicaSet', apiVersion: 'apps/v1', metadata: meta(name),
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/app:1.0' }] } } },
  status: { replicas: 0 },
});

interface Scenario { target: { kind: string; name: string }; want: RootCauseType; names: string }

const withStatus = (name: string, status: Raw, extra: Raw = {}): Raw => ({
  kind: 'Pod', apiVersion: 'v1', metadata: { ...meta(name), ...extra },
  spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'registry.example.com/shop/app:1.0' }] },
  status: { startTime: T, ...status },
});
const PODS: Raw[] = [
  pendingPod('db-0', 'db'), pendingPod('worker-8d9f-r4t5y', 'worker'),
  // pkg/kubelet/lifecycle/predicate.go: rejected at admission
  withStatus('batch-2x9kq', { phase: 'Failed', reason: 'OutOfcpu', message: "Pod Node didn't have enough resource: cpu, requested: 2000, used: 1500, capacity: 2000" }),
  // the node controller's NodeLost on a pod being deleted from an unreachable node: printPod shows "Unknown"
  withStatus('queue-0', { phase: 'Running', reason: 'NodeLost', message: 'Node node-2 which was running pod queue-0 is unresponsive' }, { deletionTimestamp: '2025-03-14T10:35:00Z' }),
  withStatus('web-7c9d-abcde', { phase: 'Running', containerStatuses: [{ name: 'app', image: 'registry.example.com/shop/app:1.0', imageID: '', ready: false, restartCount: 4, state: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T, finishedAt: '2025-03-14T10:41:00Z' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T, finishedAt: '2025-03-14T10:38:00Z' } } }] }),
];
const REPLICA_SETS: Raw[] = [replicaSet('front-6c8b'), replicaSet('api-5d4f7')];
const EVENTS: Raw[] = [
  // pkg/volume/csi/csi_plugin.go (1.14 → 1.32), inside the operation generator's MountVolume.MountDevice failure
  event('Pod', 'db-0', 'FailedMount', 'MountVolume.MountDevice failed for volume "pvc-8b2c" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers', 'kubelet'),
  // pkg/kubelet/volumemanager/volume_manager.go WaitForAttachAndMount (1.17 → 1.25 wording)
  event('Pod', 'db-0', 'FailedMount', 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x7k2p]: timed out waiting for the condition', 'kubelet'),
  // containernetworking/plugins host-local allocator, wrapped by the CRI's sandbox setup (containerd 1.6+)
  event('Pod', 'worker-8d9f-r4t5y', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9f3c2d": plugin type="bridge" name="cbr0" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254', 'kubelet'),
  // staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook (1.18+ "failed to call webhook"), via the ReplicaSet controller
  event('ReplicaSet', 'front-6c8b', 'FailedCreate', 'Error creating: Internal error occurred: failed calling webhook "sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": context deadline exceeded', 'replicaset-controller', 9),
  // plugin/pkg/admission/limitranger (limitRequestRatioConstraint), via the ReplicaSet controller
  event('ReplicaSet', 'api-5d4f7', 'FailedCreate', 'Error creating: pods "api-5d4f7-x2x9k" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000', 'replicaset-controller', 9),
];

const SCENARIOS: Scenario[] = [
  { target: { kind: 'Pod', name: 'db-0' }, want: 'volume_mount_failure', names: 'ebs.csi.aws.com' },
  { target: { kind: 'Pod', name: 'worker-8d9f-r4t5y' }, want: 'node_capacity_exhausted', names: '10.244.1.1-10.244.1.254' },
  { target: { kind: 'ReplicaSet', name: 'front-6c8b' }, want: 'network_policy_blocked', names: 'sidecar-injector.istio.io' },
  { target: { kind: 'ReplicaSet', name: 'api-5d4f7' }, want: 'resource_quota_exceeded', names: 'ratio' },
];

let api: FakeApiServer;
let dir: string;
const kubectl = async (...args: string[]): Promise<string> => {
  try {
    return (await run('kubectl', ['--server', api.url, '--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, KUBECONFIG: '/dev/null' } })).stdout;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') throw new Error('kubectl is not installed: .ci/run installs it (Debian package kubernetes-client)');
    throw e;
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syntra-rendered-'));
  await mkdir(join(dir, 'dump', 'shop'), { recursive: true });
  const list = (kind: string, apiVersion: string, items: Raw[]) => JSON.stringify({ kind: `${kind}List`, apiVersion, items });
  await writeFile(join(dir, 'dump', 'shop', 'pods.json'), list('Pod', 'v1', PODS));
  await writeFile(join(dir, 'dump', 'shop', 'replicasets.json'), list('ReplicaSet', 'apps/v1', REPLICA_SETS));
  await writeFile(join(dir, 'dump', 'shop', 'events.json'), list('Event', 'v1', EVENTS));
  api = await startFakeApiServer({ dir: join(dir, 'dump') });
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const read = (name: string, text: string, target: Scenario['target']) =>
  diagnose(buildKubectlSnapshot([{ name, text }], { now: new Date('2025-03-14T10:45:00Z') }), { ...target, namespace: 'shop' });

describe('cluster-side messages in every shape kubectl prints them', () => {
  it('kubectl get events prints the server-side table real clusters print (LAST SEEN … MESSAGE; -o wide adds SOURCE, COUNT, NAME)', async () => {
    const table = await kubectl('get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=db-0');
    expect(table.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(table).toContain('pod/db-0');
    const wide = await kubectl('get', 'events', '-n', 'shop', '-o', 'wide');
    expect(wide.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    expect(wide).toContain('replicaset-controller, node-1');
  });

  for (const s of SCENARIOS) {
    it(`${s.target.kind} ${s.target.name}: ${s.want} from describe, get events (plain, wide, yaml)`, async () => {
      const kind = s.target.kind.toLowerCase();
      const shapes: [string, string][] = [
        ['describe.txt', await kubectl('describe', kind, s.target.name, '-n', 'shop')],
        ['events.txt', await kubectl('get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${s.target.name}`)],
        ['events-wide.txt', await kubectl('get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${s.target.name}`, '-o', 'wide')],
        ['events.yaml', await kubectl('get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${s.target.name}`, '-o', 'yaml')],
      ];
      for (const [name, text] of shapes) {
        const d = read(name, text, s.target);
        expect(d.root_cause.type, `${name}: ${d.root_cause.summary}`).toBe(s.want);
        expect(d.root_cause.summary, name).toContain(s.names);
      }
    });
  }

  it('kubectl get pods -o wide prints the STATUS printPod computes, and each row reads as its cause', async () => {
    const table = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide');
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const status = (pod: string) => lines.find((l) => l.startsWith(`${pod} `))?.split(/\s{2,}/)[2];
    expect([status('batch-2x9kq'), status('queue-0'), status('web-7c9d-abcde'), status('db-0')]).toEqual(['OutOfcpu', 'Unknown', 'OOMKilled', 'ContainerCreating']);
    const expected: [string, RootCauseType][] = [['batch-2x9kq', 'node_capacity_exhausted'], ['queue-0', 'node_not_ready'], ['web-7c9d-abcde', 'oom_killed']];
    for (const [pod, type] of expected) expect(read('pods.txt', table, { kind: 'Pod', name: pod }).root_cause.type, pod).toBe(type);
  });

  it('a pod whose only trouble is in events it was not given stays an honest unknown, and a ReplicaSet short of pods is never "no issue"', async () => {
    const pod = read('pod.yaml', await kubectl('get', 'pod', 'db-0', '-n', 'shop', '-o', 'yaml'), { kind: 'Pod', name: 'db-0' });
    expect(pod.root_cause.type).toBe('unknown');
    expect(pod.root_cause.confidence).toBeLessThan(0.7);
    const rs = read('rs.yaml', await kubectl('get', 'replicaset', 'front-6c8b', '-n', 'shop', '-o', 'yaml'), { kind: 'ReplicaSet', name: 'front-6c8b' });
    expect(rs.root_cause.type).not.toBe('no_issue_found');
    expect(rs.root_cause.summary).toContain('0/2');
  });
});
