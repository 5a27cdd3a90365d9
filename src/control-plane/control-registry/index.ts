/**
 * The control registry: prompts, skills, tools, routing rules and arbiter policies that operators
 * change without a deploy. Every change is a versioned, append-only row with who and why; the
 * effective snapshot at any version is the fold of the changes up to it; a rollback is a new
 * version. Writers broadcast `ctrl.changed` through the outbox; workers hold a
 * ControlSnapshotCache and record `snapshot.version` on each run.
 */
export { getSnapshot, history, currentVersion, MAX_HISTORY_LIMIT, type HistoryPage } from './reads.js';
export {
  activatePrompt,
  registerSkill,
  removeSkill,
  registerTool,
  removeTool,
  updateRoutingRules,
  updateArbiter,
  rollback,
  type ControlAuditHook,
  type ControlWrite,
  type ControlWriteResult,
  type WriteOptions,
} from './writes.js';
export { updateAlertRules, upsertNotificationChannel, removeNotificationChannel } from './integration-writes.js';
export { setRetentionPolicy, removeRetentionPolicy } from './retention-writes.js';
export { resolveRoute, resolveRule, sameMatch, withRule, withoutRule, type RouteQuery } from './routing.js';
export { renderPrompt, templateVariables } from './prompts.js';
export {
  ControlSnapshotCache,
  type ControlBus,
  type ControlChangeListener,
  type ControlSnapshotCacheOptions,
} from './cache.js';
export { arbiterFor, toSnapshot, DEFAULT_ARBITER_NAME, DEFAULT_ALERT_RULES, type ControlSnapshot, type ControlState } from './state.js';
export { builtinState, DEFAULT_ARBITER, DEFAULT_ROUTING_RULES, type BuiltinContent } from './defaults.js';
export { replay, applyChange, type ControlChange, type ChangeSpec } from './fold.js';
export { CONTROL_CHANGED_SUBJECT, CONTROL_CHANGED_TOPIC } from './store.js';
export * from './schemas.js';
