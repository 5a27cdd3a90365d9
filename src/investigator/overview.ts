import type { Diagnosis, ResourceRef, RootCauseType } from '../domain/diagnosis.js';
import { podStatusText } from './analyzers/pod-status.js';
import { diagnoseAll } from './diagnose.js';
import { controllerOf } from './cluster/query.js';
import type { ClusterSnapshot } from './cluster/snapshot.js';

/** The namespace overview: counts by state and the top problems, for one screen. */
export interface NamespaceOverview {
  namespace: string;
  pods: { total: number; byStatus: Record<string, number> };
  workloads: { total: number; healthy: number; unhealthy: number };
  byRootCause: Partial<Record<RootCauseType, number>>;
  topProblems: { target: ResourceRef; type: RootCauseType; summary: string; confidence: number }[];
  /** Every diagnosis, for callers that want the detail behind the counts. */
  diagnoses: Diagnosis[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod']);

export function overview(snapshot: ClusterSnapshot, namespace: string, top = 5): NamespaceOverview {
  const inNs = <T extends { metadata?: { namespace?: string } }>(items: T[]) => items.filter((o) => (o.metadata?.namespace ?? namespace) === namespace);
  const pods = inNs(snapshot.pods);
  const byStatus: Record<string, number> = {};
  for (const pod of pods) {
    const s = podStatusText(pod);
    byStatus[s] = (byStatus[s] ?? 0) + 1;
  }
  const diagnoses = diagnoseAll(snapshot, { namespace });
  const unhealthy = diagnoses.filter((d) => WORKLOAD_KINDS.has(d.target.kind)).length;
  const total =
    inNs(snapshot.deployments).length + inNs(snapshot.statefulSets).length + inNs(snapshot.daemonSets).length + inNs(snapshot.cronJobs).length +
    inNs(snapshot.jobs).filter((j) => controllerOf(j.metadata)?.kind !== 'CronJob').length +
    pods.filter((p) => !controllerOf(p.metadata)).length;
  const byRootCause: Partial<Record<RootCauseType, number>> = {};
  for (const d of diagnoses) byRootCause[d.root_cause.type] = (byRootCause[d.root_cause.type] ?? 0) + 1;
  return {
    namespace,
    pods: { total: pods.length, byStatus },
    workloads: { total, healthy: Math.max(0, total - unhealthy), unhealthy },
    byRootCause,
    topProblems: diagnoses.slice(0, top).map((d) => ({ target: d.target, type: d.root_cause.type, summary: d.root_cause.summary, confidence: d.root_cause.confidence })),
    diagnoses,
  };
}
