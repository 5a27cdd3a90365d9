import type { EvidenceItem, ResourceRef } from '../domain/diagnosis.js';
import type { AnalyzerFinding } from './analyzers/analyzer.js';
import type { AnalysisContext } from './analyzers/context.js';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { eventEvidence, fieldEvidence, logEvidence } from './analyzers/evidence.js';
import { makeFinding } from './analyzers/finding.js';
import { isPodReady, podStatusText, ranToCompletion } from './analyzers/pod-status.js';
import { isPodOfSettledJob } from './analyzers/job-state.js';
import { refOf } from './cluster/query.js';
import { UNNAMED } from './cluster/snapshot.js';
import { TABLE_ANNOTATION } from './sources/kubectl-text/get-table.js';

/**
 * Warning events about what is asked (for a namespace: about anything in scope, or about nothing
 * named) that no rule explained: the cluster said something is wrong.
 */
function unexplainedWarnings(ctx: AnalysisContext, target: ResourceRef): CoreV1Event[] {
  const names = new Set<string>([target.name, ...ctx.scope.pods.map((p) => p.metadata?.name ?? '')]);
  return ctx.snapshot.events.filter((e) => {
    if (e.type !== 'Warning') return false;
    const about = e.involvedObject?.name ?? '';
    const ns = e.involvedObject?.namespace;
    if (about === '' || about === UNNAMED || names.has(about)) return true;
    return target.kind === 'Namespace' && (ctx.namespace === undefined || ns === undefined || ns === ctx.namespace);
  });
}

/** The object an event is about, when the event names one (a pasted events table may not). */
function namedSubject(e: CoreV1Event): ResourceRef | undefined {
  const o = e.involvedObject;
  if (!o?.name || o.name === UNNAMED) return undefined;
  return { kind: o.kind ?? 'Pod', name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) };
}

/** A Warning event no rule explains is never "no issue": the answer is unknown, the event quoted. */
function warningsFinding(target: ResourceRef, warnings: readonly CoreV1Event[], state: string): AnalyzerFinding {
  const latest = warnings.slice(-3);
  const last = latest[latest.length - 1]!;
  const lastAbout = namedSubject(last);
  const about = lastAbout ? ` about ${lastAbout.kind.toLowerCase()} ${lastAbout.name}` : '';
  return makeFinding({
    type: 'unknown',
    subject: target,
    summary: `${warnings.length > 1 ? `${warnings.length} Warning events` : 'A Warning event'} that no rule explains${about}: ${last.reason ?? 'Warning'}: "${(last.message ?? '').trim().slice(0, 300)}". ${state}; the event says something is wrong that Syntra does not recognise.`,
    confidence: 0.4,
    evidence: latest.map((e) => eventEvidence(namedSubject(e) ?? target, e)),
    facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
  });
}

function nothingToCheck(ctx: AnalysisContext, target: ResourceRef): AnalyzerFinding {
  const warnings = unexplainedWarnings(ctx, target);
  if (warnings.length > 0) return warningsFinding(target, warnings, 'The evidence holds no object state beside it');
  const lines = ctx.snapshot.logs.flatMap((l) => l.lines.filter((x) => x.trim() !== '').slice(-3).map((x) => logEvidence(target, l.container, l.previous, x))).slice(-5);
  const notes = ctx.snapshot.notes.slice(-3).map((n) => fieldEvidence(target, n.input, n.text));
  const seen = [...lines, ...notes];
  return makeFinding({
    type: 'unknown',
    subject: target,
    summary: seen.length > 0
      ? `No known failure is recognised in what was given (${[lines.length ? 'log lines' : '', notes.length ? 'messages' : ''].filter(Boolean).join(', ')}), and it holds no object state to check; the last lines are quoted as evidence.`
      : 'The evidence holds no object state, events or logs to check.',
    confidence: 0.3,
    evidence: seen,
    facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
  });
}

/**
 * A Service known only from a `kubectl get` row (no selector: `-o wide` was not used) with no
 * Endpoints beside it: whether anything serves it is not in the evidence, so it is not healthy by it.
 */
function unjudgedService(ctx: AnalysisContext, target: ResourceRef): AnalyzerFinding | undefined {
  if (target.kind !== 'Service') return undefined;
  const svc = ctx.cluster.get('Service', target.namespace, target.name);
  if (!svc || svc.spec?.selector || svc.spec?.type === 'ExternalName' || ctx.cluster.get('Endpoints', target.namespace, target.name)) return undefined;
  return makeFinding({
    type: 'unknown',
    subject: target,
    summary: `Service ${target.name} is listed, but neither its selector nor its endpoints were given, so whether any pod serves it cannot be checked: \`kubectl get endpoints ${target.name}\` or \`kubectl describe svc ${target.name}\` shows it.`,
    confidence: 0.35,
    evidence: [fieldEvidence(target, 'spec.selector', '<not given>')],
    facts: { service: target.name },
  });
}

/**
 * The answer when no rule found a problem. `no_issue_found` only when there was state to check
 * and it is healthy — saying what was checked and what was not available ("no logs were
 * given"); when the evidence holds nothing to check (logs or text no rule recognises), the honest
 * answer is `unknown`, quoting what was seen.
 */
