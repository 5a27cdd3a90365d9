import type { V1DaemonSet } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { failedCreate, replicaShortfall } from './workload-status.js';

/**
 * DaemonSet: pods it cannot create, scheduled pods that are not ready, and nodes it does not
 * cover: a DaemonSet without a node selector that wants fewer pods than another one covering
 * every node is kept off the rest by taints it does not tolerate (or node affinity).
 */
function uncoveredNodes(ctx: AnalysisContext, ds: V1DaemonSet): AnalyzerFinding | undefined {
  if (Object.keys(ds.spec?.template?.spec?.nodeSelector ?? {}).length > 0) return undefined;
  const desired = ds.status?.desiredNumberScheduled;
  if (desired === undefined) return undefined;
  const nodes = ctx.snapshot.nodes.length;
  const widest = ctx.snapshot.daemonSets.filter((o) => o !== ds).reduce((max, o) => Math.max(max, o.status?.desiredNumberScheduled ?? 0), 0);
  const total = Math.max(nodes, widest);
  if (total <= desired) return undefined;
  const ref = refOf(ds, 'DaemonSet');
  const basis = nodes >= widest ? `the cluster has ${nodes} nodes` : `another DaemonSet runs on ${widest} nodes`;
  return makeFinding({
    type: 'unschedulable_taint',
    subject: ref,
    summary: `DaemonSet ${ref.name} wants pods on only ${desired} nodes while ${basis}: ${total - desired} node(s) are excluded, most likely by taints its pods do not tolerate (it has no node selector).`,
    confidence: 0.6,
    evidence: [fieldEvidence(ref, 'status.desiredNumberScheduled', desired)],
    facts: { workload: `daemonset/${ref.name}` },
  });
}

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
      const uncovered = out.length === 0 ? uncoveredNodes(ctx, ds) : undefined;
      if (uncovered) out.push(uncovered);
      return out;
    }),
};
