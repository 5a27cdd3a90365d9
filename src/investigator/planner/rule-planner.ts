import type { ClusterIndex } from './cluster-index.js';
import { bestMatches } from '../cluster/name-match.js';
import { type Intent, type Plan, type PlanParams, type PlanRequest, type WorkloadKind } from './plan.js';

/**
 * The rule-based planner: works offline, explains every resolution it makes, and never
 * guesses silently — missing or ambiguous names come back as `required_info` with a hint.
 */
const STOP_WORDS = new Set(
  `the a an is are was why what whats how does do did my our in on of for to from with and or not pod pods
  namespace ns service deployment deploy workload job cronjob statefulset daemonset container app application
  crashing crash crashed crashes failing fails failed failure broken down restarting restarts restart error errors
  investigate diagnose debug check look explain tell me please can you help status health overview problem problems
  issue issues wrong happening going on keeps keep it its this that there cluster logs events evidence collect gather
  show get fetch state running pending starting start stuck env environment mean means meaning`.split(/\s+/),
);

const INTENT_PATTERNS: Array<[Exclude<Intent, 'diagnose_pod' | 'diagnose_workload'>, RegExp]> = [
  ['explain', /^\s*(what does|what do|explain|meaning of|what is meant by)\b|\bwhat does .+ mean\b/i],
  ['collect_evidence', /\b(collect|gather|fetch|get|show|dump)\b.*\b(evidence|logs?|events|state|describe)\b/i],
  ['namespace_overview', /\b(overview|summar(y|ise|ize)|status of|health of|what'?s (wrong|broken|happening|going on)|anything (wrong|broken)|problems? in|how is)\b/i],
  ['general_help', /^\s*(help|\/help|what can you do|how do i use|who are you)\b/i],
];

const NAMESPACE_PATTERNS = [
  /(?:^|\s)(?:-n|--namespace)[\s=]+([a-z0-9][a-z0-9-]*)/i,
  /\bnamespaces?[\s:=]+["'`]?([a-z0-9][a-z0-9-]*)/i,
  /\b([a-z0-9][a-z0-9-]*)\s+(?:namespace|ns)\b/i,
  /\b(?:in|from|on|within|across)\s+(?:the\s+)?["'`]?([a-z0-9][a-z0-9-]*)/gi,
];

function namespaceMentions(prompt: string): string[] {
  const found: string[] = [];
  for (const re of NAMESPACE_PATTERNS) {
    for (const m of prompt.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))) {
      if (m[1] && !STOP_WORDS.has(m[1].toLowerCase())) found.push(m[1].toLowerCase());
    }
  }
  return found;
}

const nameTokens = (prompt: string): string[] =>
  [...prompt.toLowerCase().matchAll(/[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?/g)]
    .map((m) => m[0])
    .filter((t) => t.length >= 2 && !STOP_WORDS.has(t) && !/^\d+$/.test(t));

interface Target {
  pod?: { name: string; namespace: string };
  workload?: { kind: WorkloadKind; name: string; namespace: string };
}

function findTargets(tokens: string[], index: ClusterIndex, namespace: string | undefined): { targets: Target[]; typed?: string } {
  const inScope = <T extends { namespace: string }>(items: T[]) => (namespace ? items.filter((i) => i.namespace === namespace) : items);
  const pods = inScope(index.pods);
  const workloads = inScope(index.workloads);
  for (const token of tokens) {
    const podHit = bestMatches(token, pods.map((p) => p.name));
    if (podHit?.tier === 'exact') {
      return { targets: pods.filter((p) => p.name === token).map((p) => ({ pod: p })), typed: token };
    }
    const wlHit = bestMatches(token, workloads.map((w) => w.name));
    if (wlHit) return { targets: workloads.filter((w) => wlHit.names.includes(w.name)).map((w) => ({ workload: w })), typed: token };
    if (podHit) return { targets: pods.filter((p) => podHit.names.includes(p.name)).map((p) => ({ pod: p })), typed: token };
  }
  return { targets: [] };
}

/** A token written as a resource name (`payments-api`), or the word after a kind (`pod web`, `deployment api`). */
function namedInPrompt(prompt: string, tokens: readonly string[]): string | undefined {
  const afterKind = /\b(?:pod|deployment|deploy|service|svc|statefulset|daemonset|job|cronjob|workload)\s+["'`]?([a-z0-9][a-z0-9.-]*[a-z0-9])/i.exec(prompt)?.[1]?.toLowerCase();
  if (afterKind && !STOP_WORDS.has(afterKind) && tokens.includes(afterKind)) return afterKind;
  return tokens.find((t) => /[a-z0-9]-[a-z0-9]/.test(t));
}

/**
 * What a prompt names as a namespace, as typed: "in X", "namespace X", "-n X", and bare words
 * that are a namespace or its alias ("production", "prod"); typos count only when introduced by
 * "in …". Resolve each against the namespaces with bestMatches.
 */
export function namespacesTypedIn(prompt: string, namespaces: readonly string[]): string[] {
  return [...namespaceMentions(prompt), ...nameTokens(prompt).filter((t) => ['exact', 'alias'].includes(bestMatches(t, namespaces)?.tier ?? ''))];
}

const list = (items: string[], max = 8) => (items.length > max ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)` : items.join(', '));

export function planRequest(req: PlanRequest, index: ClusterIndex): Plan {
  const notes: string[] = [];
  const prompt = req.prompt.trim();
  const needs = (intent: Intent, missing: string[], hint: string, params: PlanParams = {}): Plan => ({
    intent, params, required_info: missing, hint, method: 'rule_based', notes,
  });

  // 1. Namespace: explicit parameter, then what the prompt says — only names that resolve count.
  let namespace: string | undefined;
  const typedNamespaces = req.namespace ? [req.namespace.toLowerCase()] : namespacesTypedIn(prompt, index.namespaces);
  for (const typed of typedNamespaces) {
    const hit = bestMatches(typed, index.namespaces);
    if (!hit) continue;
    if (hit.names.length > 1) {
      return needs('diagnose_workload', ['namespace'], `"${typed}" matches several namespaces: ${list(hit.names)}. Which one?`);
    }
    namespace = hit.names[0];
    if (hit.tier !== 'exact') notes.push(`namespace "${typed}" → "${namespace}" (${hit.tier} match)`);
    break;
  }
  if (req.namespace && !namespace) {
    return needs('diagnose_workload', ['namespace'], `namespace "${req.namespace}" does not exist. Namespaces: ${list(index.namespaces)}`);
  }

  // 2. Intent from the wording; explain/help/overview need no target.
  const worded = INTENT_PATTERNS.find(([, re]) => re.test(prompt))?.[0];
  if (worded === 'explain') {
    const quoted = prompt.match(/["'`“]([^"'`”]+)["'`”]/)?.[1];
    const errorText = quoted ?? prompt.replace(INTENT_PATTERNS[0]![1], '').replace(/\bmean\??\s*$/i, '').trim();
    return { intent: 'explain', params: { errorText }, method: 'rule_based', notes };
  }
  if (worded === 'general_help') return { intent: 'general_help', params: {}, method: 'rule_based', notes };

  // 3. Target: explicit pod name, else names in the prompt resolved against the cluster.
  const tokens = req.podName ? [req.podName.toLowerCase()] : nameTokens(prompt).filter((t) => t !== namespace && !typedNamespaces.includes(t));
  const { targets, typed } = findTargets(tokens, index, namespace);

  if (targets.length === 0) {
    if (req.podName) {
      return needs('diagnose_pod', ['pod_name'], `no pod or workload named "${req.podName}"${namespace ? ` in ${namespace}` : ''}.`, namespace ? { namespace } : {});
    }
    // A name the question gives that the cluster does not have is not found — never answered
    // with the namespace's other problems.
    const missing = namedInPrompt(prompt, tokens);
    if (missing) {
      const candidates = index.workloads.filter((w) => !namespace || w.namespace === namespace).map((w) => w.name);
      // Close: a typo, or a name sharing a word (`payments-api` and `payment-worker`, plural or not).
      const close = bestMatches(missing, candidates)?.names ?? candidates.filter((c) => missing.split('-').some((part) => part.length >= 4 && (c.includes(part) || c.includes(part.replace(/e?s$/, '')))));
      return needs('diagnose_workload', ['pod_name'], `no workload or pod named "${missing}"${namespace ? ` in namespace ${namespace}` : ''}.${close.length ? ` Closest names: ${list(close)}.` : ` Workloads: ${list(candidates)}.`}`, namespace ? { namespace } : {});
    }
    if (namespace && (worded === 'namespace_overview' || worded === undefined || worded === 'collect_evidence')) {
      const intent = worded === 'collect_evidence' ? 'collect_evidence' : 'namespace_overview';
      if (worded === undefined) notes.push(`no resource named in the question: overview of namespace ${namespace}`);
      return { intent, params: { namespace }, method: 'rule_based', notes };
    }
    if (!namespace) {
      return needs(worded ?? 'diagnose_workload', ['namespace'], `which namespace? Namespaces: ${list(index.namespaces)}`);
    }
    return needs('diagnose_workload', ['pod_name'], `which workload or pod? ${list(index.workloads.filter((w) => w.namespace === namespace).map((w) => w.name))}`, { namespace });
  }

  // 4. One namespace, one target — or ask.
  const namespaces = [...new Set(targets.map((t) => (t.pod ?? t.workload)!.namespace))];
  if (namespaces.length > 1) {
    return needs('diagnose_workload', ['namespace'], `"${typed}" exists in several namespaces: ${list(namespaces)}. Which one?`);
  }
  if (!namespace) notes.push(`namespace ${namespaces[0]} inferred: the only one with "${typed}"`);
  namespace = namespaces[0]!;
  const names = targets.map((t) => (t.pod ?? t.workload)!.name);
  let first = targets[0]!;
  if (targets.length > 1) {
    // Several pods of one workload ("auth-service-7d9…" typed as a prefix) are that workload.
    const owners = new Set(targets.map((t) => (t.pod ? index.pods.find((p) => p.name === t.pod!.name && p.namespace === namespace)?.workload : undefined)).map((w) => (w ? `${w.kind}/${w.name}` : '')));
    const [owner] = [...owners];
    if (owners.size !== 1 || !owner) {
      return needs('diagnose_workload', ['pod_name'], `"${typed}" matches several resources in ${namespace}: ${list(names)}. Which one?`, { namespace });
    }
    const [kind, name] = owner.split('/') as [WorkloadKind, string];
    first = { workload: { kind, name, namespace } };
  }

  const workload = first.workload ?? index.pods.find((p) => p.name === first.pod?.name && p.namespace === namespace)?.workload;
  if (first.workload) {
    const pods = index.pods.filter((p) => p.namespace === namespace && p.workload?.kind === first.workload!.kind && p.workload.name === first.workload!.name).map((p) => p.name);
    if (typed !== first.workload.name) notes.push(`"${typed}" → ${first.workload.kind.toLowerCase()} ${first.workload.name}`);
    notes.push(`${first.workload.kind.toLowerCase()} ${first.workload.name} has ${pods.length} pod(s)`);
    const intent: Intent = worded === 'collect_evidence' ? 'collect_evidence' : /\bpods?\b/i.test(prompt) ? 'diagnose_pod' : 'diagnose_workload';
    return { intent, params: { namespace, workload: { kind: first.workload.kind, name: first.workload.name }, pods }, method: 'rule_based', notes };
  }
  const intent: Intent = worded === 'collect_evidence' ? 'collect_evidence' : 'diagnose_pod';
  if (typed !== first.pod!.name) notes.push(`"${typed}" → pod ${first.pod!.name}`);
  return { intent, params: { namespace, pods: [first.pod!.name], ...(workload ? { workload } : {}) }, method: 'rule_based', notes };
}
