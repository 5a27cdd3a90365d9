import type { DescribeNode } from './describe-tree.js';
import { child, childValue, parseDescribeTree, splitDescribeDocuments } from './describe-tree.js';
import { cutEvents, describeEvents } from './describe-events.js';
import { describeNode } from './describe-node.js';
import { describePod } from './describe-pod.js';
import { describeService } from './describe-service.js';
import { describePersistentVolumeClaim } from './describe-storage.js';
import { describeDeployment, describeJob, describeReplicaSet } from './describe-workloads.js';
import { present } from './describe-values.js';

/**
 * `kubectl describe <kind> …` text (one or several objects) → wire JSON objects plus the events
 * of their Events tables. The kind is recognized from the fields printed, since describe output
 * does not name it.
 */
type Raw = Record<string, unknown>;

export type DescribedKind = 'Pod' | 'Deployment' | 'ReplicaSet' | 'Job' | 'Node' | 'PersistentVolumeClaim' | 'Service';

const has = (root: DescribeNode, ...keys: string[]) => keys.every((k) => child(root, k) !== undefined);

export function describedKind(root: DescribeNode): DescribedKind | undefined {
  const replicas = childValue(root, 'Replicas') ?? '';
  if (has(root, 'StrategyType') || /\d+ desired \|/.test(replicas)) return 'Deployment';
  if (/\d+ current \/ \d+ desired/.test(replicas) || has(root, 'Pods Status')) return 'ReplicaSet';
  if (has(root, 'Pods Statuses') || has(root, 'Completions', 'Parallelism')) return 'Job';
  if (has(root, 'Containers') && !has(root, 'Pod Template')) return 'Pod';
  if (has(root, 'Roles') || has(root, 'System Info') || has(root, 'Allocatable')) return 'Node';
  if (has(root, 'StorageClass', 'Access Modes') || has(root, 'StorageClass', 'VolumeMode')) return 'PersistentVolumeClaim';
  if (has(root, 'Type') && (has(root, 'Endpoints') || has(root, 'IP Families') || has(root, 'Session Affinity') || has(root, 'Port'))) return 'Service';
  return undefined;
}

const API_VERSION: Record<DescribedKind, string> = {
  Pod: 'v1', Deployment: 'apps/v1', ReplicaSet: 'apps/v1', Job: 'batch/v1', Node: 'v1', PersistentVolumeClaim: 'v1', Service: 'v1',
};

export interface DescribeResult {
  objects: Raw[];
  /** Documents whose kind was not recognized (their first line). */
  unrecognized: string[];
}

export function parseDescribe(text: string, now: Date = new Date()): DescribeResult {
  const result: DescribeResult = { objects: [], unrecognized: [] };
  for (const doc of splitDescribeDocuments(text)) {
    const { body, eventLines } = cutEvents(doc);
    const root = parseDescribeTree(body);
    const kind = describedKind(root);
    const name = childValue(root, 'Name');
    if (kind === undefined || name === undefined) {
      result.unrecognized.push(doc.split('\n').find((l) => l.trim() !== '') ?? '');
      continue;
    }
    const namespace = kind === 'Node' ? undefined : present(childValue(root, 'Namespace'));
    const events = describeEvents(eventLines, { kind, name, namespace, apiVersion: API_VERSION[kind] }, now);
    switch (kind) {
      case 'Pod': result.objects.push(describePod(root)); break;
      case 'Deployment': result.objects.push(describeDeployment(root)); break;
      case 'ReplicaSet': result.objects.push(describeReplicaSet(root)); break;
      case 'Job': result.objects.push(describeJob(root, events)); break;
      case 'Node': result.objects.push(describeNode(root)); break;
      case 'PersistentVolumeClaim': result.objects.push(describePersistentVolumeClaim(root)); break;
      case 'Service': result.objects.push(...describeService(root)); break;
    }
    result.objects.push(...events);
  }
  return result;
}

/** Describe text starts with `Name:` and continues with more `Key:` lines. */
export function looksLikeDescribe(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 6);
  return /^Name:\s+\S/.test(lines[0] ?? '') && lines.slice(1).filter((l) => /^[A-Z][\w -]*:(\s|$)/.test(l)).length >= 2;
}
