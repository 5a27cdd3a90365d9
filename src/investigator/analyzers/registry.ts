import type { Analyzer } from './analyzer.js';
import { cronJobAnalyzer } from './cronjob.js';
import { daemonSetAnalyzer } from './daemonset.js';
import { deploymentAnalyzer } from './deployment.js';
import { hpaAnalyzer } from './hpa.js';
import { ingressAnalyzer } from './ingress.js';
import { jobAnalyzer } from './job.js';
import { nodeAnalyzer } from './node.js';
import { podAnalyzer } from './pod.js';
import { pvcAnalyzer } from './pvc.js';
import { replicaSetAnalyzer } from './replicaset.js';
import { resourceQuotaAnalyzer } from './resource-quota.js';
import { serviceAnalyzer } from './service.js';
import { statefulSetAnalyzer } from './statefulset.js';
import type { AnalyzerFinding } from './analyzer.js';
import { analyzeLogs } from './logs.js';
import { analyzeMessages, withReasons } from './messages.js';
import type { AnalysisContext } from './context.js';

/** The one map of analyzers, by the kind they look at. */
export const ANALYZERS: Readonly<Record<string, Analyzer>> = Object.freeze({
  Pod: podAnalyzer,
  Deployment: deploymentAnalyzer,
  ReplicaSet: replicaSetAnalyzer,
  StatefulSet: statefulSetAnalyzer,
  DaemonSet: daemonSetAnalyzer,
  Job: jobAnalyzer,
  CronJob: cronJobAnalyzer,
  Service: serviceAnalyzer,
  Ingress: ingressAnalyzer,
  PersistentVolumeClaim: pvcAnalyzer,
  Node: nodeAnalyzer,
  HorizontalPodAutoscaler: hpaAnalyzer,
  ResourceQuota: resourceQuotaAnalyzer,
});

/**
 * Runs every registered analyzer (or the named kinds) over the context; then, over everything,
 * what Kubernetes said in messages (the reason an object's state lacks, and what no object showed)
 * and what the logs say where no object state explains them.
 */
export function runAnalyzers(ctx: AnalysisContext, kinds?: readonly string[]): AnalyzerFinding[] {
  const selected = kinds ? kinds.map((k) => ANALYZERS[k]).filter((a): a is Analyzer => a !== undefined) : Object.values(ANALYZERS);
  const found = selected.flatMap((a) => a.analyze(ctx));
  if (kinds) return found;
  const objects = withReasons(ctx, found);
  const heard = [...objects, ...analyzeMessages(ctx, objects)];
  return [...heard, ...analyzeLogs(ctx, heard)];
}
