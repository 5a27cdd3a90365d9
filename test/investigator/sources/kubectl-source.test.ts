import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildKubectlSnapshot, createKubectlSource } from '../../../src/investigator/sources/kubectl-source.js';
import { readKubectlText } from '../../../src/investigator/sources/kubectl-text/read-text.js';
import { parseLogTarget } from '../../../src/investigator/sources/kubectl-text/container-logs.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/', import.meta.url));
const text = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const input = (name: string) => ({ name, text: text(name) });
const NOW = new Date('2025-03-14T10:45:00Z');

describe('recognition by content, part by part', () => {
  it.each([
    ['describe-pod-multi-container.txt', ['kubectl describe']],
    ['describe-node-not-ready.txt', ['kubectl describe']],
    ['describe-service-no-endpoints.txt', ['kubectl describe']],
    ['get-pods.json', ['JSON']],
    ['get-postgres.yaml', ['YAML']],
    ['events.txt', ['kubectl get table']],
    ['events-all-namespaces.txt', ['kubectl get table']],
    ['auth-service.log', ['log lines']],
  ])('%s → %j', (file, forms) => {
    expect(readKubectlText(input(file)).account.recognized_as).toEqual(forms);
  });

  it.each([
    ['', []],
    ['Name: not really\nsomething else', ['log lines']],
    // one JSON record per line with a logger's keys is a structured log, not JSON to read values from
    ['{"level":"info","msg":"started"}\n{"level":"error","msg":"boom"}\n', ['log lines']],
    ['{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}\n', ['JSON']],
    ['2025-03-14 10:00:00 INFO kind: of a log line\n', ['log lines']],
    ['---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n', ['YAML']],
  ])('%j → %j', (t, forms) => {
    expect(readKubectlText({ name: 'x', text: t }).account.recognized_as).toEqual(forms);
  });
});

describe('kubectl get -o json / -o yaml', () => {
  it('reads a List of pods with kinds on the items', () => {
    const { snapshot } = readKubectlText(input('get-pods.json'));
    expect(snapshot.pods.map((p) => p.metadata?.name)).toEqual(['auth-service-7d9f8b6c5d-x2k4p', 'payment-worker-6c8b9d7f5-h7j2k']);
    expect(snapshot.pods[1]?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe('OOMKilled');
    expect(snapshot.namespaces).toEqual(['production']);
  });

  it('reads several YAML documents of different kinds', () => {
    const { snapshot } = readKubectlText(input('get-postgres.yaml'));
    expect(snapshot.deployments[0]?.spec?.replicas).toBe(0);
    expect(snapshot.services[0]?.spec?.clusterIP).toBe('10.96.112.45');
    expect(snapshot.endpoints[0]?.metadata?.name).toBe('postgres');
    expect(snapshot.endpoints[0]?.subsets).toBeUndefined();
    expect(snapshot.deployments[0]?.metadata?.creationTimestamp).toEqual(new Date('2024-11-14T10:45:00Z'));
  });

  it('keeps broken JSON as text instead of aborting, and says so', () => {
    const { snapshot, account } = readKubectlText({ name: 'bad.json', text: '{"kind": "Pod", ' });
    expect(snapshot.pods).toHaveLength(0);
    expect(account.objects).toBe(0);
    expect(account.recognized_as).toEqual(['log lines']);
  });

  it('reads cluster-info dump printed to stdout: JSON documents, then logs per container', () => {
    const dump = [
      JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'node-1' } }] }, null, 4),
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'app' }] } }] }, null, 4),
      '==== START logs for container app of pod ns/p ====',
      'hello',
      '==== END logs for container app of pod ns/p ====',
      '',
    ].join('\n');
    const { account, snapshot, logs } = readKubectlText({ name: '-', text: dump });
    expect(account.recognized_as).toEqual(['kubectl cluster-info dump']);
    expect(logs).toHaveLength(1);
    expect(snapshot.nodes).toHaveLength(1);
    expect(snapshot.pods[0]?.metadata?.name).toBe('p');
    expect(buildKubectlSnapshot([{ name: '-', text: dump }]).logs).toEqual([{ namespace: 'ns', pod: 'p', container: 'app', previous: false, lines: ['hello'] }]);
  });
});

describe('kubectl get events table', () => {
  it('reads the table without a NAMESPACE column (namespace from the caller)', () => {
    const { snapshot } = readKubectlText(input('events.txt'), { now: NOW, defaultNamespace: 'production' });
    expect(snapshot.events).toHaveLength(5);
    const backoff = snapshot.events.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Pod', name: 'auth-service-7d9f8b6c5d-x2k4p', namespace: 'production' } });
    expect(backoff.lastTimestamp).toEqual(new Date('2025-03-14T10:44:48Z'));
    const scaled = snapshot.events.find((e) => e.reason === 'ScalingReplicaSet')!;
    expect(scaled.involvedObject).toMatchObject({ kind: 'Deployment', name: 'postgres', apiVersion: 'apps/v1' });
    expect(scaled.message).toBe('Scaled down replica set postgres-5f8d7c9b4 to 0 from 1');
  });

  it('reads the -A table with a NAMESPACE column, counts, and grouped resources', () => {
    const { snapshot } = readKubectlText(input('events-all-namespaces.txt'), { now: NOW });
    expect(snapshot.events.map((e) => e.metadata?.namespace)).toEqual(['production', 'production', 'production', 'kube-system', 'staging']);
    const failed = snapshot.events.find((e) => e.reason === 'Failed')!;
    expect(failed.message).toBe('Error: secret "smtp-credentials" not found');
    expect(failed.count).toBe(161);
    expect(failed.firstTimestamp).toEqual(new Date('2025-03-14T10:10:00Z'));
    expect(snapshot.events.find((e) => e.reason === 'SuccessfulCreate')?.involvedObject).toMatchObject({ kind: 'Job', name: 'report-29032475' });
    expect(snapshot.events.find((e) => e.reason === 'NodeNotReady')?.involvedObject).toMatchObject({ kind: 'Node', name: 'node-4' });
  });
});

