import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RootCauseType } from '../../../src/domain/diagnosis.js';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';

/**
 * `kubectl get` tables of every kind, `get all`, several kinds in one command, `-o wide`,
 * `--show-labels`, and the STATUS strings printPod computes from the kubelet's rarer reasons, as the
 * real kubectl 1.32 printed them from the loopback API server (test/fixtures/evidence/kubectl-1.32),
 * and the answers they lead to, alone or beside a describe.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/kubectl-1.32/', import.meta.url));
const NOW = new Date('2026-12-05T13:00:00Z');
const input = (name: string) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') });
const snapshotOf = (...names: string[]) => buildKubectlSnapshot(names.map(input), { now: NOW, defaultNamespace: 'shop' });
const answer = (target: { kind: string; name: string }, ...names: string[]) => diagnose(snapshotOf(...names), { ...target, namespace: 'shop' });

describe('kubectl get tables of the other kinds', () => {
  it('every table is read whole: nothing skipped, nothing left as log lines', () => {
    for (const name of ['get-all.txt', 'get-pods-svc-deploy.txt', 'get-deploy-wide.txt', 'get-svc-wide.txt', 'get-rs.txt', 'get-ds.txt', 'get-jobs.txt', 'get-cronjobs.txt', 'get-ingress.txt', 'get-endpoints.txt', 'get-quota.txt', 'get-cm.txt', 'get-pv.txt', 'get-sc.txt', 'get-pods-show-labels.txt', 'get-pods-unusual-status.txt']) {
      const r = readKubectlText(input(name), { now: NOW });
      expect(r.account.skipped, name).toBeUndefined();
      expect(r.logs, name).toEqual([]);
      expect(r.account.objects, name).toBeGreaterThan(0);
    }
  });

  it('get all and get pods,svc,deploy: one table per kind, each object under its kind', () => {
    const s = snapshotOf('get-all.txt');
    expect([s.pods.length, s.services.length, s.deployments.length, s.replicaSets.length, s.daemonSets.length, s.jobs.length, s.cronJobs.length]).toEqual([15, 3, 2, 2, 1, 2, 1]);
    const three = snapshotOf('get-pods-svc-deploy.txt');
    expect([three.pods.length, three.services.length, three.deployments.length]).toEqual([15, 3, 2]);
  });

  it('-o wide and --show-labels: selectors, images, node selectors and labels are kept', () => {
    const s = snapshotOf('get-svc-wide.txt', 'get-deploy-wide.txt', 'get-pods-show-labels.txt', 'get-ds.txt');
    expect(s.services.find((x) => x.metadata?.name === 'orders')?.spec?.selector).toEqual({ app: 'orders-api' });
    expect(s.deployments.find((x) => x.metadata?.name === 'checkout')?.spec).toMatchObject({ selector: { matchLabels: { app: 'checkout' } }, template: { spec: { containers: [{ name: 'checkout', image: 'registry.example.com/shop/app:1.4.2' }] } } });
    expect(s.pods.find((x) => x.metadata?.name === 'web-6d8f7c9b5-x2k4p')?.metadata?.labels).toEqual({ app: 'web' });
    expect(s.daemonSets[0]?.spec?.template?.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  it('jobs (STATUS), cronjobs (schedule), quotas (used/hard), volumes (claim, phase) and endpoints', () => {
    const s = snapshotOf('get-jobs.txt', 'get-cronjobs.txt', 'get-quota.txt', 'get-pv.txt', 'get-endpoints.txt');
    expect(s.jobs.map((j) => j.status?.conditions?.[0]?.type)).toEqual(['Failed', 'Failed']);
    expect(s.cronJobs[0]?.spec).toMatchObject({ schedule: '0 2 * * *', suspend: false });
    expect(s.resourceQuotas[0]?.status).toEqual({ hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' }, used: { pods: '7', 'requests.cpu': '1500m', 'limits.memory': '3584Mi' } });
    expect(s.persistentVolumes[0]).toMatchObject({ spec: { persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'shop', name: 'data-orders-0' }, accessModes: ['ReadWriteOnce'] }, status: { phase: 'Released' } });
    expect(s.endpoints.find((e) => e.metadata?.name === 'orders')?.subsets).toEqual([]);
  });

  it('a cronjob row is never an "invalid schedule", and a failed job row is a failed job', () => {
    expect(answer({ kind: 'CronJob', name: 'nightly-export' }, 'get-cronjobs.txt').root_cause.type).not.toBe('missing_configuration');
    const job = answer({ kind: 'Job', name: 'report-backoff' }, 'get-jobs.txt');
    expect(job.root_cause.type).toBe('job_failed');
    expect(job.root_cause.summary).not.toContain('0 failed pod(s)');
  });
});

describe('the STATUS column: every kubelet reason printPod can show', () => {
  const cases: [string, RootCauseType, string][] = [
    ['inspect-5d9c7-p8q2r', 'image_pull_error', 'ImageInspectError'],
    ['hooked-6f7d8-k2m4n', 'unknown', 'PostStartHookError'],
    ['exit2-7b8c9-x7y8z', 'unknown', 'exit code 2'],
    ['killed-8c9d1-a1b2c', 'unknown', 'signal 9'],
    ['migrate-3a4b5-m9n0p', 'init_container_failure', 'exit code 2'],
    ['gated-2f3a4-j7k8l', 'unknown', 'scheduling gates'],
  ];
  for (const [pod, type, words] of cases) {
    it(`${pod}: ${words}`, () => {
      const d = answer({ kind: 'Pod', name: pod }, 'get-pods-unusual-status.txt');
      expect(d.root_cause.type).toBe(type);
      expect(`${d.root_cause.summary} ${JSON.stringify(d.root_cause.evidence)}`).toContain(words);
      expect(d.root_cause.type).not.toBe('no_issue_found');
    });
  }

  it('the reasons the get table never hid before: a pod in any of them is not healthy', () => {
    const s = snapshotOf('get-pods-unusual-status.txt');
    const unhealthy = ['inspect-5d9c7-p8q2r', 'hooked-6f7d8-k2m4n', 'exit2-7b8c9-x7y8z', 'killed-8c9d1-a1b2c', 'migrate-3a4b5-m9n0p', 'gated-2f3a4-j7k8l'];
    for (const name of unhealthy) expect(s.pods.find((p) => p.metadata?.name === name)?.status?.conditions?.[0]?.status, name).toBe('False');
  });
});

describe('what the other kinds\' output explains, alone or beside what it points at', () => {
  it('a service whose selector matches no pod: get svc -o wide beside get pods --show-labels', () => {
    const d = answer({ kind: 'Service', name: 'orders' }, 'get-svc-wide.txt', 'get-pods-show-labels.txt');
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(d.root_cause.summary).toContain('app=orders-api');
  });

  it('a service row without its selector or endpoints is never "no issue"', () => {
    const d = answer({ kind: 'Service', name: 'orders' }, 'get-pods-svc-deploy.txt');
    expect(d.root_cause.type).toBe('unknown');
    expect(d.root_cause.confidence).toBeLessThan(0.5);
  });

  it('get deploy,svc,ing -o yaml without pods: a service whose workload reports ready pods is not "no endpoints"; one nothing selects stays below 0.7', () => {
    const s = snapshotOf('get-deploy-svc-ing.yaml');
    expect(diagnose(s, { kind: 'Service', name: 'web', namespace: 'shop' }).root_cause.type).not.toBe('service_no_endpoints');
    const orders = diagnose(s, { kind: 'Service', name: 'orders', namespace: 'shop' });
    expect(orders.root_cause.type).toBe('service_no_endpoints');
    expect(orders.root_cause.confidence).toBeLessThan(0.7);
    expect(diagnose(s, { kind: 'Ingress', name: 'storefront', namespace: 'shop' }).root_cause.summary).toContain('storefront, which does not exist');
  });

  it('a targetPort no container of the selected pods declares: describe svc beside describe pod', () => {
    const d = answer({ kind: 'Service', name: 'payments' }, 'describe-service-target-port.txt', 'describe-pod-payments.txt');
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(d.root_cause.summary).toMatch(/targetPort 9090.*8080/);
    // The service alone says nothing against its port.
    expect(answer({ kind: 'Service', name: 'payments' }, 'describe-service-target-port.txt').root_cause.type).not.toBe('service_no_endpoints');
  });

  it('a pod whose configmap is missing, beside the configmaps that exist: the missing one named, the listed ones offered', () => {
    const d = answer({ kind: 'Pod', name: 'worker-7c6d5-q2w3e' }, 'describe-pod-missing-refs.txt', 'get-cm.txt');
    expect(d.root_cause.type).toBe('container_config_error');
    expect(d.root_cause.summary).toContain('worker-config');
    expect(d.root_cause.summary).toContain('web-config');
  });

  it('a claim without a class that cannot bind: alone the controller\'s message, beside get pv the Released volume still reserved for it', () => {
    expect(answer({ kind: 'PersistentVolumeClaim', name: 'reports-data' }, 'describe-pvc-pending.txt').root_cause.summary).not.toContain('pv-reports');
    const d = answer({ kind: 'PersistentVolumeClaim', name: 'reports-data' }, 'describe-pvc-pending.txt', 'get-pv.txt');
    expect(d.root_cause.type).toBe('pvc_provisioning_failure');
    expect(d.root_cause.summary).toMatch(/pv-reports, is Released and still reserved for shop\/reports-data/);
    // A volume of a class with a provisioner is never blamed: that class provisions a new one.
    expect(d.root_cause.summary).not.toContain('pv-orders-data');
  });

  it('an ingress whose backend service kubectl found no endpoints for', () => {
    const d = answer({ kind: 'Ingress', name: 'storefront' }, 'describe-ingress.txt');
    expect(d.root_cause.type).toBe('service_no_endpoints');
    expect(d.root_cause.summary).toContain('storefront');
    expect(d.root_cause.summary).toContain('endpoints "storefront" not found');
  });

  it('a deployment past its progress deadline whose ReplicaSet cannot create pods: the quota, named', () => {
    const alone = answer({ kind: 'Deployment', name: 'checkout' }, 'describe-deployment-progress-deadline.txt');
    expect(alone.root_cause.type).toBe('rollout_stuck');
    expect(alone.root_cause.summary).toContain('ReplicaFailure: FailedCreate');
    const d = answer({ kind: 'Deployment', name: 'checkout' }, 'describe-deployment-progress-deadline.txt', 'describe-replicaset-failed-create.txt');
    expect(d.root_cause.type).toBe('resource_quota_exceeded');
    expect(d.root_cause.summary).toContain('compute-quota');
  });
});

describe('older table layouts (the column names of printers.go before 1.12: kubernetes/kubernetes@008dafe)', () => {
  const table = (...lines: string[]) => readKubectlText({ name: 'old.txt', text: lines.join('\n') }, { now: NOW, defaultNamespace: 'shop' }).snapshot;

  it('jobs: DESIRED and SUCCESSFUL', () => {
    const s = table('NAME             DESIRED   SUCCESSFUL   AGE', 'nightly-report   1         0            3h');
    expect(s.jobs[0]).toMatchObject({ metadata: { name: 'nightly-report' }, spec: { completions: 1 }, status: { succeeded: 0 } });
  });

  it('storage classes: NAME PROVISIONER AGE, the default marked after the name', () => {
    const s = table('NAME                 PROVISIONER            AGE', 'standard (default)   kubernetes.io/gce-pd   40d');
    expect(s.storageClasses[0]).toMatchObject({ metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'kubernetes.io/gce-pd' });
  });

  it('horizontal pod autoscalers: REFERENCE TARGETS MINPODS MAXPODS REPLICAS', () => {
    const s = table('NAME   REFERENCE        TARGETS           MINPODS   MAXPODS   REPLICAS   AGE', 'web    Deployment/web   <unknown> / 80%   1         5         1          2m');
    expect(s.horizontalPodAutoscalers[0]?.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5 });
  });
});
