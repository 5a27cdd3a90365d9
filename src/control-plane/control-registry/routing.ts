import type { RouteTarget, RoutingRule } from './schemas.js';
import type { ControlSnapshot } from './state.js';

/**
 * Which model serves a request. A rule matches when every field of its `match` equals the
 * request's (an empty match is a catch-all). Among matching rules:
 *   1. higher `priority` wins (the operator's explicit word comes first);
 *   2. on equal priority, the more specific rule wins (intent + taskType over one of them over none);
 *   3. on a further tie, the earlier rule in the set wins.
 * No matching rule → undefined: the caller runs rules-only.
 */
export interface RouteQuery {
  intent?: string | undefined;
  taskType?: string | undefined;
}

function matches(rule: RoutingRule, query: RouteQuery): boolean {
  if (rule.match.intent !== undefined && rule.match.intent !== query.intent) return false;
  if (rule.match.taskType !== undefined && rule.match.taskType !== query.taskType) return false;
  return true;
}

const specificity = (rule: RoutingRule): number => (rule.match.intent !== undefined ? 1 : 0) + (rule.match.taskType !== undefined ? 1 : 0);

export function resolveRule(rules: readonly RoutingRule[], query: RouteQuery): RoutingRule | undefined {
  let best: RoutingRule | undefined;
  for (const rule of rules) {
    if (!matches(rule, query)) continue;
    if (
      !best ||
      (rule.priority ?? 0) > (best.priority ?? 0) ||
      ((rule.priority ?? 0) === (best.priority ?? 0) && specificity(rule) > specificity(best))
    ) {
      best = rule;
    }
  }
  return best;
}

export function resolveRoute(snapshot: Pick<ControlSnapshot, 'routingRules'>, query: RouteQuery): RouteTarget | undefined {
  return resolveRule(snapshot.routingRules, query)?.target;
}
