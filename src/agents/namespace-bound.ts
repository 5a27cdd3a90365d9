import { SyntraError } from '../domain/errors.js';
import type { ClusterIndex } from '../investigator/planner/cluster-index.js';
import { bestMatches } from '../investigator/cluster/name-match.js';
import type { Plan } from '../investigator/planner/plan.js';
import { namespacesTypedIn } from '../investigator/planner/rule-planner.js';
import type { Question } from './pipeline-state.js';

/**
 * An investigation reads only the namespace of its run. The run's namespace is set at submit
 * from what the caller may read (a namespace-limited caller's runs always have one); null means
 * the caller may read every namespace. A question that names another namespace is refused —
 * never answered from that namespace, never silently answered from the run's own instead.
 */
export type NamespaceBound = string | null;

function refuse(named: readonly string[], bound: string): SyntraError {
  const which = named.length === 1 ? `namespace "${named[0]}"` : `namespaces ${named.map((n) => `"${n}"`).join(', ')}`;
  return new SyntraError('forbidden', `the question is about ${which}, which this run may not read: it is limited to namespace "${bound}"`, {
    retryable: false,
    details: { namespaces: [...named], allowed: [bound] },
  });
}

/**
 * Checks the question against the run's namespace and returns the index the planner may use:
 * only the run's namespace, so names (and hints listing names) of other tenants never appear.
 * Every namespace the question names — explicitly or in its wording — must resolve to the run's.
 */
export function boundIndex(question: Question, index: ClusterIndex, bound: NamespaceBound): ClusterIndex {
  if (bound === null) return index;
  const typed = [...(question.namespace ? [question.namespace] : []), ...namespacesTypedIn(question.prompt, index.namespaces)];
  const foreign = new Set<string>();
  for (const t of typed) {
    const hit = bestMatches(t, index.namespaces);
    if (hit && !hit.names.includes(bound)) for (const n of hit.names) foreign.add(n);
  }
  if (question.namespace && question.namespace.toLowerCase() !== bound && !bestMatches(question.namespace, index.namespaces)) {
    foreign.add(question.namespace);
  }
  if (foreign.size > 0) throw refuse([...foreign].sort(), bound);
  return {
    namespaces: index.namespaces.filter((n) => n === bound),
    workloads: index.workloads.filter((w) => w.namespace === bound),
    pods: index.pods.filter((p) => p.namespace === bound),
  };
}

/** The question the planner gets: inside a bounded run, the run's namespace is the default. */
export function boundQuestion(question: Question, bound: NamespaceBound): Question {
  return bound === null || question.namespace ? question : { ...question, namespace: bound };
}

/** A plan (from rules or a model) must stay in the run's namespace. */
export function assertPlanInBound(plan: Plan, bound: NamespaceBound): void {
  const ns = plan.params.namespace;
  if (bound !== null && ns !== undefined && ns !== bound) throw refuse([ns], bound);
}

/** What a step reads from the cluster must be in the run's namespace — and not the whole cluster. */
export function assertScopeInBound(namespace: string | undefined, bound: NamespaceBound): void {
  if (bound === null) return;
  if (namespace === undefined) {
    throw new SyntraError('forbidden', `this run is limited to namespace "${bound}" and may not read the whole cluster`, { retryable: false, details: { allowed: [bound] } });
  }
  if (namespace !== bound) throw refuse([namespace], bound);
}
