import type { AlertMatch, AlertRule } from '../../control-plane/control-registry/index.js';
import type { NormalizedAlert } from './alert.js';

/** Which alerts are investigated: the first rule of the registry's ordered set that matches decides. */
export interface RuleDecision {
  action: AlertRule['action'];
  /** Index of the deciding rule; null when none matched (investigated by default). */
  rule: number | null;
}

type Facts = Pick<NormalizedAlert, 'alertname' | 'severity' | 'namespace' | 'cluster'>;

function matches(m: AlertMatch, a: Facts): boolean {
  const hit = (values: string[] | undefined, v: string | null) => values === undefined || (v !== null && values.includes(v));
  // null in a cluster match is the default cluster (an alert without a registered `cluster` label).
  const inCluster = m.cluster === undefined || m.cluster.includes(a.cluster);
  return hit(m.alertname, a.alertname) && hit(m.severity, a.severity) && hit(m.namespace, a.namespace) && inCluster;
}

export function decide(rules: readonly AlertRule[], a: Facts): RuleDecision {
  const i = rules.findIndex((r) => matches(r.match, a));
  return i === -1 ? { action: 'investigate', rule: null } : { action: rules[i]!.action, rule: i };
}
