/** Incident memory: records of distinct problems, updated by every run that sees them again. */
export * from './incident.js';
export { upsertIncident, resolveIncidentsOf, type UpsertResult } from './store.js';
export { getIncident, listIncidents, type ListIncidentsQuery } from './queries.js';
export { recordFeedback, listFeedback, setIncidentStatus, changeTags, type Feedback, type FeedbackInput, type IncidentActor } from './lifecycle.js';
export { recallFor, type Recall } from './recall.js';
export * from './memory/index.js';
