import { SyntraError } from '../domain/errors.js';
import type { EvidenceProvider } from './evidence-provider.js';
import type { StepRecorder } from './step-recorder.js';

/**
 * The connectivity check every step that reads the cluster does first, so an unreachable
 * cluster, a missing kubeconfig or missing permissions fail the step with a message a person
 * can act on (recorded in the ledger and, once retries are spent, as the run's error) instead
 * of a stack trace from the middle of a collection.
 */
export async function checkCluster(evidence: EvidenceProvider, rec: StepRecorder, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const report = await evidence.source.check(signal);
  const durationMs = Math.round(performance.now() - started);
  rec.record('tool.call', { tool: 'connectivity_check', arguments: { source: evidence.kind }, durationMs, ok: report.ok });
  rec.record('evidence.connectivity', { ok: report.ok, source: report.description, ...(report.problem ? { problem: report.problem } : {}) });
  if (!report.ok) {
    const problem = report.problem ?? { code: 'cluster_unreachable' as const, message: 'the evidence source is not available' };
    throw new SyntraError(problem.code, `cannot read the cluster (${report.description}): ${problem.message}`, {
      details: { source: report.description, problem },
    });
  }
}
