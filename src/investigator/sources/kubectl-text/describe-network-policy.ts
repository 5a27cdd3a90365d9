import type { DescribeNode } from './describe-tree.js';
import { child, childValue } from './describe-tree.js';
import { annotationMap, labelMap, present } from './describe-values.js';

/**
 * `kubectl describe networkpolicy` → V1NetworkPolicy. kubectl (describe.go
 * printNetworkPolicySpecV1, 1.8 → 1.32) prints the spec in words: `PodSelector:` as
 * metav1.FormatLabelSelector writes it (`<none>` for the empty selector, which selects every pod),
 * then per direction either `<none> (Selected pods are isolated for … connectivity)` (no rule: all
 * traffic dropped), `Not affecting … traffic` (the direction is not isolated), or the rules, each
 * `To Port:` lines and `From:`/`To:` peers, rules separated by `----------`.
 */
type Raw = Record<string, unknown>;

/** metav1.FormatLabelSelector text → a label selector: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function labelSelectorFromText(text: string | undefined): Raw {
  // `<none> (Allowing the specific traffic to all pods in this namespace)`: the empty selector.
  const v = present(text?.replace(/\s+\(Allowing .*\)$/, ''));
  if (v === undefined) return {};
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Raw[] = [];
  for (const term of v.split(/,(?![^(]*\))/).map((t) => t.trim()).filter((t) => t !== '')) {
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    const ne = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
    const eq = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
    if (set) matchExpressions.push({ key: set[1], operator: set[2] === 'in' ? 'In' : 'NotIn', values: set[3]!.split(',').map((s) => s.trim()) });
    else if (ne) matchExpressions.push({ key: ne[1], operator: 'NotIn', values: [ne[2]] });
    else if (eq) matchLabels[eq[1]!] = eq[2]!;
    else if (term.startsWith('!')) matchExpressions.push({ key: term.slice(1), operator: 'DoesNotExist' });
    else matchExpressions.push({ key: term, operator: 'Exists' });
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

function peer(node: DescribeNode): Raw | undefined {
  const ipBlock = child(node, 'IPBlock');
  if (ipBlock) {
    const except = present(childValue(ipBlock, 'Except'))?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    return { ipBlock: { cidr: childValue(ipBlock, 'CIDR'), ...(except?.length ? { except } : {}) } };
  }
  const pods = child(node, 'PodSelector');
  const namespaces = child(node, 'NamespaceSelector');
  if (!pods && !namespaces) return undefined;
  return { ...(pods ? { podSelector: labelSelectorFromText(pods.value) } : {}), ...(namespaces ? { namespaceSelector: labelSelectorFromText(namespaces.value) } : {}) };
}

/** `8080/TCP`, `http/TCP`, `<any>…` → a NetworkPolicyPort, or undefined for any port. */
function port(text: string): Raw | undefined {
  const m = /^(\S+?)(?:-(\d+))?\/(\w+)$/.exec(text.trim());
  if (!m || m[1] === '<any>' || m[1] === '<nil>') return undefined;
  return { protocol: m[3], port: /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1], ...(m[2] ? { endPort: Number(m[2]) } : {}) };
}

/** The rules of one direction; undefined when kubectl said the direction is not affected. */
function rules(spec: DescribeNode, direction: 'ingress' | 'egress'): Raw[] | undefined {
  const section = child(spec, `Allowing ${direction} traffic`);
  if (!section) return undefined;
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const out: Raw[] = [];
  let current: { ports: Raw[]; peers: Raw[] } | undefined;
  const flush = () => {
    if (current) out.push({ ...(current.ports.length > 0 ? { ports: current.ports } : {}), ...(current.peers.length > 0 ? { [peerKey]: current.peers } : {}) });
    current = undefined;
  };
  for (const line of section.children) {
    if (line.key === null && /^-{3,}$/.test(line.value)) {
      flush();
      continue;
    }
    if (line.key === null) continue; // `<none> (Selected pods are isolated …)`: no rule at all
    current ??= { ports: [], peers: [] };
    if (line.key === 'To Port') {
      const p = port(line.value);
      if (p) current.ports.push(p);
    } else if (line.key === 'From' || line.key === 'To') {
      const p = peer(line);
      if (p) current.peers.push(p);
    }
  }
  flush();
  return out;
}

export function describeNetworkPolicy(root: DescribeNode): Raw {
  const spec = child(root, 'Spec');
  const ingress = spec ? rules(spec, 'ingress') : undefined;
  const egress = spec ? rules(spec, 'egress') : undefined;
  const types = present(childValue(spec, 'Policy Types'))?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: childValue(root, 'Name'), namespace: present(childValue(root, 'Namespace')), labels: labelMap(child(root, 'Labels')), annotations: annotationMap(child(root, 'Annotations')) },
    spec: {
      podSelector: labelSelectorFromText(childValue(spec, 'PodSelector')),
      ...(ingress ? { ingress } : {}),
      ...(egress ? { egress } : {}),
      // kubectl before 1.12 printed no Policy Types: the directions it printed rules for are the isolated ones.
      policyTypes: types ?? [...(ingress ? ['Ingress'] : []), ...(egress ? ['Egress'] : [])],
    },
  };
}
