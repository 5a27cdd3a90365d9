import type { ResourceRef } from '../../domain/diagnosis.js';
import { refKey } from '../cluster/query.js';
import { UNNAMED, type ContainerLog } from '../cluster/snapshot.js';
import { classifyContainerLogs, classifyLines, type ContainerLogMatch } from '../logs/classify.js';
import { matchMessage } from '../messages/catalogue.js';
import type { AnalyzerFinding } from './analyzer.js';
import type { AnalysisContext } from './context.js';
import { logEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { logSummary, namedInLog } from './pod-crash.js';
import { inScope, subjectText } from './scope.js';
import { shortNameHint } from './dns-hint.js';
import { isStub } from '../bind.js';

/**
 * Logs as findings where no object state explains them: a pod that runs and is Ready but keeps
 * failing its work (repeated connection errors, certificate errors in stack traces), and logs
 * given without any pod (logs alone are evidence too: the subject is the workload that wrote
 * them). Crash analysis already reads the logs of containers that exited; this does not repeat it.
 */
const WEAK: ReadonlySet<string> = new Set(['crash_loop', 'unknown', 'rollout_stuck', 'job_failed', 'probe_failure']);

/** Notes (kubectl errors, pasted messages) read like one more log stream of nobody in particular. */
const notesAsLog = (ctx: AnalysisContext): ContainerLog[] =>
  ctx.snapshot.notes.length > 0 ? [{ namespace: '', pod: UNNAMED, container: 'kubectl', previous: false, lines: ctx.snapshot.notes.map((n) => n.text) }] : [];

/** The target is in the evidence as itself, not only as the stub the question implied. */
function targetHeld(ctx: AnalysisContext): boolean {
  const found = ctx.target ? ctx.cluster.find(ctx.target) : undefined;
  return found !== undefined && !isStub(found as { metadata?: { annotations?: Record<string, string> } });
}

function streamsBySubject(ctx: AnalysisContext): Map<string, { subject: ResourceRef; logs: ContainerLog[] }> {
  const out = new Map<string, { subject: ResourceRef; logs: ContainerLog[] }>();
  for (const log of [...ctx.snapshot.logs, ...notesAsLog(ctx)]) {
    const pod = ctx.cluster.get('Pod', log.namespace || undefined, log.pod);
    let subject: ResourceRef = pod
      ? { kind: 'Pod', name: log.pod, ...(pod.metadata?.namespace ? { namespace: pod.metadata.namespace } : {}) }
      : { kind: 'Pod', name: log.pod, ...(log.namespace ? { namespace: log.namespace } : {}) };
    // Logs of nobody in the evidence belong to what the question is about: unnamed ones, ones
    // named like its pods (a Job's pods are gone, their logs were kept), or all when it is not there
    // itself (or only inferred from the question: the logs are all the evidence there is about it).
    if (!pod && ctx.target && (log.pod === UNNAMED || log.pod.startsWith(`${ctx.target.name}-`) || !targetHeld(ctx))) subject = ctx.target;
    if (!inScope(ctx, subject)) continue;
    const key = refKey(subject);
    const entry = out.get(key) ?? { subject, logs: [] };
    entry.logs.push(log);
    out.set(key, entry);
  }
  return out;
}

/**
 * A connection or name lookup that fails on a host written `${DB_HOST}`: the variable was never
 * substituted (not set in the container), which is the cause; the failed lookup is its effect.
 */
function unexpandedVariable(match: ContainerLogMatch, lines: readonly string[]): ContainerLogMatch | undefined {
  if (match.type !== 'dns_resolution_failure' && match.type !== 'dependency_unreachable') return undefined;
  const flag = flagAsHost(match.line);
  if (flag) return { ...match, type: 'missing_configuration', tier: 'specific', confidence: 0.8,
    facts: { detail: `the host it tried is the command-line option ${flag}: the variable that should have given the host before it was empty` } };
  const near = lines.slice(Math.max(0, match.lineIndex - 3), match.lineIndex + 8);
  const found = near.map((l) => /(\$\{[A-Za-z_]*[A-Za-z0-9_.]*\}?|\$\([A-Za-z_][A-Za-z0-9_]*\))/.exec(l)).find((m) => m !== null);
  if (!found) return undefined;
  const line = near.find((l) => l.includes(found[1]!))!;
  const name = /^\$[{(]([A-Za-z_][A-Za-z0-9_]*)/.exec(found[1]!)?.[1];
  return { ...match, type: 'missing_configuration', tier: 'specific', confidence: 0.82, line, evidenceLines: [match.line, line],
    facts: { ...(name ? { envVar: name } : {}), detail: `the address holds the literal ${found[1]}: an environment variable reference was never substituted` } };
}

/**
 * A client that dialled an option as its host (`Could not connect to Redis at -p:6379`): a command
 * line like `redis-cli -h $HOST -p 6379` with HOST empty shifts the next option into the host's place.
 */
const flagAsHost = (line: string): string | undefined => /\b(?:at|to|host|connect(?:ing)? to) (-{1,2}[A-Za-z][\w-]*):\d{1,5}\b/.exec(line)?.[1];

/** Of several slow calls, the slowest names the bottleneck (etcd's fdatasync, not the client timeout it caused). */
function worstSlow(match: ContainerLogMatch, lines: readonly string[]): ContainerLogMatch {
  if (match.type !== 'dependency_slow') return match;
  // `30014ms`, `7.45s`, `2000 ms`, `30,000 milliseconds`, `1 minute(s)`
  const seconds = (d: string | undefined) => {
    const m = /([\d.]+)\s*(ms|milliseconds?|s|seconds?|m|minutes?)(?:\(s\))?(?![a-z])/.exec((d ?? '').replace(/(\d),(\d{3})/g, '$1$2'));
    if (!m) return 0;
    const unit = m[2]!;
    return Number(m[1]) * (unit === 'ms' || unit.startsWith('milli') ? 0.001 : unit === 'm' || unit.startsWith('minute') ? 60 : 1);
  };
  let best = match;
  for (const [i, l] of lines.entries()) {
    const m = classifyLines([l]);
    if (m?.type === 'dependency_slow' && seconds(m.facts.duration) > seconds(best.facts.duration)) best = { ...match, ...m, lineIndex: i, line: l, evidenceLines: [l, ...match.evidenceLines.filter((x) => x !== l)] };
  }
  return best;
}

export function analyzeLogs(ctx: AnalysisContext, already: readonly AnalyzerFinding[]): AnalyzerFinding[] {
  const explained = new Set(already.filter((f) => !f.symptom && !WEAK.has(f.type)).flatMap((f) => [refKey(f.subject), ...f.affected_resources.map(refKey)]));
  const findings: AnalyzerFinding[] = [];
  for (const { subject, logs } of streamsBySubject(ctx).values()) {
    if (explained.has(refKey(subject))) continue;
    const byContainer = new Map<string, { current?: ContainerLog; previous?: ContainerLog }>();
    for (const l of logs) {
      const e = byContainer.get(l.container) ?? {};
      if (l.previous) e.previous = l;
      else e.current = l;
      byContainer.set(l.container, e);
    }
    for (const [container, streams] of byContainer) {
      // Kubernetes' own words (probe results, events pasted as text) are the message catalogue's to read.
      const own = (l?: ContainerLog) => (l ? { ...l, lines: l.lines.filter((x) => !matchMessage(x)) } : undefined);
      const current = own(streams.current);
      const previous = own(streams.previous);
      const classified = classifyContainerLogs(current, previous);
      if (!classified) continue;
      const lines = (classified.previous ? previous : current)?.lines ?? [];
      const match = unexpandedVariable(classified, lines) ?? worstSlow(classified, lines);
      const count = match.occurrences ?? 1;
      const repeated = count > 1 ? ` (${count} times in the logs)` : '';
      const who = subject.name === UNNAMED ? `${subjectText(subject)}:` : `Container ${container} of ${subjectText(subject).replace(/^Pod /, 'pod ')}`;
      const hint = match.type === 'dns_resolution_failure' ? shortNameHint(ctx, match.facts.host, subject.namespace) : undefined;
      findings.push(makeFinding({
        type: match.type,
        subject,
        summary: `${who} ${logSummary(match)}${repeated}${hint ? `. ${hint}` : ''}.`,
        // A line repeated is a pattern; one line alone is a hint, below 0.7, the level a person acts on.
        // A family that is itself only a lead (below 0.6: the API server's dial timeout) stays below it however often it repeats.
        confidence: Math.min(match.tier === 'specific' ? (count > 1 ? 0.8 : 0.65) : 0.6, match.confidence < 0.6 ? 0.65 : 1),
        method: 'log_pattern',
        evidence: match.evidenceLines.map((l) => logEvidence(subject, container, match.previous, l)),
        facts: {
          ...(subject.kind === 'Pod' && subject.name !== UNNAMED ? { pod: subject.name, container } : {}),
          workload: `${subject.kind.toLowerCase()}/${subject.name}`,
          ...namedInLog(match.facts),
        },
        links: match.facts.host && (match.type === 'dependency_unreachable' || match.type === 'dns_resolution_failure') ? { dependency: { host: match.facts.host, ...(match.facts.port ? { port: match.facts.port } : {}) } } : {},
      }));
      break;
    }
  }
  return findings;
}
