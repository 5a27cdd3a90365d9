import { describe, expect, it } from 'vitest';
import { loadDiagnosisCorpus, snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';
import { runOne, types } from './helpers.js';

const corpus = new Map(loadDiagnosisCorpus().map((c) => [c.name, c]));

/** Pod analyzer over realistic corpus pods: the finding type and a name the summary must carry. */
const CORPUS_ROWS: { name: string; pod: string; type: string; mentions: string }[] = [
  { name: 'oom-killed-java', pod: 'billing-api-7b9c5d6f8-k2m4n', type: 'oom_killed', mentions: '512Mi' },
  { name: 'crash-loop-no-cause', pod: 'ledger-sync-6d5b8c9f7-qq2lx', type: 'crash_loop', mentions: 'exit code 1' },
  { name: 'bad-command-exit-127', pod: 'report-api-58c7b6a5d-t4v2x', type: 'bad_command', mentions: 'exit code 127' },
  { name: 'image-pull-unauthorized', pod: 'fraud-scorer-6a5b4c3d2-mm8qq', type: 'image_pull_error', mentions: 'denied access' },
  { name: 'container-config-missing-configmap-key', pod: 'checkout-79d8c6b5a-n2p4r', type: 'container_config_error', mentions: 'key feature-flags-url of configmap checkout-config' },
  { name: 'container-config-missing-secret', pod: 'mailer-6b5c4d3e2-q8w7e', type: 'container_config_error', mentions: 'secret mailer-smtp' },
  { name: 'volume-mount-secret-missing', pod: 'mq-bridge-64c5b4a39-rt5vw', type: 'volume_mount_failure', mentions: 'secret mq-client-tls not found' },
  { name: 'probe-failure-liveness', pod: 'search-api-7d6c5b4a3-gh7jk', type: 'probe_failure', mentions: 'statuscode: 500' },
  { name: 'unschedulable-insufficient-cpu', pod: 'trainer-0', type: 'unschedulable_insufficient_resources', mentions: 'cpu' },
  { name: 'unschedulable-node-selector', pod: 'ingest-5b4c3d2e1-qw9er', type: 'unschedulable_node_selector', mentions: 'disktype=nvme' },
  { name: 'unschedulable-taint', pod: 'embedder-6c5d4e3f2-zx8cv', type: 'unschedulable_taint', mentions: 'dedicated=gpu' },
  { name: 'unschedulable-anti-affinity', pod: 'zookeeper-3', type: 'unschedulable_affinity', mentions: 'anti-affinity' },
  { name: 'pvc-provisioning-explains-pending-pod', pod: 'tsdb-0', type: 'unschedulable_pvc', mentions: 'timeseries-data' },
  { name: 'init-container-failure-migrations', pod: 'storefront-5f4e3d2c1-ab3cd', type: 'init_container_failure', mentions: 'db-migrate' },
  { name: 'evicted-memory-pressure', pod: 'thumbnailer-6d7c8b9a0-pl4kj', type: 'evicted', mentions: 'low on memory' },
  { name: 'application-error-java-restart-never', pod: 'schema-migrate-20250314', type: 'application_error', mentions: 'IllegalStateException' },
  { name: 'unknown-exited-no-logs', pod: 'adhoc-debug-7x2k', type: 'unknown', mentions: 'exit code 2' },
  { name: 'multi-container-sidecar-dns', pod: 'checkout-worker-5d6e7f8a9-mn4op', type: 'dns_resolution_failure', mentions: 'payments-gateway.shop.svc.cluster.local' },
  { name: 'node-not-ready-explains-pods', pod: 'cart-6e5d4c3b2-df6gh', type: 'unknown', mentions: 'NodeNotReady' },
];

describe('Pod analyzer on corpus pods', () => {
  it.each(CORPUS_ROWS)('$name → $type', (row) => {
    const c = corpus.get(row.name)!;
    const findings = runOne('Pod', c.snapshot, { target: { kind: 'Pod', name: row.pod, namespace: c.target.namespace ?? 'default' } });
    expect(types(findings)).toEqual([row.type]);
    expect(findings[0]!.summary).toContain(row.mentions);
    expect(findings[0]!.evidence.length).toBeGreaterThan(0);
  });
});

const pod = (name: string, status: string, spec = 'containers: [{name: app, image: "ghcr.io/example/app:1.0.0"}]') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: t, labels: {app: ${name}}}
spec:
  nodeName: n1
  ${spec}
