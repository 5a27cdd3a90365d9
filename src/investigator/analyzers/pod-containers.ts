import type { AnalyzerFinding } from './analyzer.js';
import { classifyContainerLogs } from '../logs/classify.js';
import { eventEvidence, fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { crashFinding, logFinding } from './pod-crash.js';
import { configErrorFinding } from './pod-config.js';
import { baseFacts, nodeLink, type PodFacts } from './pod-facts.js';
import { IMAGE_PULL_REASONS, imagePullFinding } from './pod-image.js';
import { containerEvents, type ContainerView } from './pod-status.js';

/**
 * Waiting reasons of a container the runtime failed to create or start, or whose lifecycle hook
 * failed (the kubelet then kills it): pkg/kubelet/kuberuntime and pkg/kubelet/container/sync_result.go.
 * Their message, when given, says why, as a crash's would; a hook error without it (a get table) is
 * read as what it means (OTHER_WAITING).
 */
const START_FAILURES = ['CreateContainerError', 'RunContainerError', 'StartError', 'PreCreateHookError', 'PreStartHookError', 'PostStartHookError'];

/** The other kubelet waiting reasons, read as what they mean when nothing else is known. */
const OTHER_WAITING: Readonly<Record<string, string>> = {
  PreCreateHookError: 'a hook run before the container was created failed',
  PreStartHookError: 'a hook run before the container started failed',
  PostStartHookError: 'its postStart lifecycle hook failed, so the kubelet killed the container (the hook\'s output is in `kubectl describe pod` and its FailedPostStartHook event)',
  VerifyNonRootError: 'runAsNonRoot is set but the image runs as root (or as a user name the kubelet cannot verify is not root)',
  KillContainerError: 'the kubelet could not stop the container',
  CreatePodSandboxError: 'the kubelet could not create the pod sandbox (its network namespace: the CNI plugin or the runtime failed)',
  ConfigPodSandboxError: 'the kubelet could not configure the pod sandbox (its DNS or port mappings)',
  KillPodSandboxError: 'the kubelet could not stop the pod sandbox',
};

function otherWaiting(p: PodFacts, view: ContainerView, reason: string, message: string | undefined): AnalyzerFinding {
  const nonRoot = reason === 'VerifyNonRootError';
  return makeFinding({
    type: nonRoot ? 'security_context_rejected' : 'unknown', subject: p.ref,
    summary: `Container ${view.name} of pod ${p.name} is waiting with ${reason}: ${message ?? OTHER_WAITING[reason]!}.`,
    confidence: nonRoot ? 0.8 : 0.45,
    evidence: [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.reason`, reason), ...(message ? [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.message`, message)] : [])],
    facts: baseFacts(p, view.name), links: nodeLink(p),
  });
}

