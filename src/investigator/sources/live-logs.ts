import type { V1Pod } from '@kubernetes/client-node';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { ClusterQuery } from '../cluster/query.js';
import type { ClusterSnapshot, ContainerLog, EvidenceScope } from '../cluster/snapshot.js';
import { mapWithConcurrency } from './bounded-concurrency.js';
import { containersToRead, isPodUnhealthy } from './pod-health.js';

/**
 * Which container logs the live source reads, and reading them a few at a time. Every pod in
 * trouble, as before; and the pods the question is about (the target pod, or the pods of the
 * target workload) even when they are Ready, because a Ready pod that logs database errors on
 * every request is a finding too. Those are bounded — a Deployment of 300 Ready pods gets a few
 * read, not 300.
 */
export const DEFAULT_TARGET_POD_LOGS = 3;

export interface LogRead {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

/** The pods the scope is about: the target pod, or the pods of the target workload or service. */
function targetPods(snapshot: ClusterSnapshot, scope: EvidenceScope): V1Pod[] {
  if (!scope.target) return [];
  const query = new ClusterQuery(snapshot);
  return query.podsOf({ kind: scope.target.kind, name: scope.target.name, ...(scope.namespace ? { namespace: scope.namespace } : {}) });
}

const podKey = (pod: V1Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

export function logsToRead(snapshot: ClusterSnapshot, scope: EvidenceScope, targetPodLimit = DEFAULT_TARGET_POD_LOGS): LogRead[] {
  const unhealthy = snapshot.pods.filter(isPodUnhealthy);
  const seen = new Set(unhealthy.map(podKey));
  const readyTargets = targetPods(snapshot, scope)
    .filter((p) => !seen.has(podKey(p)))
    .sort((a, b) => podKey(a).localeCompare(podKey(b)))
    .slice(0, Math.max(0, targetPodLimit));
  const reads = (pod: V1Pod, everyContainer: boolean) =>
    containersToRead(pod, { everyContainer }).map((r) => ({ namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '', ...r }));
  return [...unhealthy.flatMap((p) => reads(p, false)), ...readyTargets.flatMap((p) => reads(p, true))];
}

/**
 * Reads each log (at most `concurrency` at a time). A log that cannot be read is skipped: a 400
 * ("previous terminated container … not found", a container still waiting) means there is no
 * such log; anything else becomes a warning. A cancelled collection stops.
 */
export async function readLogs(
  reads: readonly LogRead[],
  readOne: (r: LogRead) => Promise<string>,
  o: { concurrency: number; warnings: string[]; signal?: AbortSignal },
): Promise<ContainerLog[]> {
  const logs = await mapWithConcurrency(reads, o.concurrency, async (r) => {
    try {
      const lines = (await readOne(r)).split('\n');
      if (lines.at(-1) === '') lines.pop();
      return { ...r, lines };
    } catch (e) {
      if (o.signal?.aborted) throw e;
      if (!(e instanceof SyntraError && (e.details as { status?: number } | undefined)?.status === 400)) o.warnings.push(errorMessage(e));
      return undefined;
    }
  });
  return logs.filter((l) => l !== undefined);
}