status:
${status}`;

describe('Pod analyzer edge cases', () => {
  const rows: { name: string; yaml: string; expected: string[]; logs?: { pod: string; container: string; previous?: boolean; text: string }[] }[] = [
    {
      name: 'healthy running pod → nothing',
      yaml: pod('ok', '  phase: Running\n  conditions: [{type: Ready, status: "True"}]\n  containerStatuses: [{name: app, image: x, imageID: "", ready: true, restartCount: 0, state: {running: {}}}]'),
      expected: [],
    },
    {
      name: 'Succeeded pod whose sidecar exited 1 → nothing (k8sgpt false positive)',
      yaml: pod('done', '  phase: Succeeded\n  containerStatuses:\n  - {name: app, image: x, imageID: "", ready: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: Completed}}}\n  - {name: proxy, image: y, imageID: "", ready: false, restartCount: 0, state: {terminated: {exitCode: 1, reason: Error}}}',
        'containers: [{name: app, image: x}, {name: proxy, image: y}]'),
      expected: [],
    },
    {
      name: 'running again after an OOM kill → oom_killed',
      yaml: pod('flappy', '  phase: Running\n  conditions: [{type: Ready, status: "True"}]\n  containerStatuses: [{name: app, image: x, imageID: "", ready: true, restartCount: 3, state: {running: {}}, lastState: {terminated: {exitCode: 137, reason: OOMKilled}}}]'),
      expected: ['oom_killed'],
    },
    {
      name: 'running, readiness probe failing → probe_failure',
      yaml: `${pod('notready', '  phase: Running\n  conditions: [{type: Ready, status: "False"}]\n  containerStatuses: [{name: app, image: x, imageID: "", ready: false, restartCount: 0, state: {running: {}}}]')}
---
apiVersion: v1
kind: Event
metadata: {name: e1, namespace: t}
involvedObject: {kind: Pod, name: notready, namespace: t, fieldPath: "spec.containers{app}"}
reason: Unhealthy
type: Warning
message: "Readiness probe failed: Get \\"http://10.0.0.9:8080/ready\\": dial tcp 10.0.0.9:8080: connect: connection refused"
`,
      expected: ['probe_failure'],
    },
    {
      name: 'CreateContainerError with exec not found → bad_command',
      yaml: pod('badcmd', '  phase: Pending\n  containerStatuses: [{name: app, image: x, imageID: "", ready: false, restartCount: 0, state: {waiting: {reason: CreateContainerError, message: "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \\"/srv/run\\": stat /srv/run: no such file or directory: unknown"}}}]'),
      expected: ['bad_command'],
    },
    {
      name: 'Init:Error with a Go dial failure → init_container_failure naming the dependency',
      yaml: pod('initerr', '  phase: Pending\n  initContainerStatuses: [{name: wait-db, image: x, imageID: "", ready: false, restartCount: 2, state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error}}}]\n  containerStatuses: [{name: app, image: x, imageID: "", ready: false, restartCount: 0, state: {waiting: {reason: PodInitializing}}}]',
        'initContainers: [{name: wait-db, image: x}]\n  containers: [{name: app, image: x}]'),
      logs: [{ pod: 'initerr', container: 'wait-db', previous: true, text: 'dial tcp 10.96.3.3:5432: connect: connection refused\n' }],
      expected: ['init_container_failure'],
    },
  ];
  it.each(rows)('$name', (row) => {
    const snapshot = snapshotFromYaml(row.yaml, { namespace: 't', ...(row.logs ? { logs: row.logs } : {}) });
    expect(types(runOne('Pod', snapshot))).toEqual(row.expected);
  });

  it('image pull failure quotes the kubelet reason, not the back-off', () => {
    const c = corpus.get('image-pull-unauthorized')!;
    const [f] = runOne('Pod', c.snapshot);
    expect(f!.summary).toContain('987654321098.dkr.ecr.eu-west-1.amazonaws.com/fraud-scorer:2.0.0');
    expect(f!.evidence.some((e) => e.kind === 'event' && e.value.includes('no basic auth credentials'))).toBe(true);
  });
});
