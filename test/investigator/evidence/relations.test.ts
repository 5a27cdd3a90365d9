import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, demoSource } from '../../../src/investigator/evidence/demo-cluster/index.js';
import {
  endpointAddresses, eventsFor, logsOf, ownerChain, podsOfOwner, podsSelectedBy, relatedPods, selectorMatches, servicesSelecting, topOwner,
} from '../../../src/investigator/evidence/relations.js';
import { findResources, podReferences, podsForQuery, serviceForHost } from '../../../src/investigator/evidence/resource-lookup.js';
import type { ClusterSnapshot } from '../../../src/investigator/evidence/snapshot.js';

let snap: ClusterSnapshot;
const pod = (name: string) => snap.pods.find((p) => p.metadata?.name === name)!;

beforeAll(async () => {
  snap = await demoSource().collect({});
});

describe('owner chains', () => {
  it.each([
    [DEMO.authPods[0], ['ReplicaSet/auth-service-7d9f8b6c5d', 'Deployment/auth-service']],
    [DEMO.pendingPod, ['Job/analytics-batch-29032470', 'CronJob/analytics-batch']],
    ['redis-0', ['StatefulSet/redis']],
    ['log-shipper-8bq4m', ['DaemonSet/log-shipper']],
  ])('%s → %j', (name, chain) => {
    const links = ownerChain(snap, pod(name));
    expect(links.map((l) => `${l.kind}/${l.name}`)).toEqual(chain);
    expect(links.every((l) => l.object !== undefined && l.namespace === 'production')).toBe(true);
  });

  it('stops at owners missing from the snapshot but still names them', () => {
    const orphan = { metadata: { name: 'x', namespace: 'production', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone-123', uid: '', controller: true }] } };
    expect(ownerChain(snap, orphan)).toEqual([{ kind: 'ReplicaSet', name: 'gone-123', namespace: 'production' }]);
  });

  it('finds the workload, its pods and the siblings of a pod', () => {
    expect(topOwner(snap, pod(DEMO.authPods[1]))).toMatchObject({ kind: 'Deployment', name: 'auth-service' });
    expect(podsOfOwner(snap, { kind: 'Deployment', name: 'auth-service', namespace: 'production' }).map((p) => p.metadata?.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(relatedPods(snap, pod(DEMO.authPods[0])).map((p) => p.metadata?.name).sort()).toEqual([DEMO.authPods[1], DEMO.authPods[2]].sort());
    // The frontend deployment owns pods of both its ReplicaSets.
    expect(podsOfOwner(snap, { kind: 'Deployment', name: 'frontend', namespace: 'production' })).toHaveLength(4);
    // Same name in another namespace is another workload.
    expect(podsOfOwner(snap, { kind: 'Deployment', name: 'auth-service', namespace: 'staging' })).toHaveLength(1);
  });
});

describe('services, endpoints, events, logs', () => {
  it('pods behind a service, services of a pod, and endpoint counts', () => {
    const postgres = snap.services.find((s) => s.metadata?.name === 'postgres' && s.metadata.namespace === 'production')!;
    expect(podsSelectedBy(snap, postgres)).toEqual([]);
    expect(endpointAddresses(snap, postgres)).toEqual({ ready: 0, notReady: 0 });
    const auth = snap.services.find((s) => s.metadata?.name === 'auth-service' && s.metadata.namespace === 'production')!;
    expect(podsSelectedBy(snap, auth)).toHaveLength(3);
    expect(endpointAddresses(snap, auth)).toEqual({ ready: 0, notReady: 3 });
    expect(servicesSelecting(snap, pod('redis-0')).map((s) => s.metadata?.name)).toEqual(['redis']);
  });

  it('label selectors with expressions', () => {
    expect(selectorMatches({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, { app: 'a', tier: 'web' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, { tier: 'web' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, { app: 'a' })).toBe(true);
    expect(selectorMatches({}, { app: 'a' })).toBe(false);
  });

  it('events of an object, oldest first, and logs of a pod', () => {
    const events = eventsFor(snap, { kind: 'Deployment', name: 'postgres', namespace: 'production' });
    expect(events.map((e) => e.message)).toEqual(['Scaled down replica set postgres-5f8d7c9b4 to 0 from 1']);
    const podEvents = eventsFor(snap, { kind: 'Pod', name: DEMO.imagePullPod, namespace: 'production' });
    expect(podEvents[0]?.reason).toBe('Scheduled');
    expect(podEvents.map((e) => e.reason)).toContain('Failed');
    expect(logsOf(snap, { kind: 'Pod', name: DEMO.authPods[0], namespace: 'production' })).toHaveLength(2);
    expect(logsOf(snap, { kind: 'Pod', name: DEMO.authPods[0], namespace: 'production' }, { previous: true })).toHaveLength(1);
  });
});

describe('lookups by name', () => {
  it('"auth-service" finds the deployment first, then its ReplicaSets and pods, in the asked namespace', () => {
    const matches = findResources(snap, 'auth-service', { namespace: 'production' });
    expect(matches[0]).toMatchObject({ kind: 'Deployment', name: 'auth-service', namespace: 'production', score: 1 });
    expect(matches.filter((m) => m.kind === 'Pod').map((m) => m.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(matches.every((m) => m.namespace === 'production')).toBe(true);
    expect(findResources(snap, 'svc/postgres', { namespace: 'production' })).toEqual([{ kind: 'Service', name: 'postgres', namespace: 'production', score: 1 }]);
    expect(podsForQuery(snap, 'auth-service', 'production')).toHaveLength(3);
    expect(podsForQuery(snap, 'deploy/payment-worker', 'production')).toHaveLength(2);
  });

  it('maps a host from a log line to its service', () => {
    for (const host of ['postgres.production.svc.cluster.local', 'postgres.production', '10.96.112.45']) {
      expect(serviceForHost(snap, host)?.metadata).toMatchObject({ name: 'postgres', namespace: 'production' });
    }
    expect(serviceForHost(snap, 'postgres', 'staging')?.metadata?.namespace).toBe('staging');
    expect(serviceForHost(snap, 'api.stripe.com')).toBeUndefined();
  });

  it('lists the secrets, config maps and claims a pod refers to', () => {
    const refs = podReferences(pod(DEMO.missingSecretPod));
    expect(refs.secrets).toEqual([
      { name: 'smtp-credentials', key: 'username', via: 'env SMTP_USERNAME of container notification-service', optional: false },
      { name: 'smtp-credentials', key: 'password', via: 'env SMTP_PASSWORD of container notification-service', optional: false },
    ]);
    expect(snap.secrets.some((s) => s.metadata.name === 'smtp-credentials')).toBe(false);
    expect(podReferences(pod('redis-0')).claims).toEqual(['redis-data-redis-0']);
  });
});
