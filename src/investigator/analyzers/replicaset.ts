import { refOf } from '../cluster/query.js';
import type { Analyzer } from './analyzer.js';

import { failedCreate } from './workload-status.js';

/** ReplicaSet: a current ReplicaSet (replicas > 0) whose controller cannot create pods. */
export const replicaSetAnalyzer: Analyzer = {
  kind: 'ReplicaSet',
  analyze: (ctx) =>
    ctx.scope.replicaSets.flatMap((rs) => {
      if ((rs.spec?.replicas ?? 0) === 0 || (rs.status?.replicas ?? 0) >= (rs.spec?.replicas ?? 0)) return [];
      const ref = refOf(rs, 'ReplicaSet');
      const top = ctx.cluster.workloadOf(ref);
      const f = failedCreate(ref, ctx.cluster.eventsFor('ReplicaSet', ref.namespace, ref.name), `${top.kind.toLowerCase()}/${top.name}`);
      return f ? [f] : [];
    }),
};
