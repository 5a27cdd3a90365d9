import type { CoreV1Event } from '@kubernetes/client-node';
import type { EvidenceItem, ResourceRef } from '../../domain/diagnosis.js';
import { refKey, refOf } from '../cluster/query.js';
import { UNNAMED } from '../cluster/snapshot.js';
import { matchMessage, type MessageMatch } from '../messages/catalogue.js';
import type { AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { eventEvidence, fieldEvidence, logEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { listedAlternatives } from './listed-alternatives.js';
import { inScope, subjectText } from './scope.js';
import { isStub } from '../bind.js';

/**
 * Findings from what Kubernetes said (messages/catalogue.ts), wherever it said it: events,
 * status and condition messages, kubectl errors and sentences pasted on their own, lines of a
 * controller's log. Object analyzers read the same messages with the object's full state beside
 * them; this one fills what they could not see — a fragment without a status, an event about an
 * object that is not in the evidence, a message with no object at all — and never repeats a
 * finding an object analyzer already made for the same subject and type.
 */
interface Heard {
  subject: ResourceRef;
  match: MessageMatch;
  evidence: EvidenceItem;
}

/** Pod, workload and condition messages of the objects in scope. */
function statusMessages(ctx: AnalysisContext): { subject: ResourceRef; path: string; text: string }[] {
  const out: { subject: ResourceRef; path: string; text: string }[] = [];
  const s = ctx.scope;
  for (const pod of s.pods) {
    const ref = refOf(pod, 'Pod');
    // A reason alone says enough when the kubelet set it (`OutOfcpu` in a get pods row, `NodeLost`).
    if (pod.status?.message || pod.status?.reason) out.push({ subject: ref, path: pod.status.message ? 'status.message' : 'status.reason', text: `${pod.status.reason ?? ''} ${pod.status.message ?? ''}`.trim() });
    for (const c of pod.status?.conditions ?? []) if (c.message) out.push({ subject: ref, path: `status.conditions[${c.type}].message`, text: c.message });
    for (const cs of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
      for (const [path, st] of [['state', cs.state], ['lastState', cs.lastState]] as const) {
        const msg = st?.waiting?.message ?? st?.terminated?.message;
        if (msg) out.push({ subject: ref, path: `status.containerStatuses[${cs.name}].${path}.message`, text: msg });
      }
    }
  }
  const withConditions = [
    ...s.deployments.map((o) => [refOf(o, 'Deployment'), o.status?.conditions] as const),
    ...s.replicaSets.map((o) => [refOf(o, 'ReplicaSet'), o.status?.conditions] as const),
    ...s.statefulSets.map((o) => [refOf(o, 'StatefulSet'), o.status?.conditions] as const),
    ...s.jobs.map((o) => [refOf(o, 'Job'), o.status?.conditions] as const),
    ...s.horizontalPodAutoscalers.map((o) => [refOf(o, 'HorizontalPodAutoscaler'), o.status?.conditions] as const),
  ];
  for (const [ref, conditions] of withConditions) {
    for (const c of conditions ?? []) if (c.message && c.status !== (c.type === 'Available' || c.type === 'AbleToScale' || c.type === 'ScalingActive' ? 'True' : 'False')) out.push({ subject: ref, path: `status.conditions[${c.type}].message`, text: `${c.reason ?? ''} ${c.message}`.trim() });
  }
  return out;
}

/** The object an event, note or log line is about: what it names, else where it came from, else the question's target. */
function subjectOf(ctx: AnalysisContext, match: MessageMatch, from: ResourceRef | undefined): ResourceRef | undefined {
  const candidates = [match.names, from].filter((r): r is NonNullable<typeof r> => r !== undefined && r.name !== '' && r.name !== UNNAMED);
  for (const c of candidates) {
    const found = ctx.cluster.find(c);
    if (found) return refOf(found, c.kind);
    // A pod created from `generateName` by a ReplicaSet that is not in the evidence: its Deployment may be.
    if (c.kind === 'ReplicaSet') {
      const w = ctx.cluster.workloadOf({ ...c, kind: 'ReplicaSet' });
      if (w.kind !== 'ReplicaSet') return w;
    }
  }
  if (ctx.target) return ctx.target;
  return candidates[0] ?? from;
}

function eventSubject(ev: CoreV1Event): ResourceRef | undefined {
  const o = ev.involvedObject;
  if (!o?.name) return undefined;
  return { kind: o.kind ?? 'Pod', name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) };
}

const NEW_RECORD = /^\s*(?:\d{4}-\d\d-\d\d|[A-Z][a-z]{2} \d|\[|[IWEF]\d{4} |\{|at\s)/;

/**
 * A message a terminal wrapped onto the next line (`Container x was using …` under `The node was low on
 * …`). A Go error chain broken after its colons (`failed calling webhook "x": failed to call webhook:` /
 * `Post "https://…":` / `net/http: request canceled …`) goes on while the line ends with one.
 */
function withContinuation(lines: readonly string[], i: number): string {
  let text = lines[i]!;
  for (let j = i + 1; j < lines.length && j <= i + 3; j += 1) {
    const next = lines[j]!;
    if (next.trim() === '' || NEW_RECORD.test(next)) break;
    const open = j === i + 1 || /:\s*$/.test(text);
    if (!open) break;
    text = `${text.trimEnd()} ${next.trim()}`;
  }
  return text;
}

/**
 * What was heard in one context, read once: withReasons and analyzeMessages both ask for it, and on
 * a large namespace the reading (every event, status message and log line through the catalogue)
 * is about an eighth of the analyzers' time (5,000-pod dump, `node --cpu-prof`).
 */
const heardIn = new WeakMap<AnalysisContext, readonly Heard[]>();

function heardMessages(ctx: AnalysisContext): readonly Heard[] {
  let heard = heardIn.get(ctx);
  if (!heard) {
    heard = hearAll(ctx);
    heardIn.set(ctx, heard);
  }
  return heard;
}

function hearAll(ctx: AnalysisContext): Heard[] {
  const heard: Heard[] = [];
  const hear = (text: string, from: ResourceRef | undefined, evidence: (subject: ResourceRef) => EvidenceItem) => {
    const match = matchMessage(text);
    if (!match) return;
    const subject = subjectOf(ctx, match, from) ?? { kind: 'Pod', name: UNNAMED };
    if (!inScope(ctx, subject)) return;
    heard.push({ subject, match, evidence: evidence(subject) });
  };
  for (const ev of ctx.snapshot.events) {
    // Normal events that still report trouble: a node going NotReady, an eviction, a container killed for its probe.
    if (ev.type === 'Normal' && !/NotReady|Evict|OOM|Pressure|Failed|BackOff|Exceeded/.test(ev.reason ?? '') && !(ev.reason === 'Killing' && /probe/.test(ev.message ?? ''))) continue;
    hear(`${ev.reason ?? ''}: ${ev.message ?? ''}`, eventSubject(ev), (subject) => eventEvidence(subject, ev));
  }
  for (const m of statusMessages(ctx)) hear(m.text, m.subject, () => fieldEvidence(m.subject, m.path, m.text));
  for (const note of ctx.snapshot.notes) hear(note.text, undefined, (subject) => ({ kind: 'field', resource: subject, path: note.origin === 'kubectl-error' ? `kubectl (${note.input})` : note.input, value: note.text }));
  for (const log of ctx.snapshot.logs) {
    const from: ResourceRef = { kind: 'Pod', name: log.pod, ...(log.namespace ? { namespace: log.namespace } : {}) };
    log.lines.forEach((line, i) => hear(withContinuation(log.lines, i), from, (subject) => logEvidence(subject, log.container, log.previous, line)));
  }
  return heard;
}

/** Consequences a message can report; where an object analyzer already named a cause they add nothing. */
const CONSEQUENCES: ReadonlySet<string> = new Set(['crash_loop', 'probe_failure', 'unknown', 'rollout_stuck', 'job_failed']);

export function analyzeMessages(ctx: AnalysisContext, already: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  // An object analyzer's finding stands unless the message is more specific (it names what the
  // object's own state could not: the secret behind a CreateContainerConfigError in a table row).
  const found = new Map<string, number>();
  for (const f of already) {
    const key = `${refKey(f.subject)}|${f.type}`;
    found.set(key, Math.max(found.get(key) ?? 0, f.confidence));
  }
  const explained = new Set(already.filter((f) => !f.symptom && !CONSEQUENCES.has(f.type)).map((f) => refKey(f.subject)));
  const groups = new Map<string, Heard[]>();
  for (const h of heardMessages(ctx)) {
    const key = `${refKey(h.subject)}|${h.match.type}`;
    if ((found.get(key) ?? -1) >= h.match.confidence || (CONSEQUENCES.has(h.match.type) && explained.has(refKey(h.subject)))) continue;
    const g = groups.get(key) ?? [];
    g.push(h);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    // The most specific rule heard for this subject and type decides the wording; between equals, the
    // sentence that names more (a wrapped message read whole, not its first line joined to a stray word).
    const best = [...g].sort((a, b) => b.match.confidence - a.match.confidence || b.match.cause.length - a.match.cause.length)[0]!;
    const evidence = [...new Map(g.map((h) => [h.evidence.value, h.evidence])).values()].slice(0, 3);
    const times = g.length > 1 ? ` (seen ${g.length} times)` : '';
    // One sentence about an object the evidence does not hold (pasted alone, a cut Events section):
    // a fragment, said below the 0.7 a person acts on.
    const held = best.subject.name === UNNAMED ? undefined : ctx.cluster.find(best.subject);
    const fragment = g.length === 1 && (held === undefined || isStub(held as { metadata?: { annotations?: Record<string, string> } }));
    const f = makeFinding({
      type: best.match.type,
      subject: best.subject,
      summary: `${subjectText(best.subject)}: ${best.match.cause}${listedAlternatives(ctx.snapshot, best.match.facts)}${times}.`,
      confidence: fragment ? Math.min(best.match.confidence, 0.68) : best.match.confidence,
      evidence,
      facts: { ...best.match.facts, ...(best.subject.kind === 'Pod' && best.subject.name !== UNNAMED ? { pod: best.subject.name } : {}), workload: `${best.subject.kind.toLowerCase()}/${best.subject.name}` },
    });
    return best.match.symptom ? { ...f, symptom: true } : f;
  });
}

/**
 * An object's state that says *what* (Node k8s-2 NotReady, from a `get nodes` row) beside a message
 * that says *why* (`runtime network not ready: ... cni config uninitialized`, pasted from its
 * describe): the object finding stands, with the reason and its evidence added. Only findings
 * whose evidence holds no message of their own are completed.
 */
export function withReasons(ctx: AnalysisContext, objects: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const thin = objects.filter((f) => !f.evidence.some((e) => matchMessage(e.value)));
  if (thin.length === 0) return [...objects];
  const heard = heardMessages(ctx);
  return objects.map((f) => {
    if (!thin.includes(f)) return f;
    const why = heard.filter((h) => h.match.type === f.type && refKey(h.subject) === refKey(f.subject) && !f.evidence.some((e) => e.value === h.evidence.value));
    const best = [...why].sort((a, b) => b.match.confidence - a.match.confidence)[0];
    if (!best) return f;
    return { ...f, summary: `${f.summary.replace(/\.$/, '')}: ${best.match.cause}.`, evidence: [...f.evidence, best.evidence] };
  });
}
