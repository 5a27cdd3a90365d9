import type { V1Node } from '@kubernetes/client-node';
import { refOf } from '../cluster/query.js';
import type { Analyzer, AnalyzerFinding } from './analyzer.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';

/**
 * Node: NotReady (or Unknown: the kubelet stopped reporting), and pressure conditions that are
 * True. Healthy conditions (MemoryPressure=False …) are never findings (a k8sgpt false positive).
 */
const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

export function analyzeNode(node: V1Node): AnalyzerFinding[] {
  const ref = refOf(node, 'Node');
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const pressures = conditions.filter((c) => PRESSURE.includes(c.type) && c.status === 'True');
  const facts = { node: ref.name };
  if (ready && ready.status !== 'True') {
    return [makeFinding({
      type: 'node_not_ready', subject: ref,
      summary: `Node ${ref.name} is NotReady (Ready=${ready.status}${ready.reason ? `, ${ready.reason}` : ''})${ready.message ? `: ${ready.message.replace(/\.+$/, '')}` : ''}.`,
      confidence: 0.95,
      evidence: [fieldEvidence(ref, 'status.conditions[Ready].status', ready.status), ...(ready.message ? [fieldEvidence(ref, 'status.conditions[Ready].message', ready.message)] : []),
        ...pressures.map((c) => fieldEvidence(ref, `status.conditions[${c.type}].status`, c.status))],
      facts,
    })];
  }
  return pressures.map((c) => makeFinding({
    type: 'node_not_ready', subject: ref,
    summary: `Node ${ref.name} is Ready but under ${c.type}${c.message ? `: ${c.message}` : ''}; the kubelet evicts pods and refuses new ones.`,
    confidence: 0.75,
    evidence: [fieldEvidence(ref, `status.conditions[${c.type}].status`, 'True'), ...(c.message ? [fieldEvidence(ref, `status.conditions[${c.type}].message`, c.message)] : [])],
    facts,
  }));
}

export const nodeAnalyzer: Analyzer = {
  kind: 'Node',
  analyze: (ctx) => ctx.scope.nodes.flatMap(analyzeNode),
};
