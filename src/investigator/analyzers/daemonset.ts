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
function uncoveredNodes(ctx: AnalysisContext, ds: V1DaemonSet, widest: number): AnalyzerFinding | undefined {
  if (Object.keys(ds.spec?.template?.spec?.nodeSelector ?? {}).length > 0) return undefined;
  const desired = ds.status?.desiredNumberScheduled;
  if (desired === undefined) return undefined;
  const nodes = ctx.snapshot.nodes.length;
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
  analyze: (ctx) => {
    // The DaemonSet that covers the most nodes (another one than the one judged, when it is the widest).
    const desired = ctx.snapshot.daemonSets.map((o) => o.status?.desiredNumberScheduled ?? 0).sort((a, b) => b - a);
    return ctx.scope.daemonSets.flatMap((ds) => {
      const ref = refOf(ds, 'DaemonSet');
      const out: AnalyzerFinding[] = [];
      const created = failedCreate(ref, ctx.cluster.eventsFor('DaemonSet', ref.namespace, ref.name), `daemonset/${ref.name}`);
      if (created) out.push(created);
      const short = replicaShortfall(ref, ds.status?.desiredNumberScheduled ?? 0, ds.status?.numberReady ?? 0, 'status.numberReady/status.desiredNumberScheduled');
      if (short) out.push(short);
      const mine = ds.status?.desiredNumberScheduled ?? 0;
      const widest = desired[0] === mine ? (desired[1] ?? 0) : (desired[0] ?? 0);
      const uncovered = out.length === 0 ? uncoveredNodes(ctx, ds, widest) : undefined;
      if (uncovered) out.push(uncovered);
      return out;
    });
  },
};
