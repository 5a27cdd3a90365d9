import { Type, type Static } from '@sinclair/typebox';

/**
 * The entities an operator can change, as strict TypeBox schemas (unknown fields rejected).
 * The same schemas validate module input and HTTP bodies, so the API cannot accept what the
 * registry would refuse.
 */

/** Names are identifiers the agents look things up by: lower case, dots for namespacing. */
export const EntityName = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$', description: 'lower-case identifier' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const PromptVersion = Type.Object(
  {
    name: EntityName,
    /** Free-form label operators choose ("v2", "2025-06-01", "terse"). */
    version: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
    template: Text(20_000),
    /** Every `{{variable}}` the template uses must be declared here. */
    variables: Type.Array(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,63}$' }), { maxItems: 50, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type PromptVersion = Static<typeof PromptVersion>;

/** Activate an existing version by label, or register a new version (template given) and activate it. */
export const ActivatePromptInput = Type.Object(
  {
    name: EntityName,
    version: PromptVersion.properties.version,
    template: Type.Optional(PromptVersion.properties.template),
    variables: Type.Optional(PromptVersion.properties.variables),
  },
  { additionalProperties: false },
);
export type ActivatePromptInput = Static<typeof ActivatePromptInput>;

export const Skill = Type.Object(
  {
    name: EntityName,
    description: Text(2_000),
    instructions: Text(20_000),
    /** Names of registered tools the skill may use. */
    tools: Type.Array(EntityName, { maxItems: 50, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type Skill = Static<typeof Skill>;

/** A JSON Schema for a tool's arguments; function-calling APIs require an object at the top. */
export const ToolParameters = Type.Unsafe<{ type: 'object'; [keyword: string]: unknown }>(
  Type.Object({ type: Type.Literal('object') }, { additionalProperties: true, description: 'JSON Schema of the arguments (type: object)' }),
);

export const ToolDefinition = Type.Object(
  {
    name: EntityName,
    description: Text(2_000),
    parameters: ToolParameters,
    /** false = the tool can change the cluster; the arbiter's writesRequireApproval governs its use. */
    readOnly: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ToolDefinition = Static<typeof ToolDefinition>;

export const RouteParams = Type.Object(
  {
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

export const RouteTarget = Type.Object(
  {
    /** Provider id the LLM layer knows (openai, anthropic, ollama, …), or `default`: the one SYNTRA_LLM_PROVIDER configures. */
    provider: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    /** Omitted: the provider's configured model (SYNTRA_LLM_MODEL or the kind's default). */
    model: Type.Optional(Text(200)),
    params: Type.Optional(RouteParams),
  },
  { additionalProperties: false },
);
export type RouteTarget = Static<typeof RouteTarget>;

export const RoutingRule = Type.Object(
  {
    /** An empty match is a catch-all route. */
    match: Type.Object(
      {
        intent: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        taskType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      },
      { additionalProperties: false },
    ),
    target: RouteTarget,
    /** Higher wins; omitted means 0. */
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type RoutingRule = Static<typeof RoutingRule>;

export const UpdateRoutingRulesInput = Type.Object(
  {
    rules: Type.Array(RoutingRule, { maxItems: 200 }),
    /**
     * The registry version the new set was derived from: when another change landed since, the
     * update is refused (409 conflict) rather than silently undoing it. Omitted: no check.
     */
    expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type UpdateRoutingRulesInput = Static<typeof UpdateRoutingRulesInput>;

const Threshold = Type.Number({ minimum: 0, maximum: 1 });
const ModelSteps = Type.Integer({ minimum: 0, maximum: 50 });
const ReviewPasses = Type.Integer({ minimum: 0, maximum: 5 });

const Identifier = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const NamespaceName = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });
/** UTC instant, e.g. 2026-12-24T00:00:00Z (TypeBox's compiler knows no `format`, so the shape is a pattern). */
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$', description: 'ISO 8601 instant' });

/**
 * Self-healing, opt-in: an action proposed by a diagnosis is approved without a person when ONE
 * rule names its action, the target's namespace and the diagnosis's root-cause type, the action
 * is low risk and not destructive, the workload had fewer than maxPerHourPerWorkload such
 * approvals in the last hour, and no freeze window of the policy is open. The names are plain
 * identifiers here; what they mean (and that only low-risk actions count) is the actions' business.
 */
export const AutoApproveRule = Type.Object(
  {
    actions: Type.Array(Identifier, { minItems: 1, maxItems: 20, uniqueItems: true }),
    namespaces: Type.Array(NamespaceName, { minItems: 1, maxItems: 100, uniqueItems: true }),
    rootCauses: Type.Array(Identifier, { minItems: 1, maxItems: 50, uniqueItems: true }),
    maxPerHourPerWorkload: Type.Integer({ minimum: 1, maximum: 20 }),
  },
  { additionalProperties: false },
);
export type AutoApproveRule = Static<typeof AutoApproveRule>;

/** While a window is open nothing is approved by a policy (a release freeze, a holiday). */
export const FreezeWindow = Type.Object({ start: Instant, end: Instant, reason: Type.Optional(Text(500)) }, { additionalProperties: false });
export type FreezeWindow = Static<typeof FreezeWindow>;

export const ArbiterPolicy = Type.Object(
  {
    name: EntityName,
    confidenceThreshold: Threshold,
    maxModelSteps: ModelSteps,
    writesRequireApproval: Type.Boolean(),
    reviewPasses: ReviewPasses,
    /** Absent or empty: no self-healing (the default). */
    autoApprove: Type.Optional(Type.Array(AutoApproveRule, { maxItems: 20 })),
    freezeWindows: Type.Optional(Type.Array(FreezeWindow, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type ArbiterPolicy = Static<typeof ArbiterPolicy>;

/**
 * A partial update merged over the policy's current values (or the defaults for a new name).
 * `allowUnapprovedWrites: true` is the explicit acknowledgment any change needs whose result lets
 * writes run without approval; it is recorded in the change, not kept in the policy.
 */
export const UpdateArbiterInput = Type.Object(
  {
    name: Type.Optional(EntityName),
    confidenceThreshold: Type.Optional(Threshold),
    maxModelSteps: Type.Optional(ModelSteps),
    writesRequireApproval: Type.Optional(Type.Boolean()),
    reviewPasses: Type.Optional(ReviewPasses),
    autoApprove: Type.Optional(Type.Array(AutoApproveRule, { maxItems: 20 })),
    freezeWindows: Type.Optional(Type.Array(FreezeWindow, { maxItems: 50 })),
    allowUnapprovedWrites: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateArbiterInput = Static<typeof UpdateArbiterInput>;

export const RollbackInput = Type.Object(
  {
    toVersion: Type.Integer({ minimum: 0 }),
    /** Needed when the restored state lets writes run without approval (same rule as updateArbiter). */
    allowUnapprovedWrites: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RollbackInput = Static<typeof RollbackInput>;

export const RemoveEntityInput = Type.Object({ name: EntityName }, { additionalProperties: false });
export type RemoveEntityInput = Static<typeof RemoveEntityInput>;

export const ChangeMeta = Type.Object(
  {
    actor: Type.String({ minLength: 1, maxLength: 200 }),
    /** Why the change was made; required on every change. */
    reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export type ChangeMeta = Static<typeof ChangeMeta>;

export const ENTITY_TYPES = ['prompt', 'skill', 'tool', 'routing_rule', 'arbiter_policy', 'rollback', 'alert_rule', 'notification_channel', 'retention_policy'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
export const CHANGE_ACTIONS = ['upsert', 'activate', 'delete', 'rollback'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

export * from './integration-schemas.js';
export * from './retention-schemas.js';
