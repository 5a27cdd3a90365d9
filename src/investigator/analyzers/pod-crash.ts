import { TABLE_ANNOTATION } from '../sources/kubectl-text/get-table.js';
import { shortNameHint } from './dns-hint.js';
import type { V1ContainerStateTerminated } from '@kubernetes/client-node';
import type { EvidenceItem } from '../../domain/diagnosis.js';
import { classifyContainerLogs, type ContainerLogMatch } from '../logs/classify.js';
import { serviceAccountOf, type LogFacts } from '../logs/extract.js';
import type { AnalyzerFinding } from './analyzer.js';
import { eventEvidence, fieldEvidence, logEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { baseFacts, nodeLink, type PodFacts } from './pod-facts.js';
import { containerEvents, type ContainerView } from './pod-status.js';

/**
 * Why a container exited: the kernel OOM killer, a missing executable, what its logs say, a
 * failing liveness probe, or — only when nothing more specific is known — a plain crash loop.
 */
export interface CrashInput {
  p: PodFacts;
  view: ContainerView;
  term: V1ContainerStateTerminated;
  /** `lastState.terminated` for a crash loop, `state.terminated` for a container that stays exited. */
  termPath: string;
  looping: boolean;
  /** Evidence already gathered (e.g. the CrashLoopBackOff waiting reason). */
  evidence: EvidenceItem[];
}

const BAD_COMMAND_MESSAGE = /executable file not found|exec format error|exec: "[^"]+": no such file|exec \/\S+: no such file/;
const LIVENESS_FAILED = /Liveness probe failed|failed liveness probe|failed startup probe|Startup probe failed/;

/**
 * A `kubectl get pods` row shows a reason (`OOMKilled`, `Error`) but no exit code: the code its
 * container state carries there was filled in to make a state, and is never quoted as evidence.
 */
const exitCodeShown = (p: PodFacts): boolean => p.pod.metadata?.annotations?.[TABLE_ANNOTATION] !== 'kubectl get table';

function exitText(term: V1ContainerStateTerminated, p: PodFacts): string {
  // A table shows the code only when the runtime gave no reason (printPod's `ExitCode:N`, `Signal:N`).
  if (!exitCodeShown(p)) return term.reason ? `status ${term.reason}` : term.signal ? `signal ${term.signal}` : `exit code ${term.exitCode}`;
  return `exit code ${term.exitCode}${term.reason ? ` (${term.reason})` : ''}`;
}

/** What a log line named that a remediation needs: the dependency, the setting, the file. */
export function namedInLog(f: LogFacts): Pick<LogFacts, 'host' | 'port' | 'envVar' | 'serviceLink' | 'file'> {
  return {
    ...(f.host ? { host: f.host } : {}),
    ...(f.port ? { port: f.port } : {}),
    ...(f.envVar ? { envVar: f.envVar } : {}),
    ...(f.serviceLink ? { serviceLink: f.serviceLink } : {}),
    ...(f.file ? { file: f.file } : {}),
  };
}

export function logSummary(match: ContainerLogMatch): string {
  const f = match.facts;
  const target = f.host ? `${f.host}${f.port ? `:${f.port}` : ''}${f.address ? ` (${f.address})` : ''}` : undefined;
  switch (match.type) {
    case 'network_policy_blocked':
      return `cannot connect to the Kubernetes API server at ${target ?? 'its service address'}: the connection times out (${f.detail ?? match.line.trim()}), so the traffic is dropped on the way — a NetworkPolicy whose egress does not allow the API server (its endpoints, usually port 6443), or the pod network on the node`;
    case 'dependency_unreachable':
      return target ? `cannot connect to ${target}` : 'cannot connect to a dependency';
    case 'dependency_slow':
      return `waits on a slow dependency${target ? `, ${target}` : ''}: ${f.detail ?? 'timed out'}`;
    case 'dns_resolution_failure':
      return target ? `cannot resolve host ${f.host}` : 'DNS resolution fails';
    case 'tls_certificate_error':
      return `fails TLS verification${target ? ` with ${target}` : ''}: ${f.detail ?? match.line.trim()}`;
    case 'permission_denied':
      return `is denied permission${f.file ? ` on ${f.file}` : f.detail ? `: ${f.detail}` : ''}`;
    case 'rbac_forbidden':
      return `is forbidden by RBAC: ${f.user ?? 'its service account'} cannot ${f.verb ?? '?'} ${f.resource ?? '?'}`;
    case 'missing_configuration':
      if (match.patternId === 'db-auth-failed') return `is refused by its database: ${f.detail ?? 'authentication failed'} (the credentials it is configured with do not match the database's)`;
      if (f.serviceLink) return `reads ${f.envVar ?? 'a setting'}=${f.serviceLink}, the service-link variable Kubernetes injects for a Service of that name, where it expects a port number`;
      if (match.patternId === 'env-var-invalid' && f.envVar) return `rejects the value of its configuration ${f.envVar} (set, but not to a value it accepts)`;
      if (f.detail && !f.envVar && !f.file) return `refuses to start: ${f.detail}`;
      return f.envVar ? `fails because required configuration ${f.envVar} is not set` : f.file ? `fails because configuration file ${f.file} is missing` : 'fails because configuration is missing';
    case 'oom_killed':
      return `runs out of memory (${f.detail ?? 'out of memory'})`;
    case 'cpu_throttling':
      return `is throttled by its CPU limit: ${f.detail ?? match.line.trim()}`;
    case 'bad_command':
      if (match.patternId === 'unknown-argument') return `refuses the arguments it was given: ${f.detail ?? match.line.trim()}`;
      if (match.patternId === 'app-module-missing') return `is told to load module ${f.file ?? '?'}, which the image does not hold: ${f.detail ?? match.line.trim()}`;
      return `cannot execute ${f.file ?? 'its command'}`;
    case 'application_error':
      return `crashes with ${f.detail ?? match.line.trim()}`;
  }
}