export function noIssueFinding(ctx: AnalysisContext, target: ResourceRef): AnalyzerFinding {
  const pods = ctx.scope.pods;
  const objects = Object.values(ctx.scope).reduce((n, list) => n + list.length, 0);
  if (objects === 0) return nothingToCheck(ctx, target);
  const evidence: EvidenceItem[] = [];
  // A pod without its phase that ran to completion: say so beside the runtime's reason word (it may read `Error`).
  const completedText = (pod: V1Pod): string => (pod.status?.phase === undefined && ranToCompletion(pod) ? ' (every container exited 0: completed)' : '');
  for (const pod of pods.slice(0, 5)) evidence.push(fieldEvidence(refOf(pod, 'Pod'), 'status', `${podStatusText(pod)}${completedText(pod)}, ready=${isPodReady(pod)}`));
  const w = [...ctx.scope.deployments, ...ctx.scope.statefulSets][0];
  if (w) evidence.push(fieldEvidence(target, 'status.readyReplicas/spec.replicas', `${w.status?.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`));
  const warnings = ctx.snapshot.events.filter((e) => e.type === 'Warning' && e.involvedObject?.name === target.name).length;
  evidence.push(fieldEvidence(target, 'warning events', String(warnings)));
  const hasStatus = pods.length > 0 ? pods.every((p) => p.status?.phase !== undefined) : true;
  const eventsKnown = ctx.snapshot.events.length > 0;
  const logsKnown = pods.some((p) => ctx.cluster.logsOfPod(p.metadata?.namespace, p.metadata?.name ?? '').length > 0);
  // Completion inferred for a pod whose phase the evidence does not give (a fragment) keeps it out of `stuck`,
  // but earns no confidence: the phase was not reported, only read from its containers.
  const allReady = pods.every((p) => p.status?.phase === 'Succeeded' || isPodReady(p));
  // A pod that is not ready, or not running, with nothing that explains it is not "no issue".
  // (A failed pod of a Job that later succeeded is history, not a problem.)
  const stuck = pods.filter((p) => !ranToCompletion(p) && !isPodReady(p) && !(p.status?.phase === 'Failed' && isPodOfSettledJob(ctx.cluster, p)));
  if (stuck.length > 0) {
    return makeFinding({
      type: 'unknown',
      subject: target,
      summary: `Pod ${stuck.map((p) => p.metadata?.name).join(', ')} ${stuck.length > 1 ? 'are' : 'is'} not ready (${stuck.map((p) => podStatusText(p)).join(', ')}) and the evidence does not say why${eventsKnown ? '' : ' (no events were given)'}${logsKnown ? '' : ' (no logs were given)'}.`,
      confidence: 0.4,
      evidence,
      facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
    });
  }
  // kubectl itself reported an error about what is asked, and no rule explains it: the state looks
  // healthy and kubectl disagrees, so the honest answer is that something is wrong, quoting it.
  const complaints = ctx.snapshot.notes.filter((n) => n.origin === 'kubectl-error' && (target.kind === 'Namespace' || n.text.includes(target.name)));
  if (complaints.length > 0) {
    const runningPod = target.kind === 'Pod' && pods.some((p) => p.metadata?.name === target.name && p.status?.phase === 'Running');
    const doesNotExist = complaints.some((n) => /does not exist|not found/.test(n.text));
    return makeFinding({
      type: 'unknown',
      subject: target,
      summary: `${target.kind} ${target.name} looks healthy (${pods.map((p) => `${p.metadata?.name} ${podStatusText(p)}`).slice(0, 3).join(', ') || 'its state'}), but kubectl reported: "${complaints[0]!.text.trim()}". No rule explains the difference.${runningPod && doesNotExist
        ? ' A pod that kubectl get shows running but kubectl logs or exec cannot find is one the API server looked for on another kubelet: check the address (and the name resolution) of the node it runs on.' : ''}`,
      confidence: 0.4,
      evidence: [...evidence.slice(0, 3), ...complaints.slice(0, 3).map((n) => fieldEvidence(target, `kubectl (${n.input})`, n.text))],
      facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
    });
  }
  const blind = unjudgedService(ctx, target);
  if (blind) return blind;
  const warned = unexplainedWarnings(ctx, target);
  if (warned.length > 0) return warningsFinding(target, warned, `The state looks healthy (${pods.map((p) => `${p.metadata?.name} ${podStatusText(p)}`).slice(0, 3).join(', ') || 'its objects'})`);
  // A `kubectl get` row is a summary (READY, STATUS, RESTARTS): healthy by it is weaker than healthy by the object.
  const fromTables = pods.length > 0 && pods.every((p) => p.metadata?.annotations?.[TABLE_ANNOTATION] !== undefined);
  const confidence = 0.55 + (hasStatus ? 0.1 : 0) + (eventsKnown ? 0.1 : 0) + (allReady ? 0.1 : 0) + (logsKnown ? 0.05 : 0) - (fromTables ? 0.1 : 0);
  const checked = [`${pods.length} pod(s)`, eventsKnown ? 'events' : undefined, logsKnown ? 'logs' : undefined].filter(Boolean).join(', ');
  const missing = [eventsKnown ? undefined : 'no events were given', logsKnown || pods.length === 0 ? undefined : 'no logs were given'].filter(Boolean).join('; ');
  return makeFinding({
    type: 'no_issue_found',
    subject: target,
    summary: `No issue found for ${target.kind.toLowerCase()} ${target.name}: checked ${checked}; ${allReady ? 'all pods ready' : pods.some((p) => ranToCompletion(p) && p.status?.phase === undefined) ? 'every container exited 0 (run to completion)' : 'status complete'}${missing ? ` (${missing})` : ''}.`,
    confidence,
    evidence,
    facts: { workload: `${target.kind.toLowerCase()}/${target.name}` },
  });
}
