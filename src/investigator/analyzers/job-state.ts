import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { controllerOf, type ClusterQuery } from '../cluster/query.js';
import { millis } from './time.js';

/**
 * Failures that no longer matter (k8sgpt flags these): a Job that succeeded after retries, or a
 * CronJob's failed run followed by a newer successful one.
 */
export const jobCondition = (job: V1Job, type: 'Complete' | 'Failed' | 'Suspended'): boolean =>
  job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

const startedAt = (job: V1Job): number => millis(job.status?.startTime) || millis(job.metadata?.creationTimestamp);

export function isSupersededBySuccess(index: ClusterQuery, job: V1Job): boolean {
  const owner = controllerOf(job.metadata);
  if (owner?.kind !== 'CronJob') return false;
  const mine = startedAt(job);
  return index.ownedBy<V1Job>('CronJob', job.metadata?.namespace, owner.name).some((j) => j !== job && jobCondition(j, 'Complete') && startedAt(j) > mine);
}

export function isJobSettled(index: ClusterQuery, job: V1Job): boolean {
  return jobCondition(job, 'Complete') || isSupersededBySuccess(index, job);
}

/** A failed pod of a Job that completed anyway (or was superseded) is history, not a problem. */
export function isPodOfSettledJob(index: ClusterQuery, pod: V1Pod): boolean {
  const owner = controllerOf(pod.metadata);
  if (owner?.kind !== 'Job') return false;
  const job = index.get('Job', pod.metadata?.namespace, owner.name);
  return job !== undefined && isJobSettled(index, job);
}
