import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/', import.meta.url));
const parse = (name: string) => readKubectlText({ name, text: readFileSync(join(FIXTURES, name), 'utf8') }, { now: new Date('2025-03-14T10:45:00Z') });

describe('kubectl describe node', () => {
  const { snapshot } = parse('describe-node-not-ready.txt');
  const node = snapshot.nodes[0]!;

  it('parses taints with and without values', () => {
    expect(node.metadata?.name).toBe('node-4');
    expect(node.spec?.taints).toEqual([
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ]);
    expect(node.spec?.unschedulable).toBe(false);
    expect(node.metadata?.labels?.workload).toBe('gpu');
  });

  it('parses the conditions table including long messages with colons', () => {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    });
    expect(ready?.lastTransitionTime).toEqual(new Date('2025-03-14T10:21:37Z'));
    expect(node.status?.conditions?.filter((c) => c.status === 'False').map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('parses capacity, allocatable, addresses, system info and node events', () => {
    expect(node.status?.allocatable).toMatchObject({ cpu: '3920m', memory: '15052384Ki', 'nvidia.com/gpu': '1' });
    expect(node.status?.capacity?.memory).toBe('16069216Ki');
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: '10.0.2.14' });
    expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.29.3', containerRuntimeVersion: 'containerd://1.7.13' });
    expect(snapshot.events.map((e) => e.reason)).toEqual(['NodeNotReady', 'ContainerGCFailed']);
    expect(snapshot.events[0]?.involvedObject).toMatchObject({ kind: 'Node', name: 'node-4' });
    expect(snapshot.events[1]?.count).toBe(23);
  });
});

describe('kubectl describe pvc', () => {
  const { snapshot } = parse('describe-pvc-pending.txt');
  const pvc = snapshot.persistentVolumeClaims[0]!;

  it('parses the pending claim, its storage class and the provisioning failure event', () => {
    expect(pvc.metadata).toMatchObject({ name: 'data-orders-db-0', namespace: 'shop', finalizers: ['kubernetes.io/pvc-protection'] });
    expect(pvc.metadata?.annotations?.['syntra.dev/used-by']).toBe('orders-db-0');
    expect(pvc.spec).toMatchObject({ storageClassName: 'fast-ssd', volumeMode: 'Filesystem' });
    expect(pvc.spec?.volumeName).toBeUndefined();
    expect(pvc.status?.phase).toBe('Pending');
    const failed = snapshot.events.find((e) => e.reason === 'ProvisioningFailed')!;
    expect(failed.message).toBe('failed to provision volume with StorageClass "fast-ssd": rpc error: code = InvalidArgument desc = Invalid parameter value: iopsPerGB 500 exceeds the maximum of 50 for io1');
    expect(failed.count).toBe(9);
    expect(failed.source?.component).toMatch(/^ebs\.csi\.aws\.com_ebs-csi-controller-/);
    expect(failed.involvedObject).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'data-orders-db-0', namespace: 'shop' });
  });
});

describe('kubectl describe deployment, replicaset, job, service', () => {
  it('deployment: replica counters, strategy, template, conditions', () => {
    const { snapshot } = parse('describe-deployment.txt');
    const d = snapshot.deployments[0]!;
    expect(d.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'frontend' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } });
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 1, availableReplicas: 3, unavailableReplicas: 1 });
    expect(d.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }),
      expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
    ]);
    expect(d.spec?.template.spec?.containers[0]).toMatchObject({ name: 'frontend', image: 'registry.example.com/frontend:v2.3.1-typo', resources: { limits: { memory: '128Mi' } } });
    expect(d.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet).toMatchObject({ port: 'http', path: '/' });
    expect(snapshot.events[0]).toMatchObject({ reason: 'ScalingReplicaSet', involvedObject: { kind: 'Deployment', name: 'frontend', apiVersion: 'apps/v1' } });
  });

  it('replicaset: owner deployment, counters, template env references', () => {
    const { snapshot } = parse('describe-replicaset.txt');
    const rs = snapshot.replicaSets[0]!;
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'auth-service' });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(rs.spec?.selector?.matchLabels).toEqual({ app: 'auth-service', 'pod-template-hash': '7d9f8b6c5d' });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'auth-service', 'pod-template-hash': '7d9f8b6c5d' });
    expect(rs.spec?.template?.spec?.containers[0]?.env?.[1]?.valueFrom?.secretKeyRef).toMatchObject({ name: 'auth-db-credentials', key: 'password' });
  });

  it('job: counters, owner cron job, and the Failed condition from the BackoffLimitExceeded event', () => {
    const { snapshot } = parse('describe-job-failed.txt');
    const job = snapshot.jobs[0]!;
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'db-migrate', apiVersion: 'batch/v1' });
    expect(job.spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 2, completionMode: 'NonIndexed', suspend: false });
    expect(job.status).toMatchObject({ active: 0, ready: 0, succeeded: 0, failed: 3 });
    expect(job.status?.conditions?.[0]).toMatchObject({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' });
    expect(snapshot.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('service: ports, selector, and an Endpoints object without subsets for `Endpoints: <none>`', () => {
    const { snapshot } = parse('describe-service-no-endpoints.txt');
    const svc = snapshot.services[0]!;
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.112.45', selector: { app: 'postgres' }, ports: [{ name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 }] });
    expect(snapshot.endpoints).toHaveLength(1);
    expect(snapshot.endpoints[0]?.metadata?.name).toBe('postgres');
    expect(snapshot.endpoints[0]?.subsets).toBeUndefined();
  });

  it('several objects in one text (kubectl describe pods) become several objects', () => {
    const text = [readFileSync(join(FIXTURES, 'describe-pod-job-never.txt'), 'utf8'), '', readFileSync(join(FIXTURES, 'describe-pod-multi-container.txt'), 'utf8')].join('\n');
    const { snapshot } = readKubectlText({ name: 'pods.txt', text });
    expect(snapshot.pods.map((p) => p.metadata?.name)).toEqual(['db-migrate-29032410-7kq2d', 'checkout-6f7d8c9b5-wz4kp']);
  });
});
