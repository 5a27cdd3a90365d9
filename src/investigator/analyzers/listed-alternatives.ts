import type { RemediationFacts } from '../remediation/catalog.js';
import { editDistance } from '../cluster/name-match.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';

// Objects every namespace has, never the one a workload meant.
const SYSTEM = /^(?:kube-root-ca\.crt|istio-ca-root-cert|openshift-service-ca\.crt|default-token-\w+)$/;

/**
 * A missing ConfigMap or Secret beside a listing of the ones that exist (`kubectl get cm` pasted
 * with the events): the names that do exist, the closest first — the reference is usually a
 * typo or an old name of one of them. Empty when the evidence lists none.
 */
export function listedAlternatives(snapshot: ClusterSnapshot, facts: RemediationFacts): string {
  const kind = facts.configMap !== undefined && facts.key === undefined ? 'configmap' : facts.secret !== undefined && facts.key === undefined ? 'secret' : undefined;
  if (!kind) return '';
  const missing = (kind === 'configmap' ? facts.configMap : facts.secret)!;
  const listed = (kind === 'configmap' ? snapshot.configMaps : snapshot.secrets).map((o) => o.metadata.name);
  const names = [...new Set(listed)].filter((n) => n !== missing && !SYSTEM.test(n));
  if (names.length === 0 || listed.includes(missing)) return '';
  if (names.length === 1) return `; the only ${kind} the evidence lists is ${names[0]}`;
  const ranked = names.sort((a, b) => editDistance(missing, a) - editDistance(missing, b) || a.localeCompare(b)).slice(0, 5);
  return `; the ${kind}s the evidence lists are ${ranked.join(', ')} (closest: ${ranked[0]})`;
}
