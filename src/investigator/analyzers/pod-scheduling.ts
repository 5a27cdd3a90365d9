import type { RootCauseType } from '../../domain/diagnosis.js';
import { selectorMatches, selectorText } from '../cluster/selectors.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence, latestEvent, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { baseFacts, type PodFacts } from './pod-facts.js';

/**
 * A Pending pod the scheduler cannot place, read from the scheduler's own message:
 * "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 *  2 Insufficient memory. preemption: ..." — the clause covering the most nodes is the cause;
 * control-plane taints are background noise whenever another clause exists.
 */
interface Clause {
  count: number;
  text: string;
  type: RootCauseType;
  rank: number;
}

const CONTROL_PLANE_TAINT = /node-role\.kubernetes\.io\/(?:control-plane|master)/;

function classifyClause(text: string): Pick<Clause, 'type' | 'rank'> | undefined {
  // Before 1.10 the scheduler named its predicates: `NodeUnderMemoryPressure (1)`, `MatchNodeSelector (18)`.
  if (/NodeUnder(?:Memory|Disk|PID)Pressure|CheckNode(?:Memory|Disk|PID)Pressure/.test(text)) return { type: 'node_pressure', rank: 6 };
  if (/^MatchNodeSelector\b/.test(text)) return { type: 'unschedulable_node_selector', rank: 3 };
  if (/^PodToleratesNodeTaints\b/.test(text)) return { type: 'unschedulable_taint', rank: 1 };
  if (/^(?:NoVolumeZoneConflict|NoVolumeNodeConflict|VolumeNodeAffinityConflict|VolumeBindingNoMatch)\b/.test(text)) return { type: 'unschedulable_pvc', rank: 5 };
  if (/^MatchInterPodAffinity\b/.test(text)) return { type: 'unschedulable_affinity', rank: 2 };
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|volume node affinity conflict/i.test(text)) return { type: 'unschedulable_pvc', rank: 5 };
  if (/Insufficient |Too many pods/i.test(text)) return { type: 'unschedulable_insufficient_resources', rank: 4 };
  if (/didn't match Pod's node affinity\/selector|node\(s\) didn't match node selector/i.test(text)) return { type: 'unschedulable_node_selector', rank: 3 };
  if (/pod affinity|anti-affinity|didn't match pod topology spread/i.test(text)) return { type: 'unschedulable_affinity', rank: 2 };
  if (/taint/i.test(text)) return { type: 'unschedulable_taint', rank: 1 };
  return undefined;
}

export function parseSchedulingMessage(message: string): Clause[] {
  // The pre-1.10 layout: `No nodes are available that match all of the following predicates::
  // Insufficient cpu (9), MatchNodeSelector (18).` — the count follows each clause.
  const predicates = /predicates::?\s*(.*)$/s.exec(message)?.[1];
  if (predicates) {
    const old: Clause[] = [];
    for (const m of predicates.matchAll(/([A-Za-z][\w ./-]*?)\s*\((\d+)\)/g)) {
      const kind = classifyClause(m[1]!.trim());
      if (kind) old.push({ count: Number(m[2]), text: m[1]!.trim(), ...kind });
    }
    if (old.length > 0) return old;
  }
  const body = message.split(/\.\s*preemption:/)[0] ?? message;
  const list = body.includes('available:') ? body.slice(body.indexOf('available:') + 'available:'.length) : body;
  const clauses: Clause[] = [];
  // Split on ", N " boundaries only: taint values contain commas inside braces.
  for (const part of list.split(/,\s+(?=\d+\s)/)) {
    const m = /^\s*(\d+)\s+(.*?)\.?\s*$/.exec(part);
    const text = (m?.[2] ?? part).trim();
    const kind = classifyClause(text);
    if (kind) clauses.push({ count: m ? Number(m[1]) : 1, text, ...kind });
  }
  if (clauses.length === 0) {
    const kind = classifyClause(message);
    if (kind) clauses.push({ count: 1, text: message, ...kind });
  }
  return clauses;
}

function pickClause(clauses: Clause[]): Clause | undefined {
  const meaningful = clauses.filter((c) => !(c.type === 'unschedulable_taint' && CONTROL_PLANE_TAINT.test(c.text)));
  const pool = meaningful.length > 0 ? meaningful : clauses;
  return [...pool].sort((a, b) => b.count - a.count || b.rank - a.rank)[0];
}

/** `{dedicated: gpu}` → `dedicated=gpu`; `{node.kubernetes.io/disk-pressure: }` → the key. */
function taintOf(text: string): string {
  const m = /\{([^:}]+):\s*([^}]*)\}/.exec(text);
  if (!m) return text;
  const value = (m[2] ?? '').trim();
  return value ? `${m[1]!.trim()}=${value}` : m[1]!.trim();
}

