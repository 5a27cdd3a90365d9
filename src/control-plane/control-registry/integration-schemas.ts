import { Type, type Static } from '@sinclair/typebox';

/**
 * The registry entities of the integrations: which alerts are investigated (alert rules) and
 * where answers go (notification channels). Strict like the other entities: unknown fields are
 * rejected by the API and by the module functions alike.
 */
const Values = (what: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { minItems: 1, maxItems: 50, uniqueItems: true, description: `any of these ${what}` }));

/** Registered cluster names; null is the default cluster (an alert or run without a cluster). */
const Clusters = Type.Optional(
  Type.Array(Type.Union([Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }), Type.Null()]), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description: 'any of these registered clusters; null is the default cluster',
  }),
);

export const AlertMatch = Type.Object(
  { alertname: Values('alert names'), severity: Values('severities'), namespace: Values('namespaces'), cluster: Clusters },
  { additionalProperties: false, description: 'every field given must match; an empty match matches every alert' },
);
export type AlertMatch = Static<typeof AlertMatch>;

export const AlertRule = Type.Object(
  {
    match: AlertMatch,
    /** investigate: start (or attach to) an investigation; ignore: record the alert only. */
    action: Type.Union([Type.Literal('investigate'), Type.Literal('ignore')]),
  },
  { additionalProperties: false },
);
export type AlertRule = Static<typeof AlertRule>;

export const UpdateAlertRulesInput = Type.Object(
  {
    /** In order: the first rule that matches decides; an alert no rule matches is investigated. */
    rules: Type.Array(AlertRule, { maxItems: 200 }),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type UpdateAlertRulesInput = Static<typeof UpdateAlertRulesInput>;

/** The channel kinds; what each one posts and how (format, signing, pace) is ONE table in integrations/notify/kinds.ts. */
export const CHANNEL_TYPES = ['slack', 'discord', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const EnvName = (what: string) => Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,127}$', description: `name of the environment variable with ${what}` });

export const NotificationChannel = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$', description: 'lower-case identifier' }),
    type: Type.Union(CHANNEL_TYPES.map((t) => Type.Literal(t))),
    /**
     * The environment variable holding the webhook URL (a secret: Slack's and Discord's webhook
     * URLs carry their token). The registry never stores the URL itself.
     */
    urlEnv: EnvName('the webhook URL'),
    /** webhook only (required there): the variable holding the HMAC-SHA256 signing secret. */
    secretEnv: Type.Optional(EnvName('the signing secret (type webhook)')),
    /** Only alerts of these namespaces / severities / root-cause types / clusters; omitted = all. */
    match: Type.Optional(
      Type.Object(
        { namespace: Values('namespaces'), severity: Values('severities'), rootCause: Values('root-cause types of the diagnosis, e.g. oom_killed'), cluster: Clusters },
        { additionalProperties: false },
      ),
    ),
    /** Messages per minute at most (default per type: slack 60, discord 30, webhook 60); later ones wait their turn. */
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NotificationChannel = Static<typeof NotificationChannel>;
