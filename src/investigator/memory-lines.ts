import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ResourceRef } from '../domain/diagnosis.js';
import type { ClusterSnapshot } from './cluster/snapshot.js';
import { stripTimestamp } from './logs/extract.js';

/**
 * The raw evidence lines an incident is remembered by besides its diagnosis (the incident
 * memory's text: src/incidents/memory/document.ts). A diagnosis quotes the evidence of the cause
 * it recognised; when it recognised none (`unknown`) it quotes almost nothing, and every such
 * incident would look alike. What tells incidents apart is in the evidence itself: the failing
 * log lines, the events' reasons and messages, the containers' waiting and termination reasons,
 * the conditions that do not hold, the images, the names (never the values) of the environment
 * variables and what they come from, and the notes pasted with the output.
 *
 * Only the pods of the subject when the snapshot holds any (a workload's pods by name prefix),
 * else every pod; at most MAX_LINES lines of at most MAX_CHARS characters, the same line once.
 * The snapshot is already redacted; the memory masks the text once more before storing it.
 */
const MAX_LINES = 40;
const MAX_CHARS = 300;
const LOG_LINES_PER_CONTAINER = 6;
const FAILING = /\b(?:error|err|fail(?:ed|ure|ing)?|fatal|panic|exception|refused|timed? ?out|denied|forbidden|unauthori[sz]ed|not found|no such|unable|cannot|can't|could not|invalid|killed|oom|warn(?:ing)?|exit(?:ed)?|unreachable|rejected|expired|missing)\b/i;

function podsOf(snapshot: ClusterSnapshot, subject: ResourceRef | undefined): V1Pod[] {
  const name = subject?.name;
  if (!name) return snapshot.pods;
  const own = snapshot.pods.filter((p) => {
    const n = p.metadata?.name ?? '';
    return n === name || n.startsWith(`${name}-`);
  });
  return own.length ? own : snapshot.pods;
}

function containerLines(c: V1Container): string[] {
  const env = (c.env ?? []).map((e) => e.name + (e.valueFrom?.secretKeyRef ? ` from secret ${e.valueFrom.secretKeyRef.name}` : e.valueFrom?.configMapKeyRef ? ` from configmap ${e.valueFrom.configMapKeyRef.name}` : ''));
  const from = (c.envFrom ?? []).map((e) => (e.secretRef ? `secret ${e.secretRef.name}` : e.configMapRef ? `configmap ${e.configMapRef.name}` : '')).filter(Boolean);
  return [
    ...(c.image ? [`image "${c.image}"`] : []),
    ...(env.length ? [`env ${env.join(', ')}`] : []),
    ...(from.length ? [`env from ${from.join(', ')}`] : []),
  ];
}

function podLines(pod: V1Pod): string[] {
  const out: string[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) out.push(...containerLines(c));
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    for (const state of [s.state, s.lastState]) {
      if (state?.waiting?.reason) out.push([state.waiting.reason, state.waiting.message].filter(Boolean).join(': '));
      const t = state?.terminated;
      if (t && (t.reason !== 'Completed' || t.exitCode !== 0)) out.push([`${t.reason ?? 'Terminated'} exit code ${t.exitCode}`, t.message].filter(Boolean).join(': '));
    }
  }
  if (pod.status?.reason || pod.status?.message) out.push([pod.status.reason, pod.status.message].filter(Boolean).join(': '));
  for (const c of pod.status?.conditions ?? []) if (c.status !== 'True' && (c.reason || c.message)) out.push(`${c.type} ${c.reason ?? ''}: ${c.message ?? ''}`);
  return out;
}

export function memoryLines(snapshot: ClusterSnapshot, subject?: ResourceRef): string[] {
  const pods = podsOf(snapshot, subject);
  const podNames = new Set(pods.map((p) => p.metadata?.name));
  const onlyOwn = pods.length < snapshot.pods.length;
  const lines: string[] = [];
  for (const n of snapshot.notes) lines.push(n.text);
  for (const e of snapshot.events) {
    if (e.type === 'Normal') continue;
    if (onlyOwn && e.involvedObject?.kind === 'Pod' && !podNames.has(e.involvedObject.name)) continue;
    lines.push([e.reason, e.message].filter(Boolean).join(': '));
  }
  for (const p of pods) lines.push(...podLines(p));
  for (const log of snapshot.logs) {
    if (onlyOwn && !podNames.has(log.pod)) continue;
    // The last failing lines: the failure right before the exit, not one long fixed.
    lines.push(...log.lines.map(stripTimestamp).filter((l) => FAILING.test(l)).slice(-LOG_LINES_PER_CONTAINER));
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of lines) {
    const l = raw.replace(/\s+/g, ' ').trim().slice(0, MAX_CHARS);
    if (!l || seen.has(l)) continue;
    seen.add(l);
    out.push(l);
    if (out.length === MAX_LINES) break;
  }
  return out;
}
