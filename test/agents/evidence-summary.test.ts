import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceText } from '../../src/agents/analyst-prompt.js';
import { EvidenceCatalogue } from '../../src/agents/evidence-catalogue.js';
import { summarizeEvidence } from '../../src/agents/evidence-summary.js';
import type { ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';
import { diagnose } from '../../src/investigator/diagnose.js';
import { DEMO, demoSource } from '../../src/investigator/sources/demo-cluster/index.js';

/**
 * The summary is what a model reads first, so it stays small whatever the namespace holds: on the
 * reviewer's wider pass over a namespace of many healthy pods (each with its own service), it shows
 * the pods in trouble first and a bounded number of pods, services, events and log streams.
 */
const CLONES = 400;
let big: ClusterSnapshot;
const [authPod] = DEMO.authPods;

beforeAll(async () => {
  const demo = await demoSource().collect({ namespace: DEMO.namespace }, new AbortController().signal);
  const healthy = demo.pods.find((p) => p.metadata?.name === DEMO.healthyPods[0])!;
  const service = demo.services.find((s) => s.metadata?.name === 'api-gateway')!;
  const pods: V1Pod[] = [];
  const services: V1Service[] = [];
  for (let i = 0; i < CLONES; i++) {
    const pod = structuredClone(healthy);
    pod.metadata = { ...pod.metadata, name: `clone-${i}-7f9c`, labels: { app: `clone-${i}` }, ownerReferences: [] };
    const svc = structuredClone(service);
    svc.metadata = { ...svc.metadata, name: `clone-${i}` };
    const { clusterIPs: _sharedIps, ...spec } = svc.spec ?? {};
    svc.spec = { ...spec, selector: { app: `clone-${i}` }, clusterIP: `10.97.${Math.floor(i / 250)}.${i % 250}` };
    pods.push(pod);
    services.push(svc);
  }
  // Healthy pods first in the listing, as an API server may well return them.
  big = { ...demo, pods: [...pods, ...demo.pods], services: [...services, ...demo.services] };
});

describe('the evidence summary of a large namespace', () => {
  it('is bounded on the wide pass and leads with the pods in trouble', () => {
    const s = summarizeEvidence(big, { namespace: DEMO.namespace, pods: [authPod], wide: true });
    expect(s.targets).toEqual([authPod]);
    expect(s.pods.length).toBeLessThanOrEqual(20);
    expect(s.services.length).toBeLessThanOrEqual(20);
    expect(s.events.length).toBeLessThanOrEqual(25);
    expect(s.logs.length).toBeLessThanOrEqual(8);
    expect(s.counts.pods).toBe(big.pods.length);
    const shown = s.pods.map((p) => p.name);
    expect(shown[0]).toBe(authPod);
    const troubled = [...DEMO.authPods, DEMO.oomPod, DEMO.imagePullPod, DEMO.pendingPod, DEMO.missingSecretPod];
    expect(shown.slice(0, troubled.length).sort()).toEqual([...troubled].sort());
    // The service the target selects and the one its logs cannot reach, not 400 healthy ones.
    expect(s.services.map((x) => x.name)).toEqual(expect.arrayContaining(['auth-service', 'postgres']));

    const text = evidenceText(s, new EvidenceCatalogue(s, diagnose(big, { kind: 'Pod', name: authPod, namespace: DEMO.namespace }), big));
    expect(text.length).toBeLessThan(40_000);
  });

  it('the first pass stays on the target, its siblings and what they depend on', () => {
    const s = summarizeEvidence(big, { namespace: DEMO.namespace, pods: [authPod], wide: false });
    expect(s.pods.map((p) => p.name).sort()).toEqual([...DEMO.authPods].sort());
    expect(s.services.map((x) => x.name)).toEqual(expect.arrayContaining(['auth-service', 'postgres']));
    expect(s.services.filter((x) => x.name.startsWith('clone-'))).toEqual([]);
  });
});
