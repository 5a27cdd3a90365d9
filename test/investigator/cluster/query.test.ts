import { beforeAll, describe, expect, it } from 'vitest';
import { KINDS, canonicalKind, kindOf, resolveKind } from '../../../src/investigator/cluster/kinds.js';
import { ClusterQuery } from '../../../src/investigator/cluster/query.js';
import { selectorMatches } from '../../../src/investigator/cluster/selectors.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../src/investigator/cluster/snapshot.js';
import { DEMO, demoSource } from '../../../src/investigator/sources/demo-cluster/index.js';

let snap: ClusterSnapshot;
let q: ClusterQuery;
const pod = (name: string) => snap.pods.find((p) => p.metadata?.name === name)!;

beforeAll(async () => {
  snap = await demoSource().collect({});
  q = new ClusterQuery(snap);
});

describe('the kind table', () => {
  it.each([
    ['deploy', 'Deployment'], ['deployments', 'Deployment'], ['deployment.apps', 'Deployment'], ['Deployment', 'Deployment'],
    ['po', 'Pod'], ['svc', 'Service'], ['sts', 'StatefulSet'], ['cj', 'CronJob'], ['pvc', 'PersistentVolumeClaim'],
    ['hpa', 'HorizontalPodAutoscaler'], ['netpol', 'NetworkPolicy'], ['ing', 'Ingress'], ['ep', 'Endpoints'], ['no', 'Node'],
  ])('%s is %s', (spelling, kind) => {
    expect(resolveKind(spelling)).toBe(kind);
  });

  it('an unknown spelling is reported, never guessed', () => {
    expect(resolveKind('widget')).toBeUndefined();
    expect(canonicalKind('Widget')).toBe('Widget');
  });

  it('every row has a collection of its own and an empty snapshot has them all', () => {
    const collections = KINDS.map((k) => k.collection);
    expect(new Set(collections).size).toBe(collections.length);
    const empty = emptySnapshot({ kind: 'dump', description: 'x', collectedAt: '2025-01-01T00:00:00Z' });
    for (const c of collections) expect(empty[c]).toEqual([]);
    expect(kindOf('rs')?.scalable).toBe(true);
    expect(kindOf('rs')?.rollout).toBeUndefined();
  });
});