describe('container logs and merging several inputs into one snapshot', () => {
  it('parses --logs targets', () => {
    expect(parseLogTarget('auth-service-7d9f8b6c5d-x2k4p')).toEqual({ pod: 'auth-service-7d9f8b6c5d-x2k4p' });
    expect(parseLogTarget('p/sidecar@previous')).toEqual({ pod: 'p', container: 'sidecar', previous: true });
    expect(parseLogTarget('prod/p/app')).toEqual({ namespace: 'prod', pod: 'p', container: 'app' });
  });

  it('merges a JSON pod, an events table and a log file; the log goes to the pod in trouble', () => {
    const snap = buildKubectlSnapshot([input('get-pods.json'), input('events.txt')], {
      now: NOW, defaultNamespace: 'production',
      logs: [{ ...input('auth-service.log'), target: { pod: 'auth-service-7d9f8b6c5d-x2k4p', previous: true } }],
    });
    expect(snap.source.kind).toBe('kubectl');
    expect(snap.pods).toHaveLength(2);
    expect(snap.events).toHaveLength(5);
    expect(snap.logs).toHaveLength(1);
    expect(snap.logs[0]).toMatchObject({ namespace: 'production', pod: 'auth-service-7d9f8b6c5d-x2k4p', container: 'auth-service', previous: true });
    expect(snap.logs[0]?.lines[0]).toMatch(/^2025-03-14T10:42:31\.800412366Z /);
  });

  it('assigns a bare log input (stdin) to the only pod of the other inputs', () => {
    const snap = buildKubectlSnapshot([input('describe-pod-job-never.txt'), { name: '-', text: 'Traceback (most recent call last):\npsycopg2.OperationalError: could not connect\n' }]);
    expect(snap.logs).toEqual([{ namespace: 'shop', pod: 'db-migrate-29032410-7kq2d', container: 'migrate', previous: false, lines: ['Traceback (most recent call last):', 'psycopg2.OperationalError: could not connect'] }]);
  });

  it('merges the same pod seen as describe text and as JSON into one object', () => {
    const describe = text('describe-pod-multi-container.txt');
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'checkout-6f7d8c9b5-wz4kp', namespace: 'shop', uid: 'abc' }, spec: { restartPolicy: 'Always', containers: [{ name: 'checkout', image: 'registry.example.com/checkout:v4.2.0', terminationMessagePolicy: 'File' }] } });
    const snap = buildKubectlSnapshot([{ name: 'd.txt', text: describe }, { name: 'p.json', text: json }], { now: NOW });
    expect(snap.pods).toHaveLength(1);
    const pod = snap.pods[0]!;
    expect(pod.metadata?.uid).toBe('abc');
    expect(pod.spec?.restartPolicy).toBe('Always');
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['checkout', 'envoy']);
    expect(pod.spec?.containers[0]?.terminationMessagePolicy).toBe('File');
    expect(pod.spec?.containers[0]?.resources?.limits?.memory).toBe('512Mi');
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(9);
  });

  it('masks secrets in logs collected through the source; redact:false keeps them locally', async () => {
    const inputs = [input('get-pods.json')];
    const logs = [{ ...input('auth-service.log'), target: { pod: 'auth-service-7d9f8b6c5d-x2k4p' } }];
    const masked = await createKubectlSource(inputs, { logs }).collect({ namespace: 'production' });
    expect(masked.logs[0]?.lines[1]).toContain('postgres://auth_svc:[REDACTED:password]@postgres.production.svc.cluster.local:5432/auth');
    const raw = await createKubectlSource(inputs, { logs, redact: false }).collect({});
    expect(raw.logs[0]?.lines[1]).toContain('auth_svc:pr0d-Auth-DB-9f2c@');
  });

  it('lists describe output of a kind it does not read as skipped, with the reason, and reads the rest', async () => {
    const role = 'Name:         my-role\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n';
    const source = createKubectlSource([{ name: 'role.txt', text: role }, input('describe-pod-job-never.txt')]);
    expect(await source.check()).toMatchObject({ ok: true });
    const snap = await source.collect({});
    expect(snap.pods.map((p) => p.metadata?.name)).toEqual(['db-migrate-29032410-7kq2d']);
    const [roleInput, podInput] = snap.source.inputs ?? [];
    expect(roleInput).toMatchObject({ source: 'role.txt', objects: 0, skipped: [{ lines: '1-4', reason: expect.stringMatching(/describe output of a kind Syntra does not read \(Name:\s+my-role\)/) }] });
    expect(podInput).toMatchObject({ source: 'describe-pod-job-never.txt', recognized_as: ['kubectl describe'] });
  });
});
