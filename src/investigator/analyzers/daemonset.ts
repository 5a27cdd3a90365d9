import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import { failedCreate, replicaShortfall } from './workload-status.js';

/** DaemonSet: pods it cannot create, scheduled pods that are not ready. */
export const daemonSetAnalyzer: Analyzer = {
  kind: 'DaemonSet',
  analyze: (ctx) =>
    ctx.scope.daemonSets.flatMap((ds) => {
      const ref = refOf(ds, 'DaemonSet');
      const out: AnalyzerFinding[] = [];
      const created = failedCreate(ref, ctx.cluster.eventsFor('DaemonSet', ref.namespace, ref.name), `daemonset/${ref.name}`);
      if (created) out.push(created);
      const short = replicaShortfall(ref, ds.status?.desiredNumberScheduled ?? 0, ds.status?.numberReady ?? 0, 'status.numberReady/status.desiredNumberScheduled');
      if (short) out.push(short);
      return out;
    }),
};
