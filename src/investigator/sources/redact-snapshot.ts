import { redactDeep, redactLines, type RedactedValue } from '../../domain/secrets/index.js';
import type { ClusterSnapshot } from '../cluster/snapshot.js';

/**
 * Masks a cluster snapshot before evidence leaves the process or is stored: objects deep (env
 * values by name, container args, secret properties, JSON inside annotations), each container's
 * log as one sequence of lines (a PEM key split over log lines is one secret). The rules live in
 * src/domain/secrets; they are re-exported here for the investigator's callers.
 */
export { redactDeep, redactText, redacted } from '../../domain/secrets/index.js';

export function redactSnapshot(snapshot: ClusterSnapshot): RedactedValue<ClusterSnapshot> {
  const { source, logs, ...objects } = snapshot;
  const masked = redactDeep(objects);
  let count = masked.count;
  const maskedLogs = logs.map((log) => {
    const r = redactLines(log.lines);
    count += r.count;
    return { ...log, lines: r.lines };
  });
  return { value: { source, ...masked.value, logs: maskedLogs }, count };
}