const dnsHint = (p: CrashInput['p'], match: ContainerLogMatch): string => {
  const hint = match.type === 'dns_resolution_failure' ? shortNameHint(p.ctx, match.facts.host, p.namespace) : undefined;
  return hint ? `. ${hint}` : '';
};

/** Summary and finding for a log-derived cause; exported for init containers, which wrap it. */
export function logFinding(input: CrashInput, match: ContainerLogMatch): AnalyzerFinding {
  const { p, view, term } = input;
  const evidence = [
    ...match.evidenceLines.map((l) => logEvidence(p.ref, view.name, match.previous, l)),
    ...input.evidence,
    fieldEvidence(p.ref, `${view.statusPath}.${input.termPath}.exitCode`, term.exitCode),
  ];
  const f = match.facts;
  const sa = serviceAccountOf(f.user);
  return makeFinding({
    type: match.type,
    subject: p.ref,
    summary: `Container ${view.name} of pod ${p.name} ${logSummary(match)} (${input.looping ? 'crash loop, ' : ''}${exitText(term, p)})${dnsHint(p, match)}.`,
    confidence: match.confidence,
    method: 'log_pattern',
    evidence,
    facts: {
      ...baseFacts(p, view.name),
      ...namedInLog(f),
      ...(f.verb ? { verb: f.verb, resource: f.resource ?? '' } : {}),
      ...(sa ? { serviceAccount: sa } : {}),
      ...(view.spec?.image ? { image: view.spec.image } : {}),
    },
    links: { ...nodeLink(p), ...(f.host && (match.type === 'dependency_unreachable' || match.type === 'dns_resolution_failure' || match.type === 'dependency_slow') ? { dependency: { host: f.host, ...(f.port ? { port: f.port } : {}) } } : {}) },
  });
}

