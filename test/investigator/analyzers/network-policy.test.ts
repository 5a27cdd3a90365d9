import type { V1NetworkPolicy, V1NetworkPolicySpec, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isolationOf } from '../../../src/investigator/cluster/network-policy.js';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';

/**
 * NetworkPolicy semantics (networking.k8s.io/v1; kubernetes.io/docs/concepts/services-networking/network-policies)
 * evaluated on the evidence, and a dependency timeout traced to the policy that drops it.
 */
const pod = (name: string, labels: Record<string, string>, namespace = 'shop'): V1Pod => ({ metadata: { name, namespace, labels } });
const policy = (name: string, spec: V1NetworkPolicySpec, namespace = 'shop'): V1NetworkPolicy => ({ metadata: { name, namespace }, spec });
const api = pod('api-1', { app: 'api' });
const db = pod('postgres-0', { app: 'postgres' });

describe('which policies drop a connection', () => {
  it('a pod no policy selects is not isolated; an empty podSelector selects every pod of the namespace', () => {
    const denyAll = policy('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    expect(isolationOf([], api, 'egress', db, 5432)).toBeUndefined();
    expect(isolationOf([denyAll], api, 'egress', db, 5432)).toMatchObject({ direction: 'egress', policies: [denyAll] });
    // the same policy in another namespace does not select it
    expect(isolationOf([policy('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] }, 'other')], api, 'egress', db, 5432)).toBeUndefined();
  });

  it('rules admit by peer and port; policies add up', () => {
    const onlyBackend = policy('postgres-from-backend', { podSelector: { matchLabels: { app: 'postgres' } }, policyTypes: ['Ingress'], ingress: [{ _from: [{ podSelector: { matchLabels: { app: 'backend' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }] });
    expect(isolationOf([onlyBackend], db, 'ingress', api, 5432)?.policies).toEqual([onlyBackend]);
    const alsoApi = policy('postgres-from-api', { podSelector: { matchLabels: { app: 'postgres' } }, ingress: [{ _from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] });
    expect(isolationOf([onlyBackend, alsoApi], db, 'ingress', api, 5432)).toBeUndefined();
    // a rule for another port does not admit this one; an endPort range does
    const otherPort = policy('egress-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(isolationOf([otherPort], api, 'egress', db, 5432)).toBeDefined();
    expect(isolationOf([policy('range', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 5000, endPort: 6000 }] }] })], api, 'egress', db, 5432)).toBeUndefined();
  });

  it('what the evidence cannot judge counts as admitting: namespace selectors, ipBlocks, named ports', () => {
    const byNamespace = policy('from-ns', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ _from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }] }] });
    expect(isolationOf([byNamespace], db, 'ingress', api, 5432)).toBeUndefined();
    const named = policy('named', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'postgres' }] }] });
    expect(isolationOf([named], db, 'ingress', api, 5432)).toBeUndefined();
  });

  it('policyTypes defaults to Ingress, and to Egress too when egress rules are given', () => {
    expect(isolationOf([policy('p', { podSelector: {} })], api, 'egress', db, 5432)).toBeUndefined();
    expect(isolationOf([policy('p', { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] })], api, 'egress', db, 5432)).toBeDefined();
  });
});

const objects = (policyYaml: string) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: api-6d8f9-k2x7q, namespace: shop, labels: {app: api}}
  spec: {containers: [{name: api, image: shop/api:1.4}]}
  status: {phase: Running, conditions: [{type: Ready, status: "False"}], containerStatuses: [{name: api, ready: false, restartCount: 3, image: shop/api:1.4, imageID: "", state: {running: {startedAt: "2025-03-14T10:30:00Z"}}}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: postgres-0, namespace: shop, labels: {app: postgres}}
  spec: {containers: [{name: postgres, image: postgres:16}]}
  status: {phase: Running, podIP: 10.244.1.9, conditions: [{type: Ready, status: "True"}], containerStatuses: [{name: postgres, ready: true, restartCount: 0, image: postgres:16, imageID: "", state: {running: {startedAt: "2025-03-14T10:00:00Z"}}}]}
- apiVersion: v1
  kind: Service
  metadata: {name: postgres, namespace: shop}
  spec: {selector: {app: postgres}, ports: [{port: 5432, targetPort: 5432}]}
- apiVersion: v1
  kind: Endpoints
  metadata: {name: postgres, namespace: shop}
  subsets: [{addresses: [{ip: 10.244.1.9, targetRef: {kind: Pod, name: postgres-0}}], ports: [{port: 5432}]}]
${policyYaml}`;

const FROM_BACKEND = `- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: postgres-from-backend, namespace: shop}
  spec:
    podSelector: {matchLabels: {app: postgres}}
    policyTypes: [Ingress]
    ingress:
    - from: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: 5432, protocol: TCP}]
`;

/** libpq 14+ and Node's net errors, as the api pod logs them. */
const TIMEOUT = 'psql: error: connection to server at "postgres" (10.96.14.3), port 5432 failed: Connection timed out';
const REFUSED = 'Error: connect ECONNREFUSED 10.96.14.3:5432 postgres:5432';

const diagnoseApi = (policyYaml: string, line: string) =>
  diagnose(buildKubectlSnapshot([{ name: 'objects.yaml', text: objects(policyYaml) }, { name: 'api-6d8f9-k2x7q.log', text: `${line}\n${line}\n` }], { now: new Date('2025-03-14T10:45:00Z') }), { kind: 'Pod', name: 'api-6d8f9-k2x7q', namespace: 'shop' });

describe('a dependency timeout traced to the NetworkPolicy that drops it', () => {
  it('the database\'s pods admit only the backend: the policy is the root cause, the timeout what it explains', () => {
    const d = diagnoseApi(FROM_BACKEND, TIMEOUT);
    expect(d.root_cause.type).toBe('network_policy_blocked');
    expect(d.root_cause.summary).toContain('postgres-from-backend');
    expect(d.root_cause.summary).toContain('postgres:5432');
    expect(d.remediation.verification).toContain('kubectl -n shop describe networkpolicy postgres-from-backend');
  });

  it('a policy that admits the api pod is no cause; without policies the service is checked as before', () => {
    expect(diagnoseApi(FROM_BACKEND.replace('app: backend', 'app: api'), TIMEOUT).root_cause.type).toBe('dependency_unreachable');
    expect(diagnoseApi('', TIMEOUT).root_cause.summary).toContain('check its port and network policies');
  });

  it('a refused connection is answered by a listener, never dropped by a policy', () => {
    expect(diagnoseApi(FROM_BACKEND, REFUSED).root_cause.type).not.toBe('network_policy_blocked');
  });
});
