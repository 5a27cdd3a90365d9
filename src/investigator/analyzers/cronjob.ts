import { refOf } from '../cluster/query.js';
import type { Analyzer } from './analyzer.js';
import { specEvidence } from './evidence.js';
import { makeFinding } from './finding.js';

/**
 * CronJob: a schedule the controller cannot parse. Failed runs are reported by the Job analyzer
 * (grouped under the CronJob); a failed run followed by a successful one is not a finding.
 */
const FIELD = /^(\*|\?|[\d\w]+(-[\d\w]+)?)(\/\d+)?(,(\*|[\d\w]+(-[\d\w]+)?)(\/\d+)?)*$/;
const isValidSchedule = (schedule: string): boolean => {
  const s = schedule.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every \S+)$/.test(s)) return true;
  const fields = s.replace(/^(CRON_)?TZ=\S+\s+/, '').split(/\s+/);
  return fields.length === 5 && fields.every((f) => FIELD.test(f));
};

export const cronJobAnalyzer: Analyzer = {
  kind: 'CronJob',
  analyze: (ctx) =>
    ctx.scope.cronJobs.flatMap((cj) => {
      const schedule = cj.spec?.schedule;
      // A row or a describe the schedule was not printed in says nothing about it.
      if (schedule === undefined || isValidSchedule(schedule)) return [];
      const ref = refOf(cj, 'CronJob');
      return [makeFinding({
        type: 'missing_configuration', subject: ref, summary: `CronJob ${ref.name} has an invalid schedule "${schedule}".`,
        confidence: 0.8, evidence: [specEvidence(ref, 'spec.schedule', schedule)], facts: { workload: `cronjob/${ref.name}` },
      })];
    }),
};
