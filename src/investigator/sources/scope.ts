import { KINDS } from '../cluster/kinds.js';
import type { ClusterSnapshot, EvidenceScope } from '../cluster/snapshot.js';

/**
 * Narrows a snapshot read from files (dump folder, kubectl output, demo) to a scope, as the live
 * source does by asking the API only for that namespace. Cluster-scoped objects (nodes, PVs,
 * storage classes) stay: they explain scheduling and storage problems of any namespace. The
 * target does not narrow further: analyzers need the related objects around it.
 */
export const DEFAULT_TAIL_LINES = 200;

const CLUSTER_SCOPED = new Set<keyof ClusterSnapshot>(KINDS.filter((k) => !k.namespaced).map((k) => k.collection));

interface Namespaced {
  metadata?: { namespace?: string };
}

export function applyScope(snapshot: ClusterSnapshot, scope: EvidenceScope): ClusterSnapshot {
  const tail = scope.tailLines ?? DEFAULT_TAIL_LINES;
  const ns = scope.namespace;
  const out = { ...snapshot } as ClusterSnapshot;
  if (ns !== undefined) {
    for (const key of Object.keys(snapshot) as (keyof ClusterSnapshot)[]) {
      if (key === 'source' || key === 'namespaces' || key === 'logs' || key === 'notes' || CLUSTER_SCOPED.has(key)) continue;
      // Objects parsed from text may lack a namespace: keep them rather than lose evidence.
      (out[key] as unknown[]) = (snapshot[key] as Namespaced[]).filter((o) => {
        const objectNs = o.metadata?.namespace;
        return objectNs === undefined || objectNs === '' || objectNs === ns;
      });
    }
    out.namespaces = snapshot.namespaces.filter((n) => n === ns);
    if (out.namespaces.length === 0) out.namespaces = [ns];
  }
  out.logs = snapshot.logs
    .filter((l) => ns === undefined || l.namespace === '' || l.namespace === ns)
    .map((l) => (l.lines.length > tail ? { ...l, lines: l.lines.slice(-tail) } : l));
  return out;
}
