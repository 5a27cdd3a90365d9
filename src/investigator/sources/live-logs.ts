import type { V1Pod } from '@kubernetes/client-node';
import { SyntraError, errorMessage } from '../../domain/errors.js';
import { ClusterQuery } from '../cluster/query.js';
import type { ClusterSnapshot, ContainerLog, EvidenceScope } from '../cluster/snapshot.js';
import { mapWithConcurrency } from './bounded-concurrency.js';
import { containersToRead, isPodUnhealthy } from './pod-health.js';

/**
 * Which container logs the live source reads. The pods in trouble, and the pods the question is
 * about even when they are Ready (a Ready pod that logs database errors on every request is a
 * finding too) — both bounded, because a bad rollout can leave hundreds of crash-looping pods
 * whose logs all say the same thing: the pods of one owner (a ReplicaSet, a StatefulSet, a Job)
 * are sampled, `perOwner` of each, target pods first, and `maxPods` in all. What was left unread
 * is reported, so the answer can say so.
 */
export interface LogReadLimits {
  /** Ready pods of the target whose logs are read too (default 3). */
  targetPodLogs: number;
  /** Unhealthy pods read per owner (default 3: siblings fail alike, and three settle a disagreement). */
  perOwner: number;
  /** Pods whose logs are read in all (default 40). */
  maxPods: number;
}

export const DEFAULT_LOG_READ_LIMITS: LogReadLimits = { targetPodLogs: 3, perOwner: 3, maxPods: 40 };

export interface LogRead {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
}

export interface LogReadPlan {
  reads: LogRead[];
  /** Unhealthy pods whose logs were not read, by owner ("ReplicaSet api-7d9f" or the pod itself). */
  skipped: Map<string, number>;
}

/** The pods the scope is about: the target pod, or the pods of the target workload or service. */
function targetPods(snapshot: ClusterSnapshot, scope: EvidenceScope): V1Pod[] {
  if (!scope.target) return [];
  const query = new ClusterQuery(snapshot);
  return query.podsOf({ kind: scope.target.kind, name: scope.target.name, ...(scope.namespace ? { namespace: scope.namespace } : {}) });
}

const podKey = (pod: V1Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

function ownerOf(pod: V1Pod): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  return owner ? `${owner.kind} ${pod.metadata?.namespace ?? ''}/${owner.name}` : `Pod ${podKey(pod)}`;
}

export function logsToRead(snapshot: ClusterSnapshot, scope: EvidenceScope, limits: LogReadLimits = DEFAULT_LOG_READ_LIMITS): LogReadPlan {
  const targets = targetPods(snapshot, scope);
  const isTarget = new Set(targets.map(podKey));
  const byName = (a: V1Pod, b: V1Pod) => podKey(a).localeCompare(podKey(b));
  const unhealthy = snapshot.pods.filter(isPodUnhealthy).sort((a, b) => Number(isTarget.has(podKey(b))) - Number(isTarget.has(podKey(a))) || byName(a, b));
  const readPerOwner = new Map<string, number>();
  const skipped = new Map<string, number>();
  const chosen: V1Pod[] = [];
  for (const pod of unhealthy) {
    const owner = ownerOf(pod);
    const n = readPerOwner.get(owner) ?? 0;
    // The pod the question names is always read.
    const named = scope.target?.kind.toLowerCase() === 'pod' && pod.metadata?.name === scope.target.name;
    if (named || (n < limits.perOwner && chosen.length < limits.maxPods)) {
      chosen.push(pod);
      readPerOwner.set(owner, n + 1);
    } else skipped.set(owner, (skipped.get(owner) ?? 0) + 1);
  }
  const seen = new Set(unhealthy.map(podKey));
  const readyTargets = targets
    .filter((p) => !seen.has(podKey(p)))
    .sort(byName)
    .slice(0, Math.max(0, limits.targetPodLogs));
  const reads = (pod: V1Pod, everyContainer: boolean) =>
    containersToRead(pod, { everyContainer }).map((r) => ({ namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '', ...r }));
  return { reads: [...chosen.flatMap((p) => reads(p, false)), ...readyTargets.flatMap((p) => reads(p, true))], skipped };
}

/** One warning line for what was left unread, largest owners first. */
export function skippedLogsWarning(plan: LogReadPlan, limits: LogReadLimits): string | undefined {
  const total = [...plan.skipped.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const owners = [...plan.skipped].sort((a, b) => b[1] - a[1]);
  const shown = owners.slice(0, 3).map(([o, n]) => `${o}: ${n}`).join(', ');
  return `logs of ${total} more unhealthy pod${total === 1 ? '' : 's'} not read (${limits.perOwner} per owner, ${limits.maxPods} in all; ${shown}${owners.length > 3 ? ', …' : ''})`;
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
