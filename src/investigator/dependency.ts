import type { V1Service } from '@kubernetes/client-node';
import { SnapshotIndex } from './analyzers/snapshot-index.js';

/**
 * Resolves a host a workload failed to reach to a Service in the snapshot, the way cluster DNS
 * would: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`, or the service's cluster IP.
 */
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

export function resolveServiceHost(index: SnapshotIndex, host: string, fromNamespace: string | undefined): V1Service | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (IPV4.test(h) || h.includes(':')) return index.serviceWithClusterIP(h);
  const parts = h.split('.');
  const [name, ns, svcLabel, ...rest] = parts;
  if (!name) return undefined;
  if (parts.length === 1) return SnapshotIndex.find(index.services, fromNamespace, name);
  if (svcLabel !== undefined && svcLabel !== 'svc') return undefined;
  if (rest.length > 0 && rest.join('.') !== 'cluster.local') return undefined;
  return SnapshotIndex.find(index.services, ns, name);
}
