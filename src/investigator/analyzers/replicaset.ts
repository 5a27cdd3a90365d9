import { refOf } from '../cluster/query.js';
import type { Analyzer } from './analyzer.js';

import { failedCreate, replicaShortfall } from './workload-status.js';

/**
 * ReplicaSet: a current ReplicaSet (replicas > 0) whose controller cannot create pods. Without the
 * FailedCreate event that says why, the missing pods are still a symptom, never "no issue".
 */
export const replicaSetAnalyzer: Analyzer = {
  kind: 'ReplicaSet',
  analyze: (ctx) =>
    ctx.scope.replicaSets.flatMap((rs) => {
      if ((rs.spec?.replicas ?? 0) === 0 || (rs.status?.replicas ?? 0) >= (rs.spec?.replicas ?? 0)) return [];
      const ref = refOf(rs, 'ReplicaSet');
      const top = ctx.cluster.workloadOf(ref);
      const f = failedCreate(ref, ctx.cluster.eventsFor('ReplicaSet', ref.namespace, ref.name), `${top.kind.toLowerCase()}/${top.name}`);
      const shortfall = f ? undefined : replicaShortfall(ref, rs.spec?.replicas ?? 0, rs.status?.readyReplicas ?? 0, 'status.readyReplicas');
      return f ? [f] : shortfall ? [shortfall] : [];
    }),
};
