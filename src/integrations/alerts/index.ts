/** Alerts in: Alertmanager and generic webhooks → deduplicated alerts → investigations; resolved alerts close incidents. */
export * from './alert.js';
export * from './payloads.js';
export { ingestAlerts, type AlertOutcome, type AlertResult, type IngestOptions, type IngestResult } from './ingest.js';
export { listAlerts, type ListAlertsQuery } from './queries.js';
export { followUpFinishedRuns, startAlertFollowUp, type FinishedAlertRun, type FinishedRunListener, type FollowUpLoop } from './follow-up.js';
export type { AlertRecord, AlertDecision } from './store.js';
