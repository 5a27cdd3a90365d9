import type { Diagnosis, ResourceRef } from '../../domain/diagnosis.js';

/**
 * The structured side of similarity: what an incident is about beyond its words — the resources
 * it affects, the dependency hosts it could not reach and the images it ran or failed to pull —
 * as short keys ("service/postgres", "host:postgres", "image:bitnami/redis") compared by Jaccard.
 * Pod names lose their ReplicaSet/pod hashes, hosts their port and cluster-domain suffix, images
 * their tag or digest, so the same dependency is one key wherever it appears.
 */
const POD_HASH = /-[a-z0-9]{8,10}-[a-z0-9]{5}$|-[a-z0-9]{5}$/;
const HOST_PATTERNS = [
  /dial tcp ([a-z0-9][a-z0-9.-]*[a-z0-9]):\d+/gi,
  /lookup ([a-z0-9][a-z0-9.-]*[a-z0-9])(?: on |:)/gi,
  /(?:connect(?:ion)? to|connecting to|host) "?([a-z][a-z0-9.-]*[a-z0-9])"?(?::\d+)?/gi,
  /\/\/([a-z][a-z0-9.-]*[a-z0-9])(?::\d+)?\//gi,
];
const IMAGE_PATTERN = /image "([^"\s]+)"/gi;

const resourceKey = (r: ResourceRef) => `${r.kind.toLowerCase()}/${(r.kind === 'Pod' ? r.name.replace(POD_HASH, '') : r.name).toLowerCase()}`;

export function hostKey(host: string): string | null {
  const h = host.toLowerCase().replace(/\.svc(\.cluster\.local)?\.?$/, '').split('.')[0]!;
  if (/^\d+$/.test(h) || ['localhost', 'http', 'https'].includes(h)) return null;
  return `host:${h}`;
}

export function imageKey(image: string): string {
  const noDigest = image.toLowerCase().split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return `image:${repo.replace(/^(docker\.io\/)?(library\/)?/, '')}`;
}

/** `evidence`: the raw evidence lines remembered with the diagnosis (hosts and images are found in them too). */
export function entitiesOf(d: Diagnosis, evidence: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const r of d.affected_resources) if (r.kind !== 'Namespace' && !r.name.startsWith('(')) out.add(resourceKey(r));
  const text = [d.root_cause.summary, ...d.root_cause.evidence.map((e) => e.value), ...d.findings.slice(1, 11).map((f) => f.summary), ...evidence].join('\n');
  for (const re of HOST_PATTERNS) for (const m of text.matchAll(re)) {
    const k = hostKey(m[1]!);
    if (k) out.add(k);
  }
  for (const m of text.matchAll(IMAGE_PATTERN)) out.add(imageKey(m[1]!));
  return [...out].sort().slice(0, 32);
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const sa = new Set(a);
  let both = 0;
  for (const x of new Set(b)) if (sa.has(x)) both++;
  return both / (sa.size + new Set(b).size - both);
}