/** "didn't match Pod's node affinity/selector" covers both: decide from the pod spec. */
function selectorOrAffinity(p: PodFacts): 'unschedulable_node_selector' | 'unschedulable_affinity' {
  const selector = p.pod.spec?.nodeSelector;
  const required = p.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!selector || Object.keys(selector).length === 0) return required ? 'unschedulable_affinity' : 'unschedulable_node_selector';
  if (!required) return 'unschedulable_node_selector';
  const anyNodeMatches = p.ctx.snapshot.nodes.some((n) => selectorMatches(selector, n.metadata?.labels));
  return anyNodeMatches ? 'unschedulable_affinity' : 'unschedulable_node_selector';
}

function requests(p: PodFacts, resource: string): string | undefined {
  const values = (p.pod.spec?.containers ?? []).map((c) => c.resources?.requests?.[resource]).filter((v): v is string => Boolean(v));
  return values.length > 0 ? values.join(' + ') : undefined;
}

export function schedulingFinding(p: PodFacts): AnalyzerFinding | undefined {
  if (p.pod.status?.phase !== 'Pending' || p.pod.spec?.nodeName) return undefined;
  const cond = p.pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const ev = latestEvent(p.events, ['FailedScheduling']);
  const message = ev?.message ?? cond?.message;
  if (!message) return undefined;
  const clause = pickClause(parseSchedulingMessage(message));
  const evidence = [ev ? eventEvidence(p.ref, ev) : fieldEvidence(p.ref, 'status.conditions[PodScheduled].message', message)];
  const facts = baseFacts(p);
  if (!clause) {
    return makeFinding({ type: 'unknown', subject: p.ref, summary: `Pod ${p.name} cannot be scheduled: ${message}`, confidence: 0.5, evidence, facts });
  }
  let type = clause.type;
  let summary: string;
  let extra = {};
  switch (type) {
    case 'unschedulable_pvc': {
      const claims = (p.pod.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter((c): c is string => Boolean(c));
      const unbound = claims.filter((c) => p.ctx.cluster.get('PersistentVolumeClaim', p.namespace, c)?.status?.phase !== 'Bound');
      const names = unbound.length > 0 ? unbound : claims;
      summary = `Pod ${p.name} cannot be scheduled: PersistentVolumeClaim ${names.join(', ') || '?'} is not bound.`;
      extra = { pvc: names[0] };
      return makeFinding({ type, subject: p.ref, summary, confidence: 0.93, evidence, facts: { ...facts, ...extra }, links: { pvcs: names } });
    }
    case 'unschedulable_insufficient_resources': {
      const res = /Insufficient ([\w./-]+)/.exec(clause.text)?.[1];
      const req = res ? requests(p, res) : undefined;
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have ${clause.text.replace(/^Insufficient /, 'insufficient ')}${req ? ` for its request of ${res} ${req}` : ''}.`;
      if (req) evidence.push(specEvidence(p.ref, `spec.containers[*].resources.requests.${res}`, req));
      break;
    }
    case 'unschedulable_node_selector':
      type = selectorOrAffinity(p);
      if (type === 'unschedulable_node_selector') {
        const sel = selectorText(p.pod.spec?.nodeSelector);
        summary = `Pod ${p.name} cannot be scheduled: no node matches its nodeSelector${sel ? ` ${sel}` : ''}.`;
        if (sel) evidence.push(specEvidence(p.ref, 'spec.nodeSelector', sel));
      } else {
        summary = `Pod ${p.name} cannot be scheduled: no node satisfies its required node affinity.`;
        evidence.push(specEvidence(p.ref, 'spec.affinity.nodeAffinity', JSON.stringify(p.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? {})));
      }
      break;
    case 'unschedulable_affinity':
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) ${clause.text.replace(/^node\(s\)\s+/, '')}.`;
      break;
    case 'node_pressure': {
      const pressure = /(Memory|Disk|PID)Pressure/.exec(clause.text)?.[1] ?? '';
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) are under ${pressure}Pressure (${clause.text}); the scheduler keeps pods off them.`;
      extra = { pressure: `${pressure}Pressure` };
      break;
    }
    default: {
      const taint = taintOf(clause.text);
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have taint ${taint} that the pod does not tolerate.`;
      extra = { taint };
    }
  }
  return makeFinding({ type, subject: p.ref, summary, confidence: 0.93, evidence, facts: { ...facts, ...extra } });
}