export function crashFinding(input: CrashInput): AnalyzerFinding {
  const { p, view, term, termPath } = input;
  const path = `${view.statusPath}.${termPath}`;
  const facts = baseFacts(p, view.name);
  const limit = view.spec?.resources?.limits?.memory;

  if (term.reason === 'OOMKilled') {
    return makeFinding({
      type: 'oom_killed',
      subject: p.ref,
      summary: `Container ${view.name} of pod ${p.name} was OOMKilled${exitCodeShown(p) ? ` (exit code ${term.exitCode})` : ''}${limit ? ` at its memory limit of ${limit}` : ''}${input.looping ? ' and is in a crash loop' : ''}.`,
      confidence: 0.96,
      evidence: [fieldEvidence(p.ref, `${path}.reason`, 'OOMKilled'), ...(exitCodeShown(p) ? [fieldEvidence(p.ref, `${path}.exitCode`, term.exitCode)] : []), ...input.evidence,
        ...(limit ? [fieldEvidence(p.ref, `spec.containers[${view.name}].resources.limits.memory`, limit)] : [])],
      facts: { ...facts, ...(limit ? { memoryLimit: limit } : {}) },
      links: nodeLink(p),
    });
  }

  const fromLogs = classifyContainerLogs(
    p.ctx.cluster.logsFor(p.namespace, p.name, view.name, false),
    p.ctx.cluster.logsFor(p.namespace, p.name, view.name, true),
  );
  // Without logs that say why, the termination message may: what the process wrote to its termination log,
  // or the log's tail (`terminationMessagePolicy: FallbackToLogsOnError`), as describe and -o yaml show it.
  const fromMessage = fromLogs ? undefined : terminationMessageMatch(term, view.name);
  const logs = fromLogs ?? fromMessage;
  const asField = (f: AnalyzerFinding): AnalyzerFinding => (fromMessage
    ? { ...f, evidence: f.evidence.map((e) => (e.kind === 'log' ? fieldEvidence(p.ref, `${path}.message`, e.value) : e)) }
    : f);
  if (term.exitCode === 127 || term.exitCode === 126 || BAD_COMMAND_MESSAGE.test(term.message ?? '') || logs?.type === 'bad_command') {
    const file = logs?.type === 'bad_command' ? logs.facts.file : /exec: "([^"]+)"/.exec(term.message ?? '')?.[1];
    const why = logs?.patternId === 'unknown-argument' ? `refuses its arguments (${logs.facts.detail ?? logs.line.trim()})`
      : logs?.patternId === 'app-module-missing' ? 'names a module the image does not hold' : term.exitCode === 126 ? 'is not executable' : 'was not found';
    return makeFinding({
      type: 'bad_command',
      subject: p.ref,
      summary: `Container ${view.name} of pod ${p.name}: command ${file ? `"${file}" ` : ''}${why} (exit code ${term.exitCode}); image ${view.spec?.image ?? '?'}.`,
      confidence: logs?.type === 'bad_command' || term.message ? 0.93 : 0.88,
      evidence: [fieldEvidence(p.ref, `${path}.exitCode`, term.exitCode), ...(term.message ? [fieldEvidence(p.ref, `${path}.message`, term.message)] : []),
        ...(logs?.type === 'bad_command' && !fromMessage ? [logEvidence(p.ref, view.name, logs.previous, logs.line)] : []), ...input.evidence,
        ...(view.spec?.command ? [fieldEvidence(p.ref, `spec.containers[${view.name}].command`, JSON.stringify(view.spec.command))] : [])],
      facts: { ...facts, ...(view.spec?.image ? { image: view.spec.image } : {}) },
      links: nodeLink(p),
    });
  }

  if (logs && logs.tier === 'specific') return asField(logFinding(input, logs));

  const liveness = containerEvents(p.events, view.name).filter((e) => LIVENESS_FAILED.test(e.message ?? ''));
  if (liveness.length > 0) {
    const probe = liveness.filter((e) => e.reason === 'Unhealthy').at(-1) ?? liveness.at(-1)!;
    return makeFinding({
      type: 'probe_failure',
      subject: p.ref,
      summary: `Container ${view.name} of pod ${p.name} is restarted by its liveness probe: ${probe.message ?? ''}`.trim(),
      confidence: 0.9,
      evidence: [...liveness.slice(-2).map((e) => eventEvidence(p.ref, e)), fieldEvidence(p.ref, `${path}.exitCode`, term.exitCode), ...input.evidence],
      facts,
      links: nodeLink(p),
    });
  }

  if (logs) return asField(logFinding(input, logs));

  return makeFinding({
    type: input.looping ? 'crash_loop' : 'unknown',
    subject: p.ref,
    // Exit code 0 in a loop is no crash: the process ran to its end, and a pod whose restartPolicy is Always (every
    // Deployment's, StatefulSet's, DaemonSet's) restarts whatever exits, then backs off (kubelet's CrashLoopBackOff).
    summary: input.looping && term.exitCode === 0 && exitCodeShown(p)
      ? `Container ${view.name} of pod ${p.name} is in a crash loop although its process ends successfully (${exitText(term, p)}): its command runs to completion instead of staying in the foreground, and the pod restarts whatever exits.`
      : input.looping
      ? `Container ${view.name} of pod ${p.name} is in a crash loop (${exitText(term, p)}); its logs name no cause.`
      : `Container ${view.name} of pod ${p.name} exited with ${exitText(term, p)}; its logs name no cause.`,
    confidence: input.looping ? 0.55 : 0.45,
    evidence: [fieldEvidence(p.ref, `${path}.exitCode`, term.exitCode), ...(term.reason ? [fieldEvidence(p.ref, `${path}.reason`, term.reason)] : []), ...input.evidence,
      ...lastLines(p, view.name)],
    facts,
    links: nodeLink(p),
  });
}

/** The termination message read like the lines of the log it often is. */
function terminationMessageMatch(term: V1ContainerStateTerminated, container: string): ContainerLogMatch | undefined {
  const lines = term.message?.split('\n').filter((l) => l.trim() !== '') ?? [];
  return lines.length > 0 ? classifyContainerLogs(undefined, { namespace: '', pod: '', container, previous: true, lines }) : undefined;
}

/** The last few log lines, so even an unexplained crash shows what the process said last. */
function lastLines(p: PodFacts, container: string): EvidenceItem[] {
  const log = p.ctx.cluster.logsFor(p.namespace, p.name, container, true) ?? p.ctx.cluster.logsFor(p.namespace, p.name, container, false);
  if (!log) return [];
  return log.lines.filter((l) => l.trim() !== '').slice(-3).map((l) => logEvidence(p.ref, container, log.previous, l));
}
