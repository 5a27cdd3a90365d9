import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/', import.meta.url));
const fixture = (name: string) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') });
const NOW = new Date('2025-03-14T10:45:00Z');

describe('kubectl describe pod', () => {
  const { account, snapshot } = readKubectlText(fixture('describe-pod-multi-container.txt'), { now: NOW });
  const pod = snapshot.pods[0] as V1Pod;

  it('is recognized by content and yields one pod with metadata and owner', () => {
    expect(account.recognized_as).toEqual(['kubectl describe']);
    expect(snapshot.pods).toHaveLength(1);
    expect(pod.metadata).toMatchObject({
      name: 'checkout-6f7d8c9b5-wz4kp',
      namespace: 'shop',
      labels: { app: 'checkout', 'pod-template-hash': '6f7d8c9b5', version: 'v4.2.0' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-03-14T09:58:10Z', 'prometheus.io/scrape': 'true' },
    });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'checkout-6f7d8c9b5', apiVersion: 'apps/v1', controller: true });
    expect(pod.spec?.nodeName).toBe('node-2');
    expect(pod.status).toMatchObject({ phase: 'Running', hostIP: '10.0.1.12', podIP: '10.244.2.77', qosClass: 'Burstable' });
    expect(pod.status?.startTime).toEqual(new Date('2025-03-14T09:58:12Z'));
  });

  it('parses every container: state, last state, exit code, restarts, readiness', () => {
    const [checkout, envoy] = pod.status!.containerStatuses!;
    expect(checkout).toMatchObject({ name: 'checkout', ready: false, restartCount: 9, image: 'registry.example.com/checkout:v4.2.0' });
    expect(checkout!.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(checkout!.lastState?.terminated).toMatchObject({ reason: 'Error', exitCode: 2 });
    expect(checkout!.lastState?.terminated?.finishedAt).toEqual(new Date('2025-03-14T10:40:02Z'));
    expect(envoy).toMatchObject({ name: 'envoy', ready: true, restartCount: 0 });
    expect(envoy!.state?.running?.startedAt).toEqual(new Date('2025-03-14T09:58:21Z'));
    const init = pod.status!.initContainerStatuses![0]!;
    expect(init).toMatchObject({ name: 'migrate', ready: true, restartCount: 0 });
    expect(init.state?.terminated).toMatchObject({ reason: 'Completed', exitCode: 0 });
  });

  it('parses the container specs: image, ports, args, resources, probes, env references, mounts', () => {
    const [checkout, envoy] = pod.spec!.containers;
    expect(checkout).toMatchObject({
      name: 'checkout',
      image: 'registry.example.com/checkout:v4.2.0',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      args: ['--config=/etc/checkout/config.yaml', '--log-format=json'],
      resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
      volumeMounts: [
        { mountPath: '/etc/checkout', name: 'config', readOnly: true },
        { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-7xq2m', readOnly: true },
      ],
    });
    const env = Object.fromEntries((checkout!.env ?? []).map((e) => [e.name, e]));
    expect(env.LOG_LEVEL?.value).toBe('info');
    expect(env.PAYMENT_API_URL?.valueFrom?.configMapKeyRef).toMatchObject({ name: 'checkout-config', key: 'payment-url', optional: false });
    expect(env.POD_NAME?.valueFrom?.fieldRef).toMatchObject({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    expect(envoy!.ports).toEqual([{ containerPort: 9901, protocol: 'TCP' }, { containerPort: 15001, protocol: 'TCP' }]);
    expect(envoy!.env).toEqual([]);
    const init = pod.spec!.initContainers![0]!;
    expect(init.command).toEqual(['/app/migrate', 'up']);
    expect(init.env?.[0]?.valueFrom?.secretKeyRef).toMatchObject({ name: 'checkout-db', key: 'url', optional: false });
  });

  it('parses conditions, volumes, node selectors and tolerations', () => {
    expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=False', 'ContainersReady=False', 'PodScheduled=True',
    ]);
    expect(pod.spec?.volumes?.[0]).toMatchObject({ name: 'config', configMap: { name: 'checkout-config' } });
    expect(pod.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('turns the Events table into events of the pod, with counts and times from the Age column', () => {
    expect(snapshot.events).toHaveLength(2);
    const backoff = snapshot.events.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({
      type: 'Warning', count: 182, source: { component: 'kubelet' },
      involvedObject: { kind: 'Pod', name: 'checkout-6f7d8c9b5-wz4kp', namespace: 'shop' },
    });
    expect(backoff.message).toMatch(/^Back-off restarting failed container checkout in pod checkout-6f7d8c9b5-wz4kp_shop\(/);
    expect(backoff.lastTimestamp).toEqual(new Date('2025-03-14T10:42:57Z'));
    expect(backoff.firstTimestamp).toEqual(new Date('2025-03-14T10:04:00Z'));
  });

  it('masks secret-looking env values when collected through a source', async () => {
    const { createKubectlSource } = await import('../../../src/investigator/sources/kubectl-source.js');
    const masked = await createKubectlSource([fixture('describe-pod-multi-container.txt')], { now: NOW }).collect({});
    const env = masked.pods[0]!.spec!.containers[0]!.env!.find((e) => e.name === 'STRIPE_SECRET_KEY');
    expect(env?.value).toBe('[REDACTED:key]');
  });
});

describe('kubectl describe pod of a Job with restartPolicy Never', () => {
  const { snapshot } = readKubectlText(fixture('describe-pod-job-never.txt'), { now: NOW });
  const pod = snapshot.pods[0]!;

  it('keeps the failed phase, the terminated container and the Job owner', () => {
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'db-migrate-29032410', apiVersion: 'batch/v1' });
    const s = pod.status!.containerStatuses![0]!;
    expect(s).toMatchObject({ name: 'migrate', restartCount: 0, ready: false });
    expect(s.state?.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(pod.spec?.containers[0]?.command).toEqual(['python', '-m', 'migrate']);
    expect(pod.metadata?.labels?.['job-name']).toBe('db-migrate-29032410');
    expect(pod.spec?.nodeSelector).toBeUndefined();
    expect(snapshot.events).toEqual([]);
  });
});
