import type { RemediationFacts } from '../remediation/catalog.js';
import { editDistance } from '../cluster/name-match.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';

// Objects every namespace has, never the one a workload meant.
const SYSTEM = /^(?:kube-root-ca\.crt|istio-ca-root-cert|openshift-service-ca\.crt|default-token-\w+)$/;
// A pasted listing is short; a whole cluster's objects are no list of alternatives worth ranking.
const MAX_LISTED = 50;

// One answer per snapshot and missing name: diagnoseAll asks once per workload.
const memo = new WeakMap<ClusterSnapshot, Map<string, string>>();

/**
 * A missing ConfigMap or Secret beside a listing of the ones that exist (`kubectl get cm` pasted
 * with the events): the names that do exist, the closest first — the reference is usually a
 * typo or an old name of one of them. Empty when the evidence lists none, or too many to be a listing.
 */
export function listedAlternatives(snapshot: ClusterSnapshot, facts: RemediationFacts): string {
  const kind = facts.configMap !== undefined && facts.key === undefined ? 'configmap' : facts.secret !== undefined && facts.key === undefined ? 'secret' : undefined;
  if (!kind) return '';
  const missing = (kind === 'configmap' ? facts.configMap : facts.secret)!;
  let cache = memo.get(snapshot);
  if (!cache) memo.set(snapshot, (cache = new Map()));
  const key = `${kind}/${missing}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const objects = kind === 'configmap' ? snapshot.configMaps : snapshot.secrets;
  let text = '';
  if (objects.length <= MAX_LISTED && !objects.some((o) => o.metadata.name === missing)) {
    const names = [...new Set(objects.map((o) => o.metadata.name))].filter((n) => !SYSTEM.test(n));
    if (names.length === 1) text = `; the only ${kind} the evidence lists is ${names[0]}`;
    else if (names.length > 1) {
      const distance = new Map(names.map((n) => [n, editDistance(missing, n)]));
      const ranked = names.sort((a, b) => distance.get(a)! - distance.get(b)! || a.localeCompare(b)).slice(0, 5);
      text = `; the ${kind}s the evidence lists are ${ranked.join(', ')} (closest: ${ranked[0]})`;
    }
  }
  cache.set(key, text);
  return text;
}
