import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNNAMED } from '../../../src/investigator/cluster/snapshot.js';
import { diagnose, diagnoseAll } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';
import { TERMINATING_ANNOTATION } from '../../../src/investigator/sources/kubectl-text/get-table.js';
import { halfOf } from '../../fixtures/diagnosis/real/split.js';

/**
 * Every form of kubectl output people paste, read from what they really pasted: files of the
 * real-world corpus's TUNING half (test/fixtures/diagnosis/real; the frozen half stays unseen),
 * plus one stream that concatenates a real describe with real log lines. Each form is recognised,
 * gives the objects it holds, and never aborts the reading of the rest.
 */
const CASES = fileURLToPath(new URL('../../fixtures/diagnosis/real/cases/', import.meta.url));
const NOW = new Date('2025-03-14T10:45:00Z');

function real(caseId: string, file: string): { name: string; text: string } {
  expect(halfOf(caseId), `${caseId} must be a tuning case`).toBe('tuning');
  return { name: file, text: readFileSync(join(CASES, caseId, file), 'utf8') };
}

/** Several files of one tuning case, as `--from` is given them. */
const files = (caseId: string, ...names: string[]) => names.map((n) => real(caseId, n));

describe('kubectl get tables', () => {
  it('a pods table with its header', () => {
    const { snapshot, account } = readKubectlText(real('a-openshift-release-pr76967-dptp-evicted-memory', 'get-pods.txt'), { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl get table']);
    expect(snapshot.pods).toHaveLength(5);
    const running = snapshot.pods.find((p) => p.metadata?.name === 'dptp-controller-manager-77ffc657cf-bg8d8')!;
    expect(running.status?.phase).toBe('Running');
    expect(running.status?.containerStatuses).toHaveLength(2);
    expect(snapshot.pods.filter((p) => p.status?.phase === 'Failed')).toHaveLength(4);
  });

  it('-A -o wide rows without their header (a grep), NAMESPACE first and NODE at the end', () => {
    const { snapshot, account } = readKubectlText(real('c-aks-engine-3495-uninitialized-taint-pending', 'get-pods.txt'), { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl get pods rows']);
    expect(snapshot.pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name} ${p.status?.phase}`)).toEqual([
      'kube-system/cloud-node-manager-windows-cg9jq Pending', 'kube-system/csi-azuredisk-node-windows-lqkll Pending', 'kube-system/csi-azurefile-node-windows-cmr4v Pending',
    ]);
  });

  it('restarts with their "(12h ago)" and a CrashLoopBackOff status', () => {
    const { snapshot } = readKubectlText(real('b-wso2-apk-614-apiserver-no-route', 'get-pods.txt'), { now: NOW });
    const s = snapshot.pods[0]!.status!.containerStatuses![0]!;
    expect(s.restartCount).toBe(68);
    expect(s.state?.waiting?.reason).toBe('CrashLoopBackOff');
  });

  it('pvc, endpoints, hpa (kubectl get all naming) and daemonset tables', () => {
    expect(readKubectlText(real('c-understack-54-missing-storageclass', 'get-pvc.txt')).snapshot.persistentVolumeClaims.map((c) => `${c.metadata?.name} ${c.status?.phase} ${c.spec?.storageClassName}`))
      .toContain('dnsmasq-ironic Pending standard');
    expect(readKubectlText(real('d-torus-214-postgres-endpoints-none', 'get-endpoints.txt')).snapshot.endpoints).toMatchObject([{ metadata: { name: 'postgres-torus' }, subsets: [] }]);
    expect(readKubectlText(real('c-codis-operator-13-hpa-unknown-no-request', 'get-hpa.txt')).snapshot.horizontalPodAutoscalers[0]?.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'sample-proxy' });
    expect(readKubectlText(real('d-fluentbit-k8s-41-ds-taints-desired', 'get-ds.txt')).snapshot.daemonSets.map((d) => d.status?.desiredNumberScheduled)).toEqual([15, 18]);
  });
});

describe('kubectl get cm / secrets tables', () => {
  it('a `kubectl get cm` table lists the configmaps that exist, without their keys; a missing one is answered with the names that do exist', () => {
    const { snapshot, account } = readKubectlText(real('j-nectar-postgres-configmap-not-found', 'get-cm.txt'), { now: NOW });
    expect(account).toMatchObject({ recognized_as: ['kubectl get table'], objects: 2 });
    expect(snapshot.configMaps.map((c) => [c.metadata.name, c.keysUnknown])).toEqual([['kube-root-ca.crt', true], ['postgres-config', true]]);
    const d = diagnoseAll(buildKubectlSnapshot(files('j-nectar-postgres-configmap-not-found', 'events.txt', 'get-cm.txt'), { now: NOW }))[0]!;
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('configmap postgres-db-config does not exist; the only configmap the evidence lists is postgres-config');
  });
});

describe('events in every layout kubectl has printed', () => {
  it('kubectl get events with its header', () => {
    const { snapshot } = readKubectlText(real('c-eck-3964-insufficient-memory-upgrade', 'events.txt'), { now: NOW });
    expect(snapshot.events).toMatchObject([{ reason: 'FailedScheduling', involvedObject: { kind: 'Pod', name: 'quickstart-es-default-2' }, message: '0/3 nodes are available: 3 Insufficient memory.' }]);
  });

  it('kubectl get events rows without a header', () => {
    const { snapshot } = readKubectlText(real('b-uptime-kuma-helm-67-liveness-timeout', 'events.txt'), { now: NOW });
    expect(snapshot.events.filter((e) => e.reason === 'Unhealthy')).toHaveLength(3);
    expect(snapshot.events[0]?.involvedObject).toMatchObject({ kind: 'Pod', name: 'uptime-kuma-helm-57f9d6fd5c-czdlh' });
  });

  it('the pre-1.14 layout: LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE', () => {
    const { snapshot } = readKubectlText(real('c-moj-cloud-platform-590-quota-rolling-update', 'events.txt'), { now: NOW });
    const created = snapshot.events.find((e) => e.reason === 'FailedCreate')!;
    expect(created.involvedObject).toMatchObject({ kind: 'ReplicaSet', name: 'allocation-manager-6597bc46dc' });
    expect(created.count).toBe(124);
  });

  it('a describe Events section pasted alone, in the FirstSeen/LastSeen layout, about the pod its rows name', () => {
    const { snapshot } = readKubectlText(real('a-kubernetes-pr42006-glusterfs-no-endpoints', 'events.txt'), { now: NOW });
    expect(snapshot.events.map((e) => e.reason)).toEqual(['Scheduled', 'FailedMount', 'FailedSync']);
    expect(snapshot.events.find((e) => e.reason === 'FailedMount')?.count).toBe(5);
  });

  it('2015 tab-separated rows with dates', () => {
    const { snapshot } = readKubectlText(real('a-kubernetes-4006-missing-registry-credentials', 'events.txt'), { now: NOW });
    expect(snapshot.events[0]).toMatchObject({ reason: 'Failed', message: 'Failed to pull image "quay.io/littlebits/cloud-server-api-stream:0.2.13"' });
    expect(snapshot.events[0]?.lastTimestamp).toEqual(new Date('2015-01-31T03:52:18Z'));
  });

  it('kubectl describe event NAME', () => {
    const { snapshot } = readKubectlText(real('c-sapcc-helm-548-insufficient-cpu-event', 'describe-event.txt'), { now: NOW });
    expect(snapshot.events[0]).toMatchObject({ involvedObject: { kind: 'Pod', name: 'resource-test-bdfcd9f5-g8jq5' }, count: 12 });
  });
});

describe('describe output: whole, old, and in fragments', () => {
  it('a container fragment with only Last State (lines cut with ...) is a pod whose last termination is known', () => {
    const { snapshot, account } = readKubectlText(real('a-operator-sdk-samples-156-helm-operator-oom-90mi', 'describe-pod-fragment.txt'), { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl describe (fragment)']);
    const s = snapshot.pods[0]!.status!.containerStatuses![0]!;
    expect(s.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(snapshot.pods[0]!.spec!.containers[0]!.resources?.limits?.memory).toBe('90Mi');
  });

  it('a 2015 describe node with tabs', () => {
    const { snapshot } = readKubectlText(real('c-kubernetes-16601-docker-runtime-down-notready', 'describe-node.txt'), { now: NOW });
    expect(snapshot.nodes[0]?.metadata?.name).toBe('gce-soak-weekly-minion-1fdd');
  });

  it('a 1.3-era describe replicaset with tabs and the FirstSeen table', () => {
    const { snapshot } = readKubectlText(real('c-zalando-k8s-278-limitrange-max-cpu', 'describe-rs.txt'), { now: NOW });
    expect(snapshot.replicaSets[0]?.metadata?.name).toBe('hjacobs-test-1668339668');
    expect(snapshot.events[0]?.message).toMatch(/maximum cpu usage per Container is 16, but request is 17/);
  });
});

describe('YAML, values and messages', () => {
  it('status-only YAML is the status of the pod the question names', () => {
    const { snapshot } = readKubectlText(real('a-hush-house-8-evicted-ephemeral-storage', 'get-status.yaml'), { now: NOW });
    expect(snapshot.pods[0]?.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    const d = diagnose(snapshot, { kind: 'Pod', name: 'hush-house-worker-0', namespace: 'hush-house' });
    expect(d.root_cause.type).toBe('evicted');
    expect(d.root_cause.summary).toMatch(/ephemeral-storage/);
  });

  it('values printed by -o jsonpath are read as what they say', () => {
    const snap = buildKubectlSnapshot([real('a-openshift-release-pr76967-dptp-evicted-memory', 'status-reason.txt'), real('a-openshift-release-pr76967-dptp-evicted-memory', 'status-message.txt')], { now: NOW });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('evicted');
    expect(d.root_cause.summary).toMatch(/low on memory; container dptp-controller-manager was using 48458972Ki against a request of 15Gi/);
  });

  it('kubectl error lines are notes, not container logs', () => {
    const { snapshot, account } = readKubectlText(real('c-hmcts-2122-exceeded-quota', 'kubectl-error.txt'), { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl error']);
    expect(snapshot.notes[0]).toMatchObject({ origin: 'kubectl-error' });
    expect(diagnoseAll(snapshot)[0]?.root_cause).toMatchObject({ type: 'resource_quota_exceeded', summary: expect.stringMatching(/money-claims-quota/) });
  });

  it('a kubectl error a terminal wrapped inside a quoted URL is one error, read whole', () => {
    // the URL breaks mid-word onto a second line; the transport error (EOF) is only on that line
    const { snapshot, account } = readKubectlText(real('m-ingress-nginx-8907-netpol-blocks-admission-webhook', 'kubectl-apply.txt'), { now: NOW });
    expect(account.recognized_as).toContain('kubectl error');
    const error = snapshot.notes.find((n) => n.origin === 'kubectl-error')!;
    expect(error.text).toContain('https://ingress-controller-admission.ingress.svc:443/networking/v1/ingresses?timeout=10s": EOF');
    expect(diagnoseAll(snapshot)[0]?.root_cause).toMatchObject({ type: 'network_policy_blocked', summary: expect.stringContaining('validate.nginx.ingress.kubernetes.io') });
  });

  it('an error chain a paste broke after its colons is one message', () => {
    const d = diagnoseAll(buildKubectlSnapshot(files('m-kubeflow-3581-netpol-blocks-apiserver-webhook', 'error.txt'), { now: NOW }))[0]!;
    expect(d.root_cause).toMatchObject({ type: 'network_policy_blocked', summary: expect.stringContaining('ml-pipeline.kubeflow.svc:8443') });
  });

  it('one container status pasted without its list dash is that container\'s state, named', () => {
    const { snapshot } = readKubectlText(real('m-samson-3381-secret-puller-oomkilled-status', 'status.yaml'), { now: NOW });
    expect(snapshot.pods[0]?.status?.containerStatuses?.[0]).toMatchObject({ name: 'secret-puller', restartCount: 2, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } });
    expect(diagnoseAll(snapshot)[0]?.root_cause).toMatchObject({ type: 'oom_killed', summary: expect.stringContaining('secret-puller') });
  });

  it('a prompt line before an output names what printed it', () => {
    const { snapshot } = readKubectlText(real('d-osb-sdk-30-service-namespace', 'error.txt'), { now: NOW });
    expect(snapshot.notes.map((n) => n.text)).toEqual(['Error from server (NotFound): services "brokersdk" not found']);
    expect(() => diagnose(snapshot, { kind: 'Service', name: 'brokersdk' })).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('logs: alone, and in one stream with a describe', () => {
  it('logs alone are diagnosed: the subject is the workload that wrote them', () => {
    const snap = buildKubectlSnapshot([real('b-bitnami-11742-kafka-headless-unknownhost', 'logs.txt')], { now: NOW });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('dns_resolution_failure');
    expect(d.root_cause.summary).toMatch(/kafka-0\.kafka-headless\.kafka\.svc\.cluster\.local/);
  });

  it('describe text followed by log lines in one stream: both are read, the logs go to the pod', () => {
    const describe = readFileSync(fileURLToPath(new URL('../../fixtures/evidence/describe-pod-job-never.txt', import.meta.url)), 'utf8');
    const logs = real('b-harbor-helm-944-core-db-timeout', 'logs.txt').text;
    const { account, snapshot, logs: found } = readKubectlText({ name: '-', text: `${describe}\n${logs}` }, { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl describe', 'log lines']);
    expect(snapshot.pods).toHaveLength(1);
    expect(found[0]?.text).toContain('failed to connect to tcp://harbor-harbor-database:5432');
    const snap = buildKubectlSnapshot([{ name: '-', text: `${describe}\n${logs}` }], { now: NOW });
    expect(snap.logs[0]).toMatchObject({ pod: 'db-migrate-29032410-7kq2d' });
  });

  it('a file named for what it holds (scheduling-message.txt) is no pod: its message is about the workload in the evidence', () => {
    const snap = buildKubectlSnapshot(files('i-kubeflow-7109-notebook-volumes-in-two-zones', 'scheduling-message.txt'), { now: NOW });
    expect(snap.logs.map((l) => l.pod)).toEqual([UNNAMED]);
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('unschedulable_pvc');
    expect(d.root_cause.summary).not.toContain('scheduling-message');
  });

  it('a message beside several pods in trouble that are replicas of one template goes to them; the sentence read whole decides', () => {
    // `oc get pods -l app=…`, then `.items[0].status.reason` and `.status.message` printed on their own.
    const snap = buildKubectlSnapshot(files('a-openshift-release-pr76967-dptp-evicted-memory', 'get-pods.txt', 'status-reason.txt', 'status-message.txt'), { now: NOW });
    expect(new Set(snap.logs.map((l) => l.pod))).toEqual(new Set(['dptp-controller-manager-77ffc657cf-4z7wb']));
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('evicted');
    expect(d.root_cause.summary).toContain('container dptp-controller-manager was using 48458972Ki against a request of 15Gi');
    expect(d.root_cause.summary).not.toContain('status-message');
  });

  it('a part that cannot be read is listed as skipped; the parts beside it still count', () => {
    const broken = 'Name:         ops-role\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n  Resources  Verbs\n';
    const snap = buildKubectlSnapshot([{ name: 'role.txt', text: broken }, real('c-eck-3964-insufficient-memory-upgrade', 'get-pods.txt'), real('c-eck-3964-insufficient-memory-upgrade', 'events.txt')], { now: NOW });
    expect(snap.source.inputs?.[0]?.skipped?.[0]?.reason).toMatch(/describe output of a kind Syntra does not read/);
    expect(diagnoseAll(snap)[0]?.root_cause.type).toBe('unschedulable_insufficient_resources');
  });
});


describe('forms the second batch showed', () => {
  it('a get table whose rows do not line up with the header is read by its cells', () => {
    const { snapshot } = readKubectlText(real('g-kubernetes-nagios-pr11-node-notready', 'get-nodes.txt'), { now: NOW });
    expect(snapshot.nodes.map((n) => `${n.metadata?.name} ${n.status?.conditions?.[0]?.status}`)).toEqual(['docker01 True', 'docker02 False', 'docker03 True']);
  });

  it('a pre-1.8 get nodes table (no ROLES) and a pod whose STATUS is Unknown: the pod is on a lost node', () => {
    const snap = buildKubectlSnapshot(files('g-kubernetes-50127-node-reboot-notready-pod-unknown', 'get-nodes.txt', 'get-pods-wide.txt'), { now: NOW });
    expect(snap.nodes.map((n) => n.metadata?.name)).toEqual(['10.6.0.187', '10.6.0.188']);
    const lost = snap.pods.find((p) => p.metadata?.name === 'nginx-dm-2214564181-677db')!;
    expect(lost.status?.phase).toBe('Unknown');
    const d = diagnose(snap, { kind: 'Pod', name: 'nginx-dm-2214564181-677db' });
    expect(d.root_cause.type).toBe('node_not_ready');
    expect(d.root_cause.summary).toContain('10.6.0.188');
  });

  it('a pod row cut after RESTARTS, and a jq extract of its container state: the secret the state names', () => {
    const snap = buildKubectlSnapshot(files('g-cloud-on-k8s-545-kibana-secret-deleted', 'get-pod-row.txt', 'state.json'), { now: NOW });
    // The row is a pod; the extract, which names no pod, is a container state of the pod the question is about.
    expect(snap.pods.map((p) => p.metadata?.name)).toEqual(['kibana-sample-kibana-65f544dbbd-lcx2r', '(unnamed)']);
    expect(snap.pods[1]!.status?.containerStatuses?.[0]?.state?.waiting).toMatchObject({ reason: 'CreateContainerConfigError', message: 'secrets "kibana-es-sample-elastic-internal-kibana" not found' });
    expect(snap.logs).toHaveLength(0);
    const d = diagnose(snap, { kind: 'Pod', name: 'kibana-sample-kibana-65f544dbbd-lcx2r' });
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('kibana-es-sample-elastic-internal-kibana');
  });

  it('event rows pasted without their describe header belong to the one pod in trouble', () => {
    const snap = buildKubectlSnapshot(files('g-aegis-293-secret-key-value-missing', 'get-pods.txt', 'events-fragment.txt'), { now: NOW });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toMatch(/key VALUE of secret aegis-secret-aegis-workload-demo/);
  });

  it('Init:CrashLoopBackOff in a get table and the init container\'s log: the dependency it waits for', () => {
    const snap = buildKubectlSnapshot(files('g-flagsmith-charts-32-wait-for-db-local-postgres', 'get-pods.txt', 'wait-for-db.log'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'flagsmith-api-6c9959c65c-4n49k' });
    expect(d.root_cause.type).toBe('init_container_failure');
    expect(d.root_cause.summary).toContain('flagsmith-flagsmith-postgresql.flagsmith.svc.cluster.local:5432');
  });

  it('Init:0/1 in a get table: the pod is held by its running init container, which writes the only logs there are', () => {
    // kong's table alone: scheduled, its init container never completes; what it waits for is not in the evidence
    const alone = diagnose(buildKubectlSnapshot(files('i-helm-charts-pr8681-kong-wait-for-db-cassandra', 'get-all.txt'), { now: NOW }), { kind: 'Pod', name: 'kong-kong-ddc97bf6f-lvmm7' });
    expect(alone.root_cause.type).toBe('init_container_failure');
    expect(alone.root_cause.confidence).toBeLessThan(0.7);
    expect(alone.root_cause.summary).toMatch(/still running and has not completed.*logs were not given/);
    // the same row beside a wait loop's log (a busybox nslookup init container's, from another thread): the log is the init container's
    const log = { ...real('g-poseidon-125-init-nslookup-search-domain', 'init-logs.txt'), name: 'kong-kong-ddc97bf6f-lvmm7.log' };
    const snap = buildKubectlSnapshot([real('i-helm-charts-pr8681-kong-wait-for-db-cassandra', 'get-all.txt'), log], { now: NOW });
    expect(snap.logs[0]).toMatchObject({ pod: 'kong-kong-ddc97bf6f-lvmm7', container: '(init container)' });
    const d = diagnose(snap, { kind: 'Pod', name: 'kong-kong-ddc97bf6f-lvmm7' });
    expect(d.root_cause.type).toBe('init_container_failure');
    expect(d.root_cause.summary).toContain('has not completed: it cannot resolve host firmament-service.kube-system');
  });

  it('a message copied as a JSON value, escaped quotes and all, is read as the message', () => {
    const line = real('g-cloud-on-k8s-545-kibana-secret-deleted', 'state.json').text.split('\n').find((l) => l.includes('"message"'))!;
    const d = diagnoseAll(buildKubectlSnapshot([{ name: 'paste.txt', text: line }], { now: NOW }))[0]!;
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('secret kibana-es-sample-elastic-internal-kibana does not exist');
  });

  it('a status-only YAML with a pre-1.10 scheduler message names the predicate', () => {
    const snap = buildKubectlSnapshot(files('g-kubernetes-52166-node-memory-pressure-status', 'status.yaml'), { now: NOW });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('node_pressure');
    expect(d.root_cause.summary).toContain('MemoryPressure');
  });

  it('a describe cut to its Limits, beside a describe of the container: one container, its limit named', () => {
    const snap = buildKubectlSnapshot(files('h-gittux-k8s-ts-oom-25mi', 'describe-pod.txt', 'describe-pod-limits.txt'), { now: NOW });
    expect(snap.pods).toHaveLength(1);
    expect(snap.pods[0]!.spec?.containers.map((c) => `${c.name} ${c.resources?.limits?.memory}`)).toEqual(['crashlooplearning 25Mi']);
    expect(diagnoseAll(snap)[0]!.root_cause.summary).toContain('memory limit of 25Mi');
  });

  it('a jsonpath print of lastState.terminated is the last termination of the pod asked about', () => {
    const snap = buildKubectlSnapshot(files('h-pranay-s14-gauntlet-oom-jsonpath', 'last-state.json'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'fail-5-oomkilled-pod', namespace: 'default' });
    expect(d.root_cause.type).toBe('oom_killed');
  });

  it('one entry of containerStatuses cut out of -o yaml is that named container of the pod asked about', () => {
    const snap = buildKubectlSnapshot(files('m-samson-3381-secret-puller-oomkilled-status', 'status.yaml'), { now: NOW });
    expect(snap.pods[0]?.status?.containerStatuses?.[0]).toMatchObject({ name: 'secret-puller', restartCount: 2, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('oom_killed');
    expect(d.root_cause.summary).toContain('secret-puller');
  });

  it('two log texts for the same container are one stream; a short name that fails while the Service lives elsewhere says where', () => {
    const snap = buildKubectlSnapshot(files('h-pranay-s14-dns-short-name-other-namespace', 'nslookup.txt', 'resolv-conf.txt', 'get-svc-grep.txt', 'get-coredns.txt'), { now: NOW });
    expect(snap.logs).toHaveLength(1);
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('dns_resolution_failure');
    expect(d.root_cause.summary).toContain('Service api exists in namespace backend');
  });
});

describe('no issue found, honestly', () => {
  it('a healthy control stays healthy: a pod Completed with exit code 0', () => {
    const snap = buildKubectlSnapshot(files('g-kubernetes-63195-completed-exit-0-healthy', 'get-pods.txt', 'describe-pod-fragment.txt'), { now: NOW });
    expect(diagnose(snap, { kind: 'Pod', name: 'single-ee7f20b3bcb047f893481e1999decba9-single-0' }).root_cause.type).toBe('no_issue_found');
  });

  it('healthy by a get table row alone is said with less confidence than by the object (a row is a summary)', () => {
    const snap = buildKubectlSnapshot(files('h-pranay-s14-gauntlet-database-url-missing', 'get-pods.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'fail-4-dns-failure-pod' });
    expect(d.root_cause.type).toBe('no_issue_found');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('a pod that is not ready with nothing explaining it is unknown, not "no issue"', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
    };
    const d = diagnose(buildKubectlSnapshot([{ name: 'pod.json', text: JSON.stringify(pod) }], { now: NOW }), { kind: 'Pod', name: 'web-0', namespace: 'default' });
    expect(d.root_cause.type).toBe('unknown');
    expect(d.root_cause.summary).toMatch(/web-0 is not ready \(ContainerCreating\)/);
  });
});

describe('forms the third batch showed', () => {
  it('a "..." line where the author cut a get table is no row', () => {
    const { snapshot } = readKubectlText(real('j-harvester-docs-monitoring-recovered-healthy', 'get-pods.txt'), { now: NOW });
    expect(snapshot.pods.map((p) => p.metadata?.name)).toEqual(['prometheus-rancher-monitoring-prometheus-0', 'rancher-monitoring-grafana-d9c56d79b-cp86w']);
    expect(diagnoseAll(buildKubectlSnapshot(files('j-harvester-docs-monitoring-recovered-healthy', 'get-pods.txt'), { now: NOW }))).toEqual([]);
  });

  it('pods a table shows Terminating are marked so; several stuck together point at their node, with doubt', () => {
    const snap = buildKubectlSnapshot(files('j-harvester-docs-monitoring-pods-terminating-node-down', 'get-pods.txt'), { now: NOW });
    const terminating = snap.pods.filter((p) => p.metadata?.annotations?.[TERMINATING_ANNOTATION] === 'true').map((p) => p.metadata?.name);
    expect(terminating).toEqual(['prometheus-rancher-monitoring-prometheus-0', 'rancher-monitoring-admission-create-fwjn9', 'rancher-monitoring-crd-create-9wtzf', 'rancher-monitoring-grafana-d9c56d79b-ph4nz']);
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('node_not_ready');
    expect(d.root_cause.summary).toMatch(/stuck Terminating, as are 3 other pods/);
    expect(d.root_cause.confidence).toBeLessThan(0.7);
    // The node is not named, so no command may name it.
    expect(d.remediation.writes ?? []).toEqual([]);
    expect(d.remediation.verification).toContain('kubectl get nodes');
  });

  it('a describe cut to its Name and Events is the kind of object its events\' reporter describes; get sc is read', () => {
    const snap = buildKubectlSnapshot(files('j-nectar-pvc-incompatible-accessmode', 'get-pvc-pv.txt', 'get-sc.txt', 'get-po.txt', 'pod-events.txt', 'describe-pvc.txt'), { now: NOW });
    expect(snap.storageClasses.map((c) => `${c.metadata?.name} ${c.provisioner} ${c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']}`)).toEqual(['local-path rancher.io/local-path true']);
    expect(snap.persistentVolumeClaims.map((c) => `${c.metadata?.name} ${c.status?.phase}`)).toEqual(['my-pvc-cka Pending']);
    expect(snap.events.find((e) => e.reason === 'VolumeMismatch')?.involvedObject).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'my-pvc-cka' });
    // The claim that cannot bind to the volume it names explains the Pending pod.
    const d = diagnose(snap, { kind: 'Pod', name: 'my-pod-cka' });
    expect(d.root_cause.type).toBe('unschedulable_pvc');
    expect(d.root_cause.summary).toContain('incompatible accessMode');
  });

  it('a pod YAML cut to its affinity, with its FailedScheduling event: the affinity it requires is the cause', () => {
    const snap = buildKubectlSnapshot(files('j-nectar-frontend-node-affinity-label-value', 'events.txt', 'get-pod.yaml'), { now: NOW });
    expect(snap.pods[0]!.status?.phase).toBeUndefined();
    const d = diagnose(snap, { kind: 'Pod', name: 'frontend' });
    expect(d.root_cause.type).toBe('unschedulable_affinity');
    expect(d.root_cause.evidence.map((e) => e.value).join('\n')).toContain('"key":"NodeName"');
  });

  it('an Events section whose only trouble is a Normal Killing event for a failed liveness probe', () => {
    const snap = buildKubectlSnapshot(files('i-eks-blueprints-workshop-pr24-carts-liveness-springboot', 'describe-events.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'carts-66c7c59ddf-64lsb', namespace: 'carts' });
    expect(d.root_cause.type).toBe('probe_failure');
    expect(d.root_cause.summary).toContain('liveness probe fails');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('logs alone under a question about a Service the evidence does not hold are about that Service', () => {
    const snap = buildKubectlSnapshot(files('i-ingress-nginx-9443-node-sg-upstream-timeout', 'controller-logs.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Service', name: 'pc-dev-example-web-service' });
    expect(d.root_cause.type).toBe('dependency_unreachable');
    expect(d.root_cause.summary).toContain('192.168.215.1:80');
  });

  it('a failed hook Job said by helm, beside the job\'s log: the cause in the log comes before the symptom', () => {
    const snap = buildKubectlSnapshot(files('i-mastodon-pr19112-db-migrate-postgres-password', 'helm-install.txt', 'logs-db-migrate.txt'), { now: NOW });
    const all = diagnoseAll(snap);
    expect(all.map((d) => d.root_cause.type)).toEqual(['missing_configuration', 'job_failed']);
    expect(all[0]!.root_cause.summary).toContain('password authentication failed for user "postgres"');
    // the job's failure is a sure fact but, as the root of its own diagnosis, an answer that says
    // nothing about why: below 0.7, like the single log line beside it
    expect(all[1]!.findings[0]!.summary).toContain('backoff limit');
    expect(all[1]!.root_cause.confidence).toBeLessThan(0.7);
    expect(all[0]!.root_cause.confidence).toBeLessThan(0.7);
  });

  it('JSON log records, one per line, are lines of a log, not JSON objects to read values from', () => {
    const { account } = readKubectlText(real('j-cray-csm-bitnami-etcd-no-member-id', 'logs.txt'), { now: NOW });
    expect(account).toMatchObject({ recognized_as: ['log lines'], objects: 0 });
    const snap = buildKubectlSnapshot(files('j-cray-csm-bitnami-etcd-no-member-id', 'logs.txt'), { now: NOW });
    expect(snap.notes).toEqual([]);
    expect(snap.logs[0]!.lines).toHaveLength(8);
    // The entrypoint's ERROR record before it exits is what stopped it; the connection refused before it was a wait
    // it announced it would retry (`retrying of unary invoker failed`), not the cause. One line: a hint, below 0.7.
    const d = diagnoseAll(snap)[0] ?? diagnose(snap);
    expect(d.root_cause.type).toBe('application_error');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
    expect(d.root_cause.summary).toContain('There was no snapshot to restore!');
    expect(d.root_cause.evidence.map((e) => e.value)).toContain('etcd 16:14:21.28 ERROR ==> There was no snapshot to restore!');
  });

  it('an HTTP error body (a one-line JSON object with a message and no object keys) is what the program said, not an object', () => {
    const { account } = readKubectlText(real('i-n8n-helm-308-db-pool-lost-healthz-ok', 'http-response.txt'), { now: NOW });
    expect(account).toMatchObject({ recognized_as: ['log lines'], objects: 0 });
    // The pod is Running and Ready, and what it answers says its database is down: a dependency, not "no issue found".
    const snap = buildKubectlSnapshot(files('i-n8n-helm-308-db-pool-lost-healthz-ok', 'http-response.txt', 'get-pods.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'n8n-...-sf6zx', namespace: 'n8n' });
    expect(d.root_cause.type).toBe('dependency_unreachable');
    expect(d.root_cause.evidence.map((e) => e.value)).toContain('{"code":503,"message":"Database is not ready!"}');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('one log line alone is a hint, said below 0.7', () => {
    const d = diagnoseAll(buildKubectlSnapshot(files('j-cray-csm-envoy-503-sds-secret', 'istio-proxy-logs.txt'), { now: NOW }))[0]!;
    expect(d.root_cause.type).toBe('tls_certificate_error');
    expect(d.root_cause.summary).toContain('Secret is not supplied by SDS');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('a NotReady row of get nodes takes its reason from the condition line pasted beside it', () => {
    const snap = buildKubectlSnapshot(files('i-ansible-k8s-6-nodes-notready-no-cni', 'get-nodes.txt', 'describe-node-line.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Node', name: 'k8s-2' });
    expect(d.root_cause.type).toBe('node_not_ready');
    expect(d.root_cause.summary).toMatch(/^Node k8s-2 is NotReady \(Ready=False\): its container network is not ready \(cni config uninitialized\)/);
    expect(d.root_cause.evidence.map((e) => e.value).join('\n')).toContain('NetworkPluginNotReady');
  });

  it('kubectl\'s pre-1.3 bare error is a kubectl error; a pod that looks healthy while kubectl says it does not exist is unknown, not healthy', () => {
    const { account, snapshot } = readKubectlText(real('i-kubernetes-17949-logs-pod-does-not-exist-node-dns', 'kubectl-logs.txt'), { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl error']);
    expect(snapshot.notes.map((n) => n.origin)).toEqual(['kubectl-error']);
    const d = diagnose(buildKubectlSnapshot(files('i-kubernetes-17949-logs-pod-does-not-exist-node-dns', 'get-pods.txt', 'kubectl-logs.txt'), { now: NOW }), { kind: 'Pod', name: 'example-7ubxo' });
    expect(d.root_cause.type).toBe('unknown');
    expect(d.root_cause.summary).toContain('kubectl reported: "Pod "example-7ubxo" does not exist"');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('event rows cut from a describe, about no pod in the evidence: the configmap they name, said as a fragment', () => {
    const snap = buildKubectlSnapshot(files('j-nectar-postgres-configmap-not-found', 'events.txt', 'get-cm.txt'), { now: NOW });
    const d = diagnoseAll(snap)[0]!;
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('configmap postgres-db-config does not exist');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });

  it('CreateContainerConfigError in a table row, with nothing naming what is missing: what the reason means, at low confidence', () => {
    const snap = buildKubectlSnapshot(files('i-spatiumddi-110-migrate-hook-before-postgres-secret', 'helm-install.txt', 'get-pods.txt'), { now: NOW });
    const d = diagnose(snap, { kind: 'Pod', name: 'ddi-spatiumddi-migrate-pdl2r' });
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toMatch(/most often a secret or configmap/);
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });
});

describe('forms the fourth batch showed', () => {
  it('kubectl\'s "No resources found in x namespace." is a namespace that holds nothing: not found, never "no issue"', () => {
    const snap = buildKubectlSnapshot(files('k-kubernetes-122237-no-resources-missing-namespace', 'get-pods.txt'), { now: NOW });
    expect(snap.notes.map((n) => n.origin)).toEqual(['kubectl-error']);
    expect(() => diagnose(snap)).toThrow(/Namespace kjdnfkfkm holds nothing kubectl listed.*kubectl get namespaces/);
    // a pod asked about in that namespace is not there either
    expect(() => diagnose(snap, { kind: 'Pod', name: 'api', namespace: 'kjdnfkfkm' })).toThrow(/not in the evidence.*No resources found in kjdnfkfkm namespace/);
  });
});

describe('a pod describe cut above its containers', () => {
  it('Status, Reason and Message alone are a pod: an evicted one, with what the node was low on', () => {
    // cloud-ark/kubeplus#1382 (devdattakulkarni, 2025-01-06), as pasted (its inline-code backticks left out)
    const text = [
      'Status:       Failed',
      'Reason:       Evicted',
      'Message:      The node was low on resource: ephemeral-storage. Threshold quantity: 2146223340, available: 1883424Ki. Container helmer was using 10304Ki, request is 10Mi, has larger consumption of ephemeral-storage. Container consumerui was using 52676Ki, request is 10Mi, has larger consumption of ephemeral-storage.',
    ].join('\n');
    const { snapshot, account } = readKubectlText({ name: 'describe.txt', text }, { now: NOW });
    expect(account.recognized_as).toEqual(['kubectl describe (fragment)']);
    expect(snapshot.pods).toHaveLength(1);
    expect(snapshot.pods[0]!.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    const d = diagnoseAll(snapshot)[0]!;
    expect(d.root_cause.type).toBe('evicted');
    expect(d.root_cause.summary).toContain('ephemeral-storage');
    expect(d.root_cause.summary).toContain('helmer');
  });

  it('several pods cut after their annotations, each evicted', () => {
    // kubernetes/kubernetes#94073 (jofia, 2020-08-18): two describes, the first cut at its Annotations line
    const text = [
      'Annotations:    <none>',
      'Status:         Failed',
      'Reason:         Evicted',
      'Message:        The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ',
      'IP:             ',
      'IPs:            <none>',
      'Controlled By:  ReplicaSet/ebaogi-bff-app-955968dbb',
      '',
      'Name:           ebaogi-report-app-5dbc89ff58-zqsn2',
      'Namespace:      ebaogi',
      'Priority:       0',
      'Node:           xen15-142/',
      'Start Time:     Thu, 09 Jul 2020 10:20:16 +0800',
      'Labels:         app=ebaogi-report-app',
      '                deploytime=2020-07-09-10-18-59-1594261139',
      '                pod-template-hash=5dbc89ff58',
      'Annotations:    <none>',
      'Status:         Failed',
      'Reason:         Evicted',
      'Message:        The node was low on resource: ephemeral-storage. Container ebaogi-report-app was using 108488Ki, which exceeds its request of 0.',
    ].join('\n');
    const { snapshot } = readKubectlText({ name: 'describe.txt', text }, { now: NOW });
    expect(snapshot.pods.map((p) => p.status?.reason)).toEqual(['Evicted', 'Evicted']);
    const d = diagnose(snapshot, { kind: 'Pod', name: 'ebaogi-report-app-5dbc89ff58-zqsn2' });
    expect(d.root_cause.type).toBe('evicted');
    expect(d.root_cause.summary).toContain('ebaogi-report-app was using 108488Ki');
  });
});

describe('a Warning event no rule explains', () => {
  it('is unknown with the event quoted, never "nothing to check"', () => {
    // kubernetes-sigs/nfs-subdir-external-provisioner#257 (java-software, 2022-12-30): the Events section of a describe, alone
    const text = [
      'Events:',
      '  Type     Reason                  Age                 From               Message',
      '  ----     ------                  ----                ----               -------',
      '  Normal   Scheduled               7d18h               default-scheduler  Successfully assigned a/nfs-client-provisioner-59c5f46f5-d4nds to work01',
      '  Warning  FailedCreatePodSandBox  101s                kubelet            Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "cb8a846be7902a752bae7f4cdee280111ba8f005e90b6b68c7062bd1cb68a7b4": plugin type="calico" failed (add): connection is unauthorized: Unauthorized',
      '  Normal   SandboxChanged          11s (x8 over 100s)  kubelet            Pod sandbox changed, it will be killed and re-created.',
    ].join('\n');
    const snap = buildKubectlSnapshot([{ name: 'events.txt', text }], { now: NOW });
    const d = diagnose(snap);
    expect(d.root_cause.type).toBe('unknown');
    expect(d.root_cause.summary).toContain('FailedCreatePodSandBox');
    expect(d.root_cause.summary).toContain('connection is unauthorized');
    expect(d.root_cause.evidence.map((e) => e.path)).toEqual(['Warning FailedCreatePodSandBox']);
    expect(d.root_cause.confidence).toBeLessThan(0.7);
  });
});

describe('event messages kubectl printed over several lines', () => {
  it('the mount\'s own output under a FailedMount row is its message, not container logs', () => {
    // huggingface/dataset-viewer#270 (severo, 2022-05-13): the Events section of a describe
    const text = [
      'Events:',
      '  Type     Reason       Age    From               Message',
      '  ----     ------       ----   ----               -------',
      '  Normal   Scheduled    4m44s  default-scheduler  Successfully assigned datasets-server/datasets-server-prod-api-6658dfb778-t5kh5 to ip-10-0-30-134.ec2.internal',
      '  Warning  FailedMount  102s   kubelet            MountVolume.SetUp failed for volume "nfs" : mount failed: exit status 32',
      'Mounting command: mount',
      'Mounting arguments: -t nfs svm-0adb40782285e2ec6.fs-0220b222fb471f3b9.fsx.us-east-1.amazonaws.com:/fsx /var/lib/kubelet/pods/5088f644-f128-4b8c-b7e3-a9058904ac8e/volumes/kubernetes.io~nfs/nfs',
      'Output: mount.nfs: Connection timed out',
      '  Warning  FailedMount  27s (x2 over 2m41s)  kubelet  Unable to attach or mount volumes: unmounted volumes=[nfs], unattached volumes=[nfs kube-api-access-rhbw9]: timed out waiting for the condition',
    ].join('\n');
    const { snapshot, account } = readKubectlText({ name: 'describe-events.txt', text }, { now: NOW });
    expect(account.recognized_as).toEqual(['events (describe Events section)']);
    expect(snapshot.logs).toEqual([]);
    expect(snapshot.events.map((e) => e.involvedObject?.name)).toEqual(Array(3).fill('datasets-server-prod-api-6658dfb778-t5kh5'));
    const d = diagnoseAll(snapshot)[0]!;
    expect(d.root_cause.type).toBe('volume_mount_failure');
    expect(d.root_cause.summary).toContain('volume nfs cannot be mounted: mount.nfs: Connection timed out');
  });

  it('a row pasted without its header keeps the lines of its message', () => {
    // kubernetes-retired/external-storage#1216 (Tehacz, 2019-08-29), IP and path anonymised by the author
    const text = [
      'Warning  FailedMount  5m42s  kubelet, k8s-worker-01  MountVolume.SetUp failed for volume "export-volume" : mount failed: exit status 32',
      'Mounting command: systemd-run',
      'Mounting arguments: --description=Kubernetes transient mount for /var/lib/kubelet/pods/9a2e33cb-eb10-4d3c-bbc5-8cc533fe6d44/volumes/kubernetes.io~nfs/export-volume --scope -- mount -t nfs IP/path /var/lib/kubelet/pods/9a2e33cb-eb10-4d3c-bbc5-8cc533fe6d44/volumes/kubernetes.io~nfs/export-volume',
      'Output: Running scope as unit run-20707.scope.',
      'mount.nfs: access denied by server while mounting IP/Path',
    ].join('\n');
    const { snapshot } = readKubectlText({ name: 'events.txt', text }, { now: NOW });
    expect(snapshot.logs).toEqual([]);
    const d = diagnoseAll(snapshot)[0]!;
    expect(d.root_cause.type).toBe('volume_mount_failure');
    expect(d.root_cause.summary).toContain('mount.nfs: access denied by server while mounting IP/Path');
  });
});

describe('what a get pods row does not show is not quoted', () => {
  it('an OOMKilled or Error row has no exit code: none is said or given as evidence', () => {
    const snap = buildKubectlSnapshot(files('h-pranay-s14-gauntlet-database-url-missing', 'get-pods.txt'), { now: NOW });
    const oom = diagnose(snap, { kind: 'Pod', name: 'fail-5-oomkilled-pod' });
    expect(oom.root_cause.type).toBe('oom_killed');
    expect(oom.root_cause.summary).not.toMatch(/exit code/);
    expect(oom.root_cause.evidence.map((e) => e.path)).not.toContainEqual(expect.stringMatching(/exitCode$/));
    expect(diagnose(snap, { kind: 'Pod', name: 'fail-1-crashloop-pod' }).root_cause.summary).not.toMatch(/exit code/);
  });
});
