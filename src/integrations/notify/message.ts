import type { Diagnosis } from '../../domain/diagnosis.js';
import { redactText } from '../../domain/secrets/index.js';

/**
 * What a channel posts about a finished alert run, independent of the channel's format: the
 * alert, the root cause, confidence, evidence lines, remediation and a link to the run. Every
 * text passes the secret redactor — an evidence line may quote a log line holding a token.
 */
export interface RunSummary {
  runId: string;
  runStatus: string;
  title: string;
  namespace: string | null;
  /** The registered cluster; null: the default cluster (messages name it only when it is another). */
  cluster: string | null;
  rootCause: { type: string; summary: string; confidence: number } | null;
  /** The answer when there is no diagnosis (a failed run, required information). */
  answer: string;
  evidence: string[];
  remediation: string[];
  verification: string[];
  runUrl: string | null;
}

const mask = (s: string): string => redactText(s).text;

export function summarize(input: {
  runId: string;
  runStatus: string;
  namespace: string | null;
  cluster: string | null;
  alertnames: string[];
  target: string | null;
  output: { answer?: string; diagnosis?: Diagnosis | null } | null;
  error: { message?: string } | null;
  publicUrl: string | null;
}): RunSummary {
  const d = input.output?.diagnosis ?? null;
  const where = [input.namespace, input.target].filter(Boolean).join('/');
  const title = `${input.alertnames.join(', ') || 'Alert'}${where ? `: ${where}` : ''}${input.cluster ? ` in cluster ${input.cluster}` : ''}`;
  const answer = input.output?.answer ?? (input.error?.message ? `The investigation ${input.runStatus}: ${input.error.message}` : `The investigation ${input.runStatus}.`);
  return {
    runId: input.runId,
    runStatus: input.runStatus,
    title: mask(title).slice(0, 200),
    namespace: input.namespace,
    cluster: input.cluster,
    rootCause: d ? { type: d.root_cause.type, summary: mask(d.root_cause.summary).slice(0, 1000), confidence: d.root_cause.confidence } : null,
    answer: mask(answer).slice(0, 2000),
    evidence: (d?.root_cause.evidence ?? []).slice(0, 5).map((e) => mask(`${e.resource ? `${e.resource.kind}/${e.resource.name} ` : ''}${e.path ? `${e.path}: ` : ''}${e.value}`).slice(0, 300)),
    remediation: (d?.remediation.immediate ?? []).slice(0, 5).map((s) => mask(s).slice(0, 300)),
    verification: (d?.remediation.verification ?? []).slice(0, 3).map((s) => mask(s).slice(0, 300)),
    runUrl: input.publicUrl ? `${input.publicUrl.replace(/\/+$/, '')}/v1/runs/${input.runId}` : null,
  };
}
