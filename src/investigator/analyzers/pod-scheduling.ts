import { readSchedulingMessage } from '../messages/scheduler.js';
import { selectorMatches, selectorText } from '../cluster/selectors.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence, latestEvent, specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { baseFacts, type PodFacts } from './pod-facts.js';

/**
 * A Pending pod the scheduler cannot place, read from the scheduler's own message
 * (messages/scheduler.ts decides which clause is the cause).
 */
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

/** The other reasons of a mixed message, quoted: "(other nodes: 1 Insufficient memory, 1 Too many pods)". */
const otherReasons = (mixed: readonly { count: number; text: string }[] | undefined): string =>
  mixed ? ` (other nodes: ${mixed.map((c) => `${c.count} ${c.text}`).join(', ')}; fixing this alone may not place the pod)` : '';

/**
 * A pod whose spec.schedulingGates are not empty (1.27+): the scheduler does not try to place it
 * until whatever added the gates removes them. Not a scheduling failure: the gate's owner is late.
 */
function gatedFinding(p: PodFacts): AnalyzerFinding {
  const gates = (p.pod.spec?.schedulingGates ?? []).map((g) => g.name);
  return makeFinding({
    type: 'unknown', subject: p.ref,
    summary: `Pod ${p.name} is held back by its scheduling gates${gates.length ? ` (${gates.join(', ')})` : ''}: the scheduler does not consider it until the controller that added them removes them; check that controller.`,
    confidence: 0.55,
    evidence: [fieldEvidence(p.ref, 'status.conditions[PodScheduled].reason', 'SchedulingGated'), ...(gates.length ? [fieldEvidence(p.ref, 'spec.schedulingGates', gates.join(', '))] : [])],
    facts: baseFacts(p),
  });
}

export function schedulingFinding(p: PodFacts): AnalyzerFinding | undefined {
  // A pod YAML cut to its spec has no phase; its FailedScheduling event still says it is Pending.
  const phase = p.pod.status?.phase;
  if ((phase !== 'Pending' && phase !== undefined) || p.pod.spec?.nodeName) return undefined;
  const cond = p.pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (cond?.reason === 'SchedulingGated') return gatedFinding(p);
  const ev = latestEvent(p.events, ['FailedScheduling']);
  const message = ev?.message ?? cond?.message;
  if (!message) return undefined;
  const reading = readSchedulingMessage(message);
  const evidence = [ev ? eventEvidence(p.ref, ev) : fieldEvidence(p.ref, 'status.conditions[PodScheduled].message', message)];
  const facts = baseFacts(p);
  if (!reading) {
    return makeFinding({ type: 'unknown', subject: p.ref, summary: `Pod ${p.name} cannot be scheduled: ${message}`, confidence: 0.5, evidence, facts });
  }
  const { clause, mixed } = reading;
  // Nodes failing for different reasons in like numbers: the chosen one is the likeliest, not a certainty.
  const confidence = mixed ? 0.65 : 0.93;
  const also = otherReasons(mixed);
  let type = clause.type;
  let summary: string;
  let extra = {};
  switch (type) {
    case 'unschedulable_pvc': {
      const claims = (p.pod.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter((c): c is string => Boolean(c));
      const unbound = claims.filter((c) => p.ctx.cluster.get('PersistentVolumeClaim', p.namespace, c)?.status?.phase !== 'Bound');
      const names = unbound.length > 0 ? unbound : claims;
      summary = /volume node affinity conflict/i.test(clause.text)
        ? `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) had volume node affinity conflict: its volumes${names.length ? ` (${names.join(', ')})` : ''} are bound to a zone or node it cannot run in${also}.`
        : `Pod ${p.name} cannot be scheduled: PersistentVolumeClaim ${names.join(', ') || '?'} is not bound${also}.`;
      extra = { pvc: names[0] };
      return makeFinding({ type, subject: p.ref, summary, confidence, evidence, facts: { ...facts, ...extra }, links: { pvcs: names } });
    }
    case 'unschedulable_insufficient_resources': {
      const res = /Insufficient ([\w./-]+)/.exec(clause.text)?.[1];
      if (!res) {
        summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) ${clause.says} (${clause.text})${also}.`;
        break;
      }
      const req = res ? requests(p, res) : undefined;
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have ${clause.text.replace(/^Insufficient /, 'insufficient ')}${req ? ` for its request of ${res} ${req}` : ''}${also}.`;
      if (req) evidence.push(specEvidence(p.ref, `spec.containers[*].resources.requests.${res}`, req));
      break;
    }
    case 'node_capacity_exhausted':
      summary = !/pods/i.test(clause.text) ? `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) ${clause.says}${also}.` : `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have no room for more pods (${clause.text}: the pods-per-node limit is reached)${also}.`;
      break;
    case 'unschedulable_node_selector':
      type = selectorOrAffinity(p);
      if (type === 'unschedulable_node_selector') {
        const sel = selectorText(p.pod.spec?.nodeSelector);
        summary = `Pod ${p.name} cannot be scheduled: no node matches its nodeSelector${sel ? ` ${sel}` : ''}${also}.`;
        if (sel) evidence.push(specEvidence(p.ref, 'spec.nodeSelector', sel));
      } else {
        summary = `Pod ${p.name} cannot be scheduled: no node satisfies its required node affinity${also}.`;
        evidence.push(specEvidence(p.ref, 'spec.affinity.nodeAffinity', JSON.stringify(p.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? {})));
      }
      break;
    case 'unschedulable_affinity':
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) ${clause.text.replace(/^node\(s\)\s+/, '')}${also}.`;
      break;
    case 'node_pressure': {
      const said = /(memory|disk|pid)[- ]?pressure|out[- ]of[- ]disk/i.exec(clause.text);
      const pressure = said?.[1] ? (said[1].toLowerCase() === 'pid' ? 'PID' : `${said[1][0]!.toUpperCase()}${said[1].slice(1).toLowerCase()}`) : said ? 'Disk' : '';
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) are under ${pressure}Pressure (${clause.text}); the scheduler keeps pods off them${also}.`;
      extra = { pressure: `${pressure}Pressure` };
      break;
    }
    case 'unschedulable_taint': {
      const taint = taintOf(clause.text);
      if (taint === clause.text) {
        // Recent schedulers no longer name the taint ("had untolerated taint(s)"): the nodes' describe does.
        summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have taints it does not tolerate (${clause.text}); \`kubectl describe node\` lists them${also}.`;
        break;
      }
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) have taint ${taint} that the pod does not tolerate${also}.`;
      extra = { taint };
      break;
    }
    default:
      summary = `Pod ${p.name} cannot be scheduled: ${clause.count} node(s) ${clause.says} (${clause.text})${also}.`;
  }
  return makeFinding({ type, subject: p.ref, summary, confidence, evidence, facts: { ...facts, ...extra } });
}
