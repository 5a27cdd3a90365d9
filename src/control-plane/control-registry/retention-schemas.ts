import { Type, type Static } from '@sinclair/typebox';

/**
 * How long finished runs of one namespace stay in the hot tables before they are archived
 * (run-archive.ts), overriding SYNTRA_RETENTION_DAYS for it. Keyed by scope: `namespace` in the
 * default cluster, `cluster/namespace` in a registered one.
 */
export const RetentionScope = Type.String({
  pattern: '^([a-z][a-z0-9-]{0,62}/)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  description: 'a namespace of the default cluster, or cluster/namespace',
});

export const RetentionPolicy = Type.Object(
  {
    namespace: RetentionScope,
    days: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()], {
      description: 'archive finished runs older than this many days; null keeps them forever (whatever SYNTRA_RETENTION_DAYS says)',
    }),
  },
  { additionalProperties: false },
);
export type RetentionPolicy = Static<typeof RetentionPolicy>;

export const RemoveRetentionPolicyInput = Type.Object({ namespace: RetentionScope }, { additionalProperties: false });
export type RemoveRetentionPolicyInput = Static<typeof RemoveRetentionPolicyInput>;
