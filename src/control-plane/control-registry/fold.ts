import { builtinState } from './defaults.js';
import type { AlertRule, ArbiterPolicy, ChangeAction, EntityType, NotificationChannel, PromptVersion, RetentionPolicy, RoutingRule, Skill, ToolDefinition } from './schemas.js';
import type { ControlState } from './state.js';

/**
 * The fold: state at version V = apply(change V, state at V-1), starting from the built-ins at
 * version 0. A rollback's state is the state of the version it names. Pure; the store uses it on
 * write (one step), tests and the cache-repair path replay whole histories with it.
 */

/** What each kind of change carries in control_change.payload. */
export type ChangePayload =
  | { entityType: 'prompt'; action: 'activate'; payload: { prompt: PromptVersion } }
  | { entityType: 'skill'; action: 'upsert'; payload: { skill: Skill } }
  | { entityType: 'skill'; action: 'delete'; payload: Record<string, never> }
  | { entityType: 'tool'; action: 'upsert'; payload: { tool: ToolDefinition } }
  | { entityType: 'tool'; action: 'delete'; payload: Record<string, never> }
  | { entityType: 'routing_rule'; action: 'upsert'; payload: { rules: RoutingRule[] } }
  | { entityType: 'arbiter_policy'; action: 'upsert'; payload: { policy: ArbiterPolicy; allowUnapprovedWrites?: boolean } }
  | { entityType: 'rollback'; action: 'rollback'; payload: { toVersion: number; allowUnapprovedWrites?: boolean } }
  | { entityType: 'alert_rule'; action: 'upsert'; payload: { rules: AlertRule[] } }
  | { entityType: 'notification_channel'; action: 'upsert'; payload: { channel: NotificationChannel } }
  | { entityType: 'notification_channel'; action: 'delete'; payload: Record<string, never> }
  | { entityType: 'retention_policy'; action: 'upsert'; payload: { policy: RetentionPolicy } }
  | { entityType: 'retention_policy'; action: 'delete'; payload: Record<string, never> };

export type ChangeSpec = ChangePayload & { entityName: string };

/** One row of control_change, as the module returns it. */
export interface ControlChange {
  id: string;
  version: number;
  entityType: EntityType;
  entityName: string;
  action: ChangeAction;
  payload: Record<string, unknown>;
  actor: string;
  reason: string;
  createdAt: string;
}

/** Entity name used for changes that address the whole set (routing rules, rollbacks). */
export const WHOLE_SET = '*';

export function applyChange(state: ControlState, change: ChangeSpec, stateAt: (version: number) => ControlState): ControlState {
  const next = structuredClone(state);
  switch (change.entityType) {
    case 'prompt': {
      const { prompt } = change.payload;
      const entry = next.prompts[prompt.name] ?? { active: prompt.version, versions: {} };
      entry.versions[prompt.version] = prompt;
      entry.active = prompt.version;
      next.prompts[prompt.name] = entry;
      return next;
    }
    case 'skill':
      if (change.action === 'delete') delete next.skills[change.entityName];
      else next.skills[change.payload.skill.name] = change.payload.skill;
      return next;
    case 'tool':
      if (change.action === 'delete') delete next.tools[change.entityName];
      else next.tools[change.payload.tool.name] = change.payload.tool;
      return next;
    case 'routing_rule':
      next.routingRules = change.payload.rules;
      return next;
    case 'arbiter_policy':
      next.arbiters[change.payload.policy.name] = change.payload.policy;
      return next;
    case 'rollback':
      return structuredClone(stateAt(change.payload.toVersion));
    case 'alert_rule':
      next.alertRules = change.payload.rules;
      return next;
    case 'notification_channel': {
      const channels = { ...(next.notificationChannels ?? {}) };
      if (change.action === 'delete') delete channels[change.entityName];
      else channels[change.payload.channel.name] = change.payload.channel;
      next.notificationChannels = channels;
      return next;
    }
    case 'retention_policy': {
      const policies = { ...(next.retentionPolicies ?? {}) };
      if (change.action === 'delete') delete policies[change.entityName];
      else policies[change.payload.policy.namespace] = change.payload.policy;
      next.retentionPolicies = policies;
      return next;
    }
  }
}

/** Reads a stored row back into the typed union (the row was validated when it was written). */
export function asChangeSpec(change: Pick<ControlChange, 'entityType' | 'entityName' | 'action' | 'payload'>): ChangeSpec {
  return { entityType: change.entityType, entityName: change.entityName, action: change.action, payload: change.payload } as ChangeSpec;
}

/**
 * Replays a gap-free history (versions 1..n in order) into the state after each version.
 * Version 0 (the built-ins) is included in the result.
 */
export function replay(changes: readonly ControlChange[]): Map<number, ControlState> {
  const states = new Map<number, ControlState>([[0, builtinState()]]);
  const stateAt = (v: number): ControlState => {
    const s = states.get(v);
    if (!s) throw new Error(`control history has no version ${v}`);
    return s;
  };
  let current = stateAt(0);
  let expected = 1;
  for (const change of changes) {
    if (change.version !== expected) throw new Error(`control history has a gap: expected version ${expected}, got ${change.version}`);
    current = applyChange(current, asChangeSpec(change), stateAt);
    states.set(change.version, current);
    expected++;
  }
  return states;
}
