import { refOf } from '../cluster/query.js';
import type { Analyzer } from './analyzer.js';
import { fieldEvidence } from './evidence.js';
import { makeFinding } from './finding.js';
import { isSupersededBySuccess, jobCondition } from './job-state.js';


/** Job: failed (backoff limit, deadline). Jobs that succeeded after retries are not findings. */
export const jobAnalyzer: Analyzer = {
  kind: 'Job',
  analyze: (ctx) =>
    ctx.scope.jobs.flatMap((job) => {
      if (!jobCondition(job, 'Failed') || jobCondition(job, 'Complete') || isSupersededBySuccess(ctx.cluster, job)) return [];
      const ref = refOf(job, 'Job');
      const cond = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      const top = ctx.cluster.workloadOf(ref);
      return [makeFinding({
        type: 'job_failed',
        subject: ref,
        summary: `Job ${ref.name} failed${cond?.reason ? ` (${cond.reason})` : ''}: ${cond?.message ?? (job.status?.failed !== undefined ? `${job.status.failed} failed pod(s)` : 'its status is Failed')}.`,
        confidence: 0.85,
        evidence: [fieldEvidence(ref, 'status.conditions[Failed].reason', cond?.reason ?? 'Failed'), ...(cond?.message ? [fieldEvidence(ref, 'status.conditions[Failed].message', cond.message)] : []),
          fieldEvidence(ref, 'status.failed', job.status?.failed ?? 0)],
        facts: { job: ref.name, workload: `${top.kind.toLowerCase()}/${top.name}` },
      })];
    }),
};
