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

/** Two matches select the same requests (a missing field matches any value). */
export function sameMatch(a: RoutingRule['match'], b: RoutingRule['match']): boolean {
  return (a.intent ?? null) === (b.intent ?? null) && (a.taskType ?? null) === (b.taskType ?? null);
}

/**
 * The set with `rule` in place of the rule(s) of the same match, or appended when there was
 * none. One rule per match: of two rules with one match, the lower priority could never apply.
 */
export function withRule(rules: readonly RoutingRule[], rule: RoutingRule): RoutingRule[] {
  const at = rules.findIndex((r) => sameMatch(r.match, rule.match));
  if (at === -1) return [...rules, rule];
  return [...rules.slice(0, at), rule, ...rules.slice(at + 1).filter((r) => !sameMatch(r.match, rule.match))];
}

/** The set without the rules of `match`, and the rules that were removed (none: nothing matched). */
export function withoutRule(rules: readonly RoutingRule[], match: RoutingRule['match']): { rules: RoutingRule[]; removed: RoutingRule[] } {
  return { rules: rules.filter((r) => !sameMatch(r.match, match)), removed: rules.filter((r) => sameMatch(r.match, match)) };
}
