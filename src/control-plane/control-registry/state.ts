import type { AlertRule, ArbiterPolicy, NotificationChannel, PromptVersion, RetentionPolicy, RoutingRule, Skill, ToolDefinition } from './schemas.js';

/**
 * The full registry state at one version — what the fold of `control_change` produces and what
 * `control_snapshot.state` stores. Unlike the snapshot agents read, it keeps every prompt
 * version ever registered, because a later change may activate any of them.
 */
export interface ControlState {
  prompts: Record<string, { active: string; versions: Record<string, PromptVersion> }>;
  skills: Record<string, Skill>;
  tools: Record<string, ToolDefinition>;
  /** In the order the operator gave them; precedence is decided by resolveRoute. */
  routingRules: RoutingRule[];
  arbiters: Record<string, ArbiterPolicy>;
  /** Absent in states stored before the integrations existed: read through alertRulesOf. */
  alertRules?: AlertRule[];
  notificationChannels?: Record<string, NotificationChannel>;
  /** Per-namespace retention windows, by scope; absent in states stored before they existed. */
  retentionPolicies?: Record<string, RetentionPolicy>;
}

/** The effective configuration at one version, as workers and the API see it. */
export interface ControlSnapshot {
  version: number;
  /** The active version of each prompt, by prompt name. */
  prompts: Record<string, PromptVersion>;
  /** Labels registered per prompt name (to pick one to activate). */
  promptVersions: Record<string, string[]>;
  skills: Record<string, Skill>;
  tools: Record<string, ToolDefinition>;
  routingRules: RoutingRule[];
  arbiters: Record<string, ArbiterPolicy>;
  alertRules: AlertRule[];
  notificationChannels: Record<string, NotificationChannel>;
  retentionPolicies: Record<string, RetentionPolicy>;
}

export const DEFAULT_ARBITER_NAME = 'default';

/**
 * Alerts that fire all the time by design (kube-prometheus' Watchdog and InfoInhibitor, severity
 * none) are recorded, never investigated; any other alert is investigated unless a rule says not.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = Object.freeze([
  { match: { alertname: ['Watchdog', 'InfoInhibitor'] }, action: 'ignore' as const },
  { match: { severity: ['none'] }, action: 'ignore' as const },
]);

export function toSnapshot(version: number, state: ControlState): ControlSnapshot {
  const prompts: Record<string, PromptVersion> = {};
  const promptVersions: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(state.prompts)) {
    const active = entry.versions[entry.active];
    if (active) prompts[name] = active;
    promptVersions[name] = Object.keys(entry.versions).sort();
  }
  return {
    version,
    prompts,
    promptVersions,
    skills: state.skills,
    tools: state.tools,
    routingRules: state.routingRules,
    arbiters: state.arbiters,
    alertRules: state.alertRules ?? [...DEFAULT_ALERT_RULES],
    notificationChannels: state.notificationChannels ?? {},
    retentionPolicies: state.retentionPolicies ?? {},
  };
}

/** The named arbiter policy, falling back to 'default' (which always exists). */
export function arbiterFor(snapshot: Pick<ControlSnapshot, 'arbiters'>, name = DEFAULT_ARBITER_NAME): ArbiterPolicy {
  const policy = snapshot.arbiters[name] ?? snapshot.arbiters[DEFAULT_ARBITER_NAME];
  if (!policy) throw new Error('control snapshot has no default arbiter policy');
  return policy;
}

/** True when a policy lets writes run without a person's approval (unapproved, or approved by its self-healing rules) — the state that needs an explicit acknowledgment. */
export const approvesWithoutPerson = (p: ArbiterPolicy): boolean => !p.writesRequireApproval || (p.autoApprove?.length ?? 0) > 0;

export function allowsUnapprovedWrites(state: Pick<ControlState, 'arbiters'>): string[] {
  return Object.values(state.arbiters)
    .filter(approvesWithoutPerson)
    .map((p) => p.name);
}

/** Snapshots are shared between concurrent runs of a worker; nobody may mutate one in place. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
