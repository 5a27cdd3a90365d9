import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseAll } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { BACKEND_ENDPOINTS } from '../../../src/investigator/sources/kubectl-text/describe-ingress.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';

/**
 * `kubectl describe` of the kinds besides pods, as the real kubectl 1.32 printed them from the
 * loopback API server (test/fixtures/evidence/kubectl-1.32, written by its generate.ts from
 * scenario.ts): each is read into the cluster model, nothing of it left as log lines or skipped.
 */
const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/kubectl-1.32/', import.meta.url));
const NOW = new Date('2026-12-05T13:00:00Z');
const text = (name: string) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') });
const read = (name: string) => {
  const r = readKubectlText(text(name), { now: NOW });
  expect(r.account.skipped, name).toBeUndefined();
  expect(r.logs, name).toEqual([]);
  expect(r.account.recognized_as, name).toEqual(['kubectl describe']);
  return r.snapshot;
};

describe('kubectl describe of other kinds (kubectl 1.32)', () => {
  it('networkpolicy: the empty pod selector, isolation without rules, and a rule with its port and namespace selector', () => {
    const [deny, web] = read('describe-networkpolicy.txt').networkPolicies;
    expect(deny?.metadata).toMatchObject({ name: 'default-deny', namespace: 'shop' });
    expect(deny?.spec).toEqual({ podSelector: {}, ingress: [], egress: [], policyTypes: ['Ingress', 'Egress'] });
    expect(web?.spec).toEqual({
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } } }] }],
      policyTypes: ['Ingress'],
    });
  });

  it('endpoints: each subset\'s addresses and ports, so only the empty one reads as a service without endpoints', () => {
    const s = read('describe-endpoints.txt');
    expect(s.endpoints.map((e) => [e.metadata?.name, e.subsets])).toEqual([
      ['orders', []],
      ['payments', [{ addresses: [{ ip: '10.244.1.7' }], ports: [{ port: 9090, protocol: 'TCP' }] }]],
      ['web', [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]],
    ]);
    const answers = diagnoseAll(buildKubectlSnapshot([text('describe-endpoints.txt')], { now: NOW }));
    expect(answers.filter((d) => d.root_cause.type === 'service_no_endpoints').map((d) => d.target.name)).toEqual(['orders']);
  });

  it('namespace: its resource quotas with what is used of each', () => {
    const s = read('describe-namespace.txt');
    expect(s.namespaces).toContain('shop');
    expect(s.resourceQuotas).toHaveLength(1);
    expect(s.resourceQuotas[0]).toMatchObject({ metadata: { name: 'compute-quota', namespace: 'shop' }, status: { hard: { 'limits.memory': '4Gi', pods: '10' }, used: { 'limits.memory': '3584Mi', pods: '7' } } });
  });

  it('resourcequota: the table printed at the margin', () => {
    expect(read('describe-resourcequota.txt').resourceQuotas[0]?.status?.used).toEqual({ 'limits.memory': '3584Mi', pods: '7', 'requests.cpu': '1500m' });
  });

  it('configmap: its keys (never its values), the values printed at the margin staying out of the logs', () => {
    const [cm] = read('describe-configmap.txt').configMaps;
    expect(cm).toMatchObject({ metadata: { name: 'web-config', namespace: 'shop' }, keys: ['LOG_LEVEL', 'app.yaml'] });
    expect(JSON.stringify(cm)).not.toContain('info');
  });

  it('secret: its type and keys (describe prints sizes, never values), and not taken for a configmap', () => {
    const s = read('describe-secret.txt');
    expect(s.configMaps).toEqual([]);
    expect(s.secrets).toEqual([{ metadata: { name: 'db-credentials', namespace: 'shop' }, type: 'Opaque', keys: ['username'] }]);
  });

  it('pv: a Released volume and the claim it was bound to (not read as a claim)', () => {
    const s = read('describe-pv.txt');
    expect(s.persistentVolumeClaims).toEqual([]);
    expect(s.persistentVolumes[0]).toMatchObject({
      metadata: { name: 'pv-orders-data' },
      spec: { storageClassName: 'fast', persistentVolumeReclaimPolicy: 'Retain', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, claimRef: { namespace: 'shop', name: 'data-orders-0' } },
      status: { phase: 'Released' },
    });
  });

  it('storageclass: its provisioner, binding mode and whether it is the default', () => {
    expect(read('describe-storageclass.txt').storageClasses[0]).toMatchObject({
      metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', parameters: { type: 'gp3' },
    });
  });

  it('daemonset: its node counts, so a DaemonSet short of nodes is not taken for a healthy one', () => {
    const s = read('describe-daemonset.txt');
    expect(s.daemonSets[0]?.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0 });
    expect(s.daemonSets[0]?.spec?.template?.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  });

  it('statefulset (1.32 prints `2 desired | 2 total`): a StatefulSet, not a Deployment, with its claim templates and running pods', () => {
    const s = read('describe-statefulset.txt');
    expect(s.deployments).toEqual([]);
    expect(s.statefulSets[0]?.spec?.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '10Gi' } }, accessModes: ['ReadWriteOnce'] } }]);
    expect(s.statefulSets[0]?.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(diagnose(buildKubectlSnapshot([text('describe-statefulset.txt')], { now: NOW }), { kind: 'StatefulSet', name: 'db', namespace: 'shop' }).root_cause.type).toBe('no_issue_found');
  });

  it('ingress: rules, backends, and what kubectl found for each backend\'s endpoints', () => {
    const [ing] = read('describe-ingress.txt').ingresses;
    expect(ing?.spec?.ingressClassName).toBeUndefined();
    expect(ing?.spec?.rules).toEqual([{ host: 'shop.example.com', http: { paths: [
      { path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'storefront', port: { number: 80 } } } },
      { path: '/api', pathType: 'ImplementationSpecific', backend: { service: { name: 'web', port: { number: 80 } } } },
    ] } }]);
    expect(JSON.parse(ing?.metadata?.annotations?.[BACKEND_ENDPOINTS] ?? '{}')).toEqual({ storefront: '<error: endpoints "storefront" not found>', web: '10.244.1.5:8080' });
  });

  it('pasted one after another in one input, each is read whole (the margin headings of one never swallow the next)', () => {
    const names = ['describe-configmap.txt', 'describe-namespace.txt', 'get-quota.txt', 'describe-networkpolicy.txt', 'describe-resourcequota.txt', 'describe-pv.txt', 'describe-storageclass.txt'];
    const r = readKubectlText({ name: 'pasted.txt', text: names.map((n) => text(n).text).join('\n') }, { now: NOW });
    expect(r.account.skipped).toBeUndefined();
    expect(r.logs).toEqual([]);
    const s = r.snapshot;
    expect([s.configMaps.length, s.resourceQuotas.length, s.networkPolicies.length, s.persistentVolumes.length, s.storageClasses.length]).toEqual([1, 3, 2, 1, 1]);
  });

  it('a described default-deny policy is the cause of a timeout to a service with ready endpoints', () => {
    // Go's net/http client error (Go 1.14+ quotes the URL), as a program logs it.
    const log = { name: 'payments-5c7d9f8b6-q9w4e.log', text: 'level=error msg="request to web failed" error="Get \\"http://web.shop.svc:80/api\\": dial tcp 10.96.10.20:80: i/o timeout"\n' };
    const snapshot = buildKubectlSnapshot([text('describe-networkpolicy.txt'), text('describe-pod-payments.txt'), text('describe-service-healthy.txt'), log], { now: NOW });
    const d = diagnose(snapshot, { kind: 'Pod', name: 'payments-5c7d9f8b6-q9w4e', namespace: 'shop' });
    expect(d.root_cause.type).toBe('network_policy_blocked');
    expect(d.root_cause.summary).toContain('default-deny');
    expect(d.root_cause.summary).toContain('egress');
  });

  it('a daemonset and a cronjob whose controller cannot create pods or jobs are that quota, named', () => {
    for (const [file, target] of [['describe-daemonset.txt', { kind: 'DaemonSet', name: 'node-agent' }], ['describe-cronjob.txt', { kind: 'CronJob', name: 'nightly-export' }]] as const) {
      const d = diagnose(buildKubectlSnapshot([text(file)], { now: NOW }), { ...target, namespace: 'shop' });
      expect(d.root_cause.type, file).toBe('resource_quota_exceeded');
      expect(d.root_cause.summary, file).toContain('compute-quota');
    }
  });
});
