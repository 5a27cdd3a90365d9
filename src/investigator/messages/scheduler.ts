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
  /** What the clause means, in plain words, for "N node(s) …" (e.g. "have their host ports taken"). */
  says: string;
  /** Nodes kept out on purpose (cordoned), like taints and selectors: not a failure of a node the pod wants. */
  exclusion?: boolean;
}

const CONTROL_PLANE_TAINT = /node-role\.kubernetes\.io\/(?:control-plane|master)/;

type Reading = Omit<Clause, 'count' | 'text'>;

/**
 * Every reason the scheduler has printed, from the upstream source: the framework plugins'
 * `ErrReason…` constants (pkg/scheduler/framework/plugins/*: nodeunschedulable, nodename,
 * tainttoleration, nodeaffinity, nodeports, noderesources, volumerestrictions, nodevolumelimits,
 * volumebinding, volumezone, podtopologyspread, interpodaffinity) and, for clusters before 1.17,
 * the predicates' failure errors (pkg/scheduler/algorithm/predicates/error.go, which also named the
 * node conditions: memory/disk/PID pressure, out of disk, not ready, network unavailable).
 * The taints the node lifecycle controller sets for a node condition
 * (`node.kubernetes.io/not-ready`, `…/memory-pressure`, …) are that condition, not a taint someone chose.
 * Rank: the later the filter, the more the pod wanted that node (see above); node conditions are
 * checked first of all.
 */
const CLAUSES: readonly [RegExp, Reading][] = [
  // Before 1.10 the scheduler named its predicates: `NodeUnderMemoryPressure (1)`, `MatchNodeSelector (18)`.
  [/NodeUnder(?:Memory|Disk|PID)Pressure|CheckNode(?:Memory|Disk|PID)Pressure|NodeOutOfDisk/, { type: 'node_pressure', rank: 6, says: 'are under resource pressure' }],
  [/^MatchNodeSelector\b|^HostName\b|^CheckNodeLabelPresence\b/, { type: 'unschedulable_node_selector', rank: 3, says: 'do not match its node selector' }],
  [/^PodToleratesNodeTaints\b/, { type: 'unschedulable_taint', rank: 1, says: 'have taints it does not tolerate' }],
  [/^(?:NoVolumeZoneConflict|NoVolumeNodeConflict|VolumeNodeAffinityConflict|VolumeBindingNoMatch|NoDiskConflict)\b/, { type: 'unschedulable_pvc', rank: 5, says: 'cannot give it its volumes' }],
  [/^MaxVolumeCount\b/, { type: 'node_capacity_exhausted', rank: 5, says: 'have as many volumes attached as they can take' }],
  [/^PodFitsHostPorts\b/, { type: 'unschedulable_insufficient_resources', rank: 4, says: 'have the host ports it asks for already taken' }],
  [/^MatchInterPodAffinity\b|^CheckServiceAffinity\b/, { type: 'unschedulable_affinity', rank: 2, says: 'do not satisfy its pod (anti-)affinity rules' }],
  [/^NodeNotReady\b|^NodeNetworkUnavailable\b|^NodeUnknownCondition\b/, { type: 'node_not_ready', rank: 0, says: 'are not ready' }],
  // Node conditions, as the predicates said them and as the lifecycle controller's taints say them.
  [/had (memory|disk|pid) pressure|were out of disk space|taints? \{node\.kubernetes\.io\/(?:memory|disk|pid)-pressure|taints? \{node\.kubernetes\.io\/out-of-disk/i, { type: 'node_pressure', rank: 6, says: 'are under resource pressure' }],
  [/were not ready|had unavailable network|had unknown conditions|taints? \{node\.kubernetes\.io\/(?:not-ready|unreachable|network-unavailable)/i, { type: 'node_not_ready', rank: 0, says: 'are not ready' }],
  // Cordoned (`kubectl cordon`, a drain, an upgrade): no pod may be placed there on purpose.
  [/were unschedulable|taints? \{node\.kubernetes\.io\/unschedulable/i, { type: 'node_not_ready', rank: 0, says: 'are cordoned (spec.unschedulable)', exclusion: true }],
  [/unbound (?:immediate )?PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|volume node affinity conflict|didn't find available persistent volumes to bind|had no available (?:disk|volume zone)|did not have enough free storage|pvc\(s\) bound to non-existent pv|ReadWriteOncePod access mode/i, { type: 'unschedulable_pvc', rank: 5, says: 'cannot give it its volumes' }],
  [/exceed max volume count/i, { type: 'node_capacity_exhausted', rank: 5, says: 'have as many volumes attached as they can take (exceed max volume count)' }],
  // The pods-per-node limit is capacity of its own: more CPU or memory would not place the pod.
  [/Too many pods|Insufficient pods/i, { type: 'node_capacity_exhausted', rank: 4, says: 'have no room for more pods' }],
  [/Insufficient /i, { type: 'unschedulable_insufficient_resources', rank: 4, says: 'have too little free for its requests' }],
  // A host port is a node resource: one pod per node may hold it (hostPort, hostNetwork), so a
  // rolling update of such a pod on a single node waits for the old pod forever.
  [/didn't have free ports for the requested pod ports/i, { type: 'unschedulable_insufficient_resources', rank: 4, says: 'have the host ports it asks for (hostPort / hostNetwork) already taken, by another pod on that node' }],
  [/didn't match Pod's node affinity(?:\/selector)?|didn't match node selector|didn't match the requested (?:node ?name|hostname)|didn't have the requested labels|didn't match scheduler-enforced node affinity/i, { type: 'unschedulable_node_selector', rank: 3, says: 'do not match its node selector / required node affinity' }],
  [/pod affinity|anti-affinity|didn't match pod topology spread|didn't match service affinity/i, { type: 'unschedulable_affinity', rank: 2, says: 'do not satisfy its pod (anti-)affinity or topology spread rules' }],
  [/taint/i, { type: 'unschedulable_taint', rank: 1, says: 'have taints it does not tolerate' }],
];

function classifyClause(text: string): Reading | undefined {
  return CLAUSES.find(([re]) => re.test(text))?.[1];
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
  const others = pool.filter((c) => c.type !== clause.type && !EXCLUSIONS.has(c.type) && !c.exclusion);
  return { clause, ...(others.length > 0 ? { mixed: others } : {}) };
}
