import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort, V1Pod } from '@kubernetes/client-node';
import { selectorMatches } from './selectors.js';

/**
 * Whether the NetworkPolicies in the evidence drop a connection from one pod to another, with the
 * semantics of networking.k8s.io/v1: a pod selected by a policy whose policyTypes hold Egress
 * (Ingress) is isolated in that direction, and a connection passes only when a rule of one of the
 * policies selecting it admits the peer and the port. Policies are additive; none can deny what
 * another allows. A peer the evidence cannot judge (a namespaceSelector without the namespaces'
 * labels, an ipBlock without pod IPs, a named port) counts as admitting: only a drop the evidence
 * proves is reported.
 */
export interface Isolation {
  policies: V1NetworkPolicy[];
  direction: 'egress' | 'ingress';
}

/** An empty podSelector selects every pod of the policy's namespace (unlike a Service's empty selector). */
const selects = (sel: V1LabelSelector | undefined, pod: V1Pod): boolean =>
  sel === undefined || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) || selectorMatches(sel, pod.metadata?.labels);

/** policyTypes defaults to Ingress, plus Egress when the policy has egress rules. */
function isolates(p: V1NetworkPolicy, direction: Isolation['direction']): boolean {
  const types = p.spec?.policyTypes ?? ['Ingress', ...(p.spec?.egress ? ['Egress'] : [])];
  return types.includes(direction === 'egress' ? 'Egress' : 'Ingress');
}

function portAdmitted(ports: V1NetworkPolicyPort[] | undefined, port: number | undefined): boolean {
  if (!ports || ports.length === 0 || port === undefined) return true;
  return ports.some((p) => p.port === undefined || typeof p.port === 'string' || p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort));
}

function peerAdmitted(peers: V1NetworkPolicyPeer[] | undefined, peer: V1Pod | undefined, policyNamespace: string | undefined): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((p) => {
    if (p.ipBlock || p.namespaceSelector || peer === undefined) return true;
    return (peer.metadata?.namespace ?? policyNamespace) === policyNamespace && selects(p.podSelector, peer);
  });
}

/** An egress rule's `to`, an ingress rule's `from` (`_from` once @kubernetes/client-node has deserialised it). */
const peersOf = (rule: { to?: V1NetworkPolicyPeer[]; _from?: V1NetworkPolicyPeer[]; from?: V1NetworkPolicyPeer[] }): V1NetworkPolicyPeer[] | undefined => rule.to ?? rule._from ?? rule.from;

/** The policies that isolate `pod` in `direction` when none of their rules admits `peer` on `port`; undefined when the connection passes. */
export function isolationOf(policies: readonly V1NetworkPolicy[], pod: V1Pod, direction: Isolation['direction'], peer: V1Pod | undefined, port: number | undefined): Isolation | undefined {
  const ns = pod.metadata?.namespace;
  const selecting = policies.filter((p) => (p.metadata?.namespace === undefined || ns === undefined || p.metadata.namespace === ns) && selects(p.spec?.podSelector, pod) && isolates(p, direction));
  if (selecting.length === 0) return undefined;
  const admitted = selecting.some((p) => (direction === 'egress' ? p.spec?.egress : p.spec?.ingress)?.some((rule) =>
    portAdmitted(rule.ports, port) && peerAdmitted(peersOf(rule), peer, p.metadata?.namespace)));
  return admitted ? undefined : { policies: selecting, direction };
}
