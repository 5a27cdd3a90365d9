import type { ContainerLog } from '../../../src/investigator/cluster/snapshot.js';

/**
 * What the workload controllers, the kubelet and the endpoints controller make of a stored
 * workload write, played by the loopback API server so the Reviewer's verification reads a
 * cluster that moved: the workload's pods are replaced by new ones from the new template, the
 * Endpoints of every Service selecting them list them, and the new containers have logs.
 *
 * - `converge`: the rollout completes; the new pods are Running and Ready; the Endpoints list
 *   them as ready addresses; their logs are the start-up lines of a healthy process.
 * - `stuck`: as a rolling update that cannot progress: the old pods stay, one new pod (the surge)
 *   crash-loops (Ready false, restartCount > 0) and is listed as a not-ready endpoint, the
 *   workload's status never reaches the new generation, and the new pod's log repeats the old
 *   pods' log (the failure the action was meant to fix).
 */
type Raw = Record<string, any>;
export type Settle = 'converge' | 'stuck';

export interface ClusterState {
  objects: Map<string, Raw[]>;
  logs: ContainerLog[];
}

let pods = 0;
const suffix = () => (++pods).toString(36).padStart(5, 'x').slice(-5);
const matches = (selector: Raw | undefined, labels: Raw | undefined) => !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export function settleWorkload(state: ClusterState, obj: Raw, how: Settle, healthyLine = 'listening on :8080'): void {
  if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(obj.kind)) return;
  const ns: string = obj.metadata.namespace;
  const ds = obj.kind === 'DaemonSet';
  const replicas: number = ds ? (obj.status?.desiredNumberScheduled ?? 0) : (obj.spec?.replicas ?? 1);
  const selector: Raw | undefined = obj.spec?.selector?.matchLabels;
  const all = state.objects.get('Pod') ?? [];
  const old = all.filter((p) => p.metadata?.namespace === ns && matches(selector, p.metadata?.labels));
  // A stuck rollout's new instance fails as the old ones did: it logs what they logged.
  const oldLog = (container: string) => state.logs.find((l) => !l.previous && l.container === container && old.some((p) => p.metadata.name === l.pod))?.lines;
  const template: Raw = obj.spec?.template ?? {};
  const ready = how === 'converge';
  const fresh: Raw[] = Array.from({ length: ready ? replicas : Math.min(replicas, 1) }, (_, i) => {
    const name = `${obj.metadata.name}-${ds ? '' : 'r'}${suffix()}`;
    const containers: Raw[] = template.spec?.containers ?? [];
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, uid: `00000000-0000-4000-8000-${String(pods).padStart(12, '0')}`, resourceVersion: String(6_000_000 + pods), labels: { ...(template.metadata?.labels ?? {}) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: ds ? 'DaemonSet' : obj.kind === 'StatefulSet' ? 'StatefulSet' : 'ReplicaSet', name: obj.metadata.name, uid: obj.metadata.uid, controller: true }] },
      spec: { ...(template.spec ?? {}), nodeName: `node-${(i % 3) + 1}` },
      status: {
        phase: 'Running',
        podIP: `10.244.9.${pods % 250}`,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready,
          restartCount: ready ? 0 : 3,
          state: ready ? { running: { startedAt: '2025-03-14T11:01:00Z' } } : { waiting: { reason: 'CrashLoopBackOff' } },
          ...(ready ? {} : { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-03-14T11:01:00Z', finishedAt: '2025-03-14T11:01:05Z' } } }),
        })),
      },
    };
  });
  state.objects.set('Pod', [...all.filter((p) => !ready || !old.includes(p)), ...fresh]);
  for (const p of fresh) {
    for (const c of (template.spec?.containers ?? []) as Raw[]) {
      state.logs.push({ namespace: ns, pod: p.metadata.name, container: c.name, previous: false, lines: ready ? [healthyLine] : (oldLog(c.name) ?? ['fatal: start-up failed']) });
    }
  }
  // The endpoints controller: every Service whose selector picks the new pods lists them.
  for (const svc of (state.objects.get('Service') ?? []).filter((s) => s.metadata?.namespace === ns && matches(s.spec?.selector, template.metadata?.labels))) {
    const eps = (state.objects.get('Endpoints') ?? []).find((e) => e.metadata?.namespace === ns && e.metadata?.name === svc.metadata.name);
    if (!eps) continue;
    const addresses = fresh.map((p) => ({ ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } }));
    const ports = (svc.spec?.ports ?? []).map((pt: Raw) => ({ ...(pt.name ? { name: pt.name } : {}), port: pt.targetPort ?? pt.port, protocol: pt.protocol ?? 'TCP' }));
    if (ready) eps.subsets = addresses.length ? [{ addresses, ports }] : [];
    else eps.subsets = [...(eps.subsets ?? []), { notReadyAddresses: addresses, ports }];
  }
  if (!ready) return;
  obj.status = { ...(obj.status ?? {}), observedGeneration: obj.metadata.generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, unavailableReplicas: 0 };
  if (ds) obj.status = { ...obj.status, currentNumberScheduled: replicas, updatedNumberScheduled: replicas, numberReady: replicas, numberAvailable: replicas };
  if (replicas === 0) for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas']) delete obj.status[k];
}