/** One container's current state → at most one finding (init containers are wrapped by the caller). */
export function containerFinding(p: PodFacts, view: ContainerView): AnalyzerFinding | undefined {
  const s = view.status;
  if (!s) return undefined;
  const waiting = s.state?.waiting;
  const reasonEvidence = waiting?.reason ? [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.reason`, waiting.reason)] : [];
  if (waiting?.reason && IMAGE_PULL_REASONS.includes(waiting.reason)) return imagePullFinding(p, view, waiting);
  if (waiting?.reason === 'CreateContainerConfigError') return configErrorFinding(p, view, waiting);
  if (waiting?.reason && START_FAILURES.includes(waiting.reason) && (waiting.message || !OTHER_WAITING[waiting.reason])) {
    const term = s.lastState?.terminated ?? { exitCode: /executable file not found|no such file or directory/.test(waiting.message ?? '') ? 127 : 128, message: waiting.message ?? '' };
    return crashFinding({ p, view, term, termPath: 'lastState.terminated', looping: true, evidence: [...reasonEvidence, ...(waiting.message ? [fieldEvidence(p.ref, `${view.statusPath}.state.waiting.message`, waiting.message)] : [])] });
  }
  if (waiting?.reason && OTHER_WAITING[waiting.reason]) return otherWaiting(p, view, waiting.reason, waiting.message);
  if (waiting?.reason === 'CrashLoopBackOff') {
    const term = s.lastState?.terminated;
    if (term) return crashFinding({ p, view, term, termPath: 'lastState.terminated', looping: true, evidence: [...reasonEvidence, fieldEvidence(p.ref, `${view.statusPath}.restartCount`, s.restartCount)] });
    // `kubectl get pods` shows the loop but not the exit: the logs may still say why.
    const logs = classifyContainerLogs(p.ctx.cluster.logsFor(p.namespace, p.name, view.name, false), p.ctx.cluster.logsFor(p.namespace, p.name, view.name, true));
    if (logs) return logFinding({ p, view, term: { exitCode: 1, reason: 'Error' }, termPath: 'lastState.terminated', looping: true, evidence: reasonEvidence }, logs);
    return makeFinding({
      type: 'crash_loop', subject: p.ref, summary: `Container ${view.name} of pod ${p.name} is in CrashLoopBackOff (${s.restartCount} restarts).`,
      confidence: 0.5, evidence: reasonEvidence, facts: baseFacts(p, view.name), links: nodeLink(p),
    });
  }
  const terminated = s.state?.terminated;
  if (terminated && terminated.exitCode !== 0) {
    return crashFinding({ p, view, term: terminated, termPath: 'state.terminated', looping: false, evidence: [] });
  }
  // Only the last termination is known (a describe fragment without its State line).
  const last = s.lastState?.terminated;
  if (!s.state?.running && !waiting && !terminated && last && (last.exitCode !== 0 || last.reason === 'OOMKilled')) {
    return crashFinding({ p, view, term: last, termPath: 'lastState.terminated', looping: s.restartCount > 1, evidence: [fieldEvidence(p.ref, `${view.statusPath}.restartCount`, s.restartCount)] });
  }
  if (s.state?.running) return runningFinding(p, view);
  return undefined;
}

/** A running container: not ready because of its readiness probe, or recently restarted by OOM / liveness. */
function runningFinding(p: PodFacts, view: ContainerView): AnalyzerFinding | undefined {
  const s = view.status!;
  const events = containerEvents(p.events, view.name);
  const last = s.lastState?.terminated;
  if (s.restartCount > 0 && last) {
    if (last.reason === 'OOMKilled') {
      const f = crashFinding({ p, view, term: last, termPath: 'lastState.terminated', looping: false, evidence: [fieldEvidence(p.ref, `${view.statusPath}.restartCount`, s.restartCount)] });
      return { ...f, confidence: 0.8, summary: `${f.summary.replace(/\.$/, '')}; it is running again after ${s.restartCount} restart(s).` };
    }
    if (events.some((e) => /Liveness probe failed|failed liveness probe/.test(e.message ?? ''))) {
      return crashFinding({ p, view, term: last, termPath: 'lastState.terminated', looping: false, evidence: [fieldEvidence(p.ref, `${view.statusPath}.restartCount`, s.restartCount)] });
    }
  }
  if (!s.ready && p.pod.status?.phase === 'Running') {
    const probe = events.filter((e) => e.reason === 'Unhealthy' && /Readiness probe failed/.test(e.message ?? '')).at(-1);
    if (probe) {
      return makeFinding({
        type: 'probe_failure',
        subject: p.ref,
        summary: `Container ${view.name} of pod ${p.name} is running but not ready: ${probe.message ?? 'readiness probe failed'}`.trim(),
        confidence: 0.86,
        evidence: [eventEvidence(p.ref, probe), fieldEvidence(p.ref, `${view.statusPath}.ready`, false)],
        facts: baseFacts(p, view.name),
        links: nodeLink(p),
      });
    }
  }
  return undefined;
}

/**
 * Init containers: image/config problems keep their own type; a crash becomes
 * init_container_failure naming the init container and the cause its logs give.
 */
export function initContainerFinding(p: PodFacts, view: ContainerView): AnalyzerFinding | undefined {
  const inner = containerFinding(p, view);
  if (inner && (inner.type === 'image_pull_error' || inner.type === 'container_config_error')) return inner;
  const s = view.status;
  if (!inner && s?.state?.running && p.pod.status?.phase === 'Pending') return blockedInit(p, view);
  if (!inner) return undefined;
  const cause = inner.summary.replace(/^Container .+? of pod \S+ /, '').replace(/\.$/, '');
  return {
    ...inner,
    type: 'init_container_failure',
    summary: `Init container ${view.name} of pod ${p.name} fails, so the pod never starts: it ${cause} [${inner.type}].`,
    confidence: Math.max(0.85, inner.confidence),
  };
}

/**
 * An init container still running, whose logs keep failing (e.g. waiting for a database). Without
 * such logs the pod is still held by it (scheduled, never started: `Init:0/1`), which is all that is
 * known: said as that, with little confidence, rather than as a Pending pod nobody explained.
 */
function blockedInit(p: PodFacts, view: ContainerView): AnalyzerFinding | undefined {
  const log = p.ctx.cluster.logsFor(p.namespace, p.name, view.name, false);
  const match = classifyContainerLogs(log, undefined);
  if (!match || match.tier !== 'specific') {
    // a table row does not name the init container (`(init container)`): the command shows where its name goes
    const name = view.name.startsWith('(') ? '<init-container>' : view.name;
    return makeFinding({
      type: 'init_container_failure',
      subject: p.ref,
      summary: `Init container ${view.name} of pod ${p.name} is still running and has not completed, so the pod never starts; ${log ? 'its logs name no failure' : 'its logs were not given'} (kubectl logs ${p.name} -c ${name} says what it waits for).`,
      confidence: 0.45,
      evidence: [fieldEvidence(p.ref, `${view.statusPath}.state`, 'running'), fieldEvidence(p.ref, 'status.phase', 'Pending')],
      facts: baseFacts(p, view.name),
      links: nodeLink(p),
    });
  }
  const inner = logFinding({ p, view, term: { exitCode: 0 }, termPath: 'state', looping: false, evidence: [fieldEvidence(p.ref, `${view.statusPath}.state`, 'running')] }, match);
  // the exit status logFinding appends is none here (it is still running): `(exit code 0)`, or `(terminated)` from a table row
  const cause = inner.summary.replace(/^Container .+? of pod \S+ /, '').replace(/ \((?:exit code 0|terminated)\)(?=\.|$)/, '').replace(/\.$/, '');
  return {
    ...inner,
    type: 'init_container_failure',
    summary: `Init container ${view.name} of pod ${p.name} has not completed: it ${cause} [${match.type}].`,
    evidence: inner.evidence.filter((e) => !(e.path ?? '').endsWith('.exitCode')),
    confidence: 0.75,
  };
}
