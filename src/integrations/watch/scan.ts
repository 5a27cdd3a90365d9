import type { EvidenceSource } from '../../investigator/sources/index.js';
import type { WatchProblem } from './watcher.js';

/**
 * One scan: collect the scope (the live source lists every kind in pages — `limit` per request,
 * following `continue` — and reads logs only of unhealthy pods) and diagnose every unhealthy
 * workload with the rules. No model is asked here; the investigation the alert starts does that.
 */
export async function scanCluster(source: EvidenceSource, namespace: string | undefined, signal?: AbortSignal): Promise<WatchProblem[]> {
  const { diagnoseAll } = await import('../../investigator/diagnose.js');
  const scope = namespace ? { namespace } : {};
  const snapshot = await source.collect(scope, signal);
  return diagnoseAll(snapshot, scope)
    .filter((d) => d.root_cause.type !== 'no_issue_found')
    .map((d) => ({ namespace: d.target.namespace ?? null, kind: d.target.kind, name: d.target.name, rootCause: d.root_cause.type, summary: d.root_cause.summary }));
}
