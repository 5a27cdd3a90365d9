import { Type, type Static } from '@sinclair/typebox';
import { computeFingerprint, targetFromLabels, type NormalizedAlert } from './alert.js';

/**
 * The two wire formats. Alertmanager's webhook payload (version "4") is accepted exactly as
 * Alertmanager sends it: unknown top-level fields (added by later Alertmanager versions) are
 * tolerated, the alerts themselves are checked field by field. The generic shape is closed.
 */
const Labels = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4096 }), { maxProperties: 100 });
const Time = Type.String({ maxLength: 64, description: 'RFC 3339; Alertmanager sends 0001-01-01T00:00:00Z for "not yet"' });

export const AlertmanagerAlert = Type.Object(
  {
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    labels: Labels,
    annotations: Labels,
    startsAt: Time,
    endsAt: Time,
    generatorURL: Type.Optional(Type.String({ maxLength: 4096 })),
    fingerprint: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: true },
);

export const MAX_ALERTS_PER_NOTIFICATION = 500;

export const AlertmanagerPayload = Type.Object(
  {
    version: Type.Literal('4', { description: 'the webhook payload version Alertmanager sends' }),
    groupKey: Type.String({ maxLength: 4096 }),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    receiver: Type.String({ maxLength: 1024 }),
    groupLabels: Labels,
    commonLabels: Labels,
    commonAnnotations: Labels,
    externalURL: Type.String({ maxLength: 4096 }),
    alerts: Type.Array(AlertmanagerAlert, { minItems: 1, maxItems: MAX_ALERTS_PER_NOTIFICATION }),
  },
  { additionalProperties: true },
);
export type AlertmanagerPayload = Static<typeof AlertmanagerPayload>;

const Name = Type.String({ minLength: 1, maxLength: 253 });
export const GenericAlert = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500, description: 'what is wrong, e.g. "auth-service crash looping"; doubles as the alert name' }),
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')], { default: 'firing' })),
    severity: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    namespace: Type.Optional(Name),
    cluster: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'a registered cluster (the label cluster); omitted: the default cluster' })),
    resource: Type.Optional(Type.Object({ kind: Type.String({ pattern: '^[A-Z][A-Za-z]{1,62}$' }), name: Name }, { additionalProperties: false })),
    labels: Type.Optional(Labels),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    /** Same value = same alert (re-sends attach); omitted: computed from title, namespace, resource and labels. */
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type GenericAlert = Static<typeof GenericAlert>;

export const GenericPayload = Type.Object(
  { alerts: Type.Array(GenericAlert, { minItems: 1, maxItems: MAX_ALERTS_PER_NOTIFICATION }) },
  { additionalProperties: false },
);
export type GenericPayload = Static<typeof GenericPayload>;

/** Alertmanager's zero time ("0001-01-01T00:00:00Z") and unparsable values are "unknown". */
function timeOf(s: string | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 ? null : d;
}

export function fromAlertmanager(p: AlertmanagerPayload): NormalizedAlert[] {
  return p.alerts.map((a) => ({
    source: 'alertmanager',
    fingerprint: a.fingerprint,
    status: a.status,
    alertname: a.labels.alertname ?? 'unnamed',
    severity: a.labels.severity ?? null,
    namespace: a.labels.namespace || null,
    cluster: null,
    target: targetFromLabels(a.labels),
    labels: a.labels,
    annotations: a.annotations,
    startsAt: timeOf(a.startsAt),
    endsAt: timeOf(a.endsAt),
  }));
}

export function fromGeneric(p: GenericPayload, now: Date): NormalizedAlert[] {
  return p.alerts.map((a): NormalizedAlert => {
    const labels: Record<string, string> = {
      ...(a.labels ?? {}),
      alertname: a.title,
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.cluster ? { cluster: a.cluster } : {}),
      ...(a.severity ? { severity: a.severity } : {}),
    };
    const target = a.resource ? { kind: a.resource.kind, name: a.resource.name } : targetFromLabels(labels);
    const identity = target ? { ...labels, [`resource_${target.kind}`]: target.name } : labels;
    const status = a.status ?? 'firing';
    return {
      source: 'generic',
      fingerprint: a.fingerprint ?? computeFingerprint(a.title, identity),
      status,
      alertname: a.title,
      severity: a.severity ?? null,
      namespace: a.namespace ?? null,
      cluster: null,
      target,
      labels,
      annotations: a.description ? { description: a.description } : ({} as Record<string, string>),
      startsAt: status === 'firing' ? now : null,
      endsAt: status === 'resolved' ? now : null,
    };
  });
}