describe('owner chains', () => {
  it.each([
    [DEMO.authPods[0], ['ReplicaSet/auth-service-7d9f8b6c5d', 'Deployment/auth-service']],
    [DEMO.pendingPod, ['Job/analytics-batch-29032470', 'CronJob/analytics-batch']],
    ['redis-0', ['StatefulSet/redis']],
    ['log-shipper-8bq4m', ['DaemonSet/log-shipper']],
  ])('%s → %j', (name, chain) => {
    const links = q.ownerChain(pod(name));
    expect(links.map((l) => `${l.kind}/${l.name}`)).toEqual(chain);
    expect(links.every((l) => l.object !== undefined && l.namespace === 'production')).toBe(true);
  });

  it('stops at owners missing from the snapshot but still names them', () => {
    const orphan = { metadata: { name: 'x', namespace: 'production', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone-123', uid: '', controller: true }] } };
    expect(q.ownerChain(orphan)).toEqual([{ kind: 'ReplicaSet', name: 'gone-123', namespace: 'production' }]);
  });

  it('finds the workload, its pods and the siblings of a pod', () => {
    expect(q.workloadOf({ kind: 'Pod', name: DEMO.authPods[1], namespace: 'production' })).toMatchObject({ kind: 'Deployment', name: 'auth-service' });
    expect(q.podsOf({ kind: 'Deployment', name: 'auth-service', namespace: 'production' }).map((p) => p.metadata?.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(q.siblingsOf(pod(DEMO.authPods[0])).map((p) => p.metadata?.name).sort()).toEqual([DEMO.authPods[1], DEMO.authPods[2]].sort());
    // The frontend deployment owns pods of both its ReplicaSets; a CronJob its jobs' pods.
    expect(q.podsOf({ kind: 'Deployment', name: 'frontend', namespace: 'production' })).toHaveLength(4);
    expect(q.podsOf({ kind: 'CronJob', name: 'analytics-batch', namespace: 'production' }).map((p) => p.metadata?.name)).toEqual([DEMO.pendingPod]);
    // Same name in another namespace is another workload.
    expect(q.podsOf({ kind: 'Deployment', name: 'auth-service', namespace: 'staging' })).toHaveLength(1);
  });

  it('links pods to their Deployment by the ReplicaSet name when the ReplicaSet is not in the evidence', () => {
    const partial: ClusterSnapshot = { ...snap, replicaSets: [] };
    const p = new ClusterQuery(partial);
    expect(p.workloadOf({ kind: 'Pod', name: DEMO.authPods[0], namespace: 'production' })).toMatchObject({ kind: 'Deployment', name: 'auth-service' });
    expect(p.podsOf({ kind: 'Deployment', name: 'auth-service', namespace: 'production' })).toHaveLength(3);
  });
});

describe('services, endpoints, events, logs', () => {
  it('pods behind a service, services of a pod, and endpoint counts', () => {
    const postgres = q.get('Service', 'production', 'postgres')!;
    expect(q.podsSelectedBy(postgres)).toEqual([]);
    expect(q.endpointAddresses(postgres)).toEqual({ ready: 0, notReady: 0 });
    const auth = q.get('Service', 'production', 'auth-service')!;
    expect(q.podsSelectedBy(auth)).toHaveLength(3);
    expect(q.endpointAddresses(auth)).toEqual({ ready: 0, notReady: 3 });
    expect(q.servicesSelecting(pod('redis-0')).map((s) => s.metadata?.name)).toEqual(['redis']);
  });

  it('label selectors with expressions', () => {
    expect(selectorMatches({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, { app: 'a', tier: 'web' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, { tier: 'web' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, { app: 'a' })).toBe(true);
    expect(selectorMatches({}, { app: 'a' })).toBe(false);
  });

  it('events of an object, oldest first, and logs of a pod', () => {
    expect(q.eventsFor('deploy', 'production', 'postgres').map((e) => e.message)).toEqual(['Scaled down replica set postgres-5f8d7c9b4 to 0 from 1']);
    const podEvents = q.eventsFor('Pod', 'production', DEMO.imagePullPod);
    expect(podEvents[0]?.reason).toBe('Scheduled');
    expect(podEvents.map((e) => e.reason)).toContain('Failed');
    expect(q.logsOfPod('production', DEMO.authPods[0])).toHaveLength(2);
    expect(q.logsFor('production', DEMO.authPods[0], 'auth-service', true)?.previous).toBe(true);
  });
});

describe('lookups by name', () => {
  it('"auth-service" finds the deployment first, then its ReplicaSets and pods, in the asked namespace', () => {
    const matches = q.search('auth-service', { namespace: 'production' });
    expect(matches[0]).toMatchObject({ kind: 'Deployment', name: 'auth-service', namespace: 'production', score: 1 });
    expect(matches.filter((m) => m.kind === 'Pod').map((m) => m.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(matches.every((m) => m.namespace === 'production')).toBe(true);
    expect(q.search('svc/postgres', { namespace: 'production' })).toEqual([{ kind: 'Service', name: 'postgres', namespace: 'production', score: 1 }]);
  });

  it('a name without a namespace finds the object only when the name is unique', () => {
    expect(q.get('Pod', undefined, 'redis-0')?.metadata?.namespace).toBe('production');
    expect(q.get('Deployment', undefined, 'auth-service')).toBeUndefined();
    expect(q.namespacesHolding('deploy', 'auth-service')).toEqual(['production', 'staging']);
  });

  it('closest names for a mistyped one, best tier only', () => {
    expect(q.closestNames('Deployment', 'auth-servce', 'production')).toEqual(['auth-service']);
    expect(q.closestNames('Deployment', 'payments-api', 'production')).not.toContain('auth-service');
  });

  it('maps a host from a log line to its service', () => {
    for (const host of ['postgres.production.svc.cluster.local', 'postgres.production', '10.96.112.45']) {
      expect(q.serviceForHost(host, undefined)?.metadata).toMatchObject({ name: 'postgres', namespace: 'production' });
    }
    expect(q.serviceForHost('postgres', 'staging')?.metadata?.namespace).toBe('staging');
    expect(q.serviceForHost('api.stripe.com', undefined)).toBeUndefined();
  });
});
