import type { RootCauseType } from '../../domain/diagnosis.js';

/**
 * The scheduler's summary of why a pod fits no node, one clause per reason with the number of
 * nodes it ruled out: "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't match Pod's
 * node affinity/selector. preemption: ...". Read the same way wherever it arrives (a
 * FailedScheduling event, a PodScheduled condition, a message pasted alone).
 *
 * The scheduler runs its filters in order — taints, node affinity and selectors, resources,
 * volumes — and reports, per node, the first one that node fails. A node reported for a later
 * filter passed the earlier ones: it is a node the pod was meant for. So the clause of the latest
 * filter decides (4 nodes outside the selector and 1 without CPU: the pod wants that one node, and
 * it lacks CPU), the count breaks ties, and control-plane taints are background noise. Taints and
 * selectors (and pod affinity) exclude nodes on purpose; when other real failures (resources, volumes)
 * rule out nodes too, the message is `mixed`: fixing the chosen reason alone may not place the pod.
 */
export interface Clause {
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
  // The pods-per-node limit is capacity of its own: more CPU or memory would not place the pod.
  if (/Too many pods|Insufficient pods/i.test(text)) return { type: 'node_capacity_exhausted', rank: 4 };
  if (/Insufficient /i.test(text)) return { type: 'unschedulable_insufficient_resources', rank: 4 };
  if (/didn't match Pod's node affinity\/selector|node\(s\) didn't match node selector/i.test(text)) return { type: 'unschedulable_node_selector', rank: 3 };
  if (/pod affinity|anti-affinity|didn't match pod topology spread/i.test(text)) return { type: 'unschedulable_affinity', rank: 2 };
  if (/taint/i.test(text)) return { type: 'unschedulable_taint', rank: 1 };
  return undefined;
}

/** A scheduler summary: `0/3 nodes are available: …`, or the pre-1.10 `No nodes are available that match all of the following predicates::`. */
export const SCHEDULER_SUMMARY = /\b\d+\/\d+ nodes are available:|No nodes are available that match all of the following predicates/;

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

export interface ScheduleReading {
  clause: Clause;
  /** Other real failures (not exclusions) that rule out nodes too. */
  mixed?: Clause[];
}

/**
 * Exclusions a pod spec asks for (taints it does not tolerate, nodes outside its selector, nodes
 * without the pods it wants near or away from): not failures of the nodes it wants.
 */
const EXCLUSIONS: ReadonlySet<RootCauseType> = new Set(['unschedulable_taint', 'unschedulable_node_selector', 'unschedulable_affinity']);

export function readSchedulingMessage(message: string): ScheduleReading | undefined {
  const clauses = parseSchedulingMessage(message);
  const meaningful = clauses.filter((c) => !(c.type === 'unschedulable_taint' && CONTROL_PLANE_TAINT.test(c.text)));
  const pool = meaningful.length > 0 ? meaningful : clauses;
  const clause = [...pool].sort((a, b) => b.rank - a.rank || b.count - a.count)[0];
  if (!clause) return undefined;
  const others = pool.filter((c) => c.type !== clause.type && !EXCLUSIONS.has(c.type));
  return { clause, ...(others.length > 0 ? { mixed: others } : {}) };
}
