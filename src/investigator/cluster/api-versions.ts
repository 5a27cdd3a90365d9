/**
 * Conversions between API versions that the snapshot keeps in one shape: autoscaling/v1 HPAs
 * become autoscaling/v2, and events.k8s.io/v1 Events become core/v1 Events
 * (what `kubectl get events` and `kubectl describe` show). Raw wire JSON in, raw wire JSON out.
 */
type Raw = Record<string, unknown>;

const asRecord = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/** autoscaling/v1 HorizontalPodAutoscaler → autoscaling/v2 shape (its CPU target as a Resource metric). */
export function hpaV1ToV2(v1: Raw): Raw {
  const spec = asRecord(v1.spec);
  const status = asRecord(v1.status);
  const metadata = asRecord(v1.metadata);
  const annotations = asRecord(metadata.annotations);
  // autoscaling/v1 carries the v2 conditions in an annotation.
  let conditions: unknown;
  const raw = annotations['autoscaling.alpha.kubernetes.io/conditions'];
  if (typeof raw === 'string') {
    try {
      conditions = JSON.parse(raw);
    } catch {
      conditions = undefined;
    }
  }
  const cpu = (value: unknown, field: 'target' | 'current') =>
    typeof value === 'number' ? [{ type: 'Resource', resource: { name: 'cpu', [field]: field === 'target' ? { type: 'Utilization', averageUtilization: value } : { averageUtilization: value } } }] : undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: v1.metadata,
    spec: { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics: cpu(spec.targetCPUUtilizationPercentage, 'target') },
    status: {
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      lastScaleTime: status.lastScaleTime,
      observedGeneration: status.observedGeneration,
      currentMetrics: cpu(status.currentCPUUtilizationPercentage, 'current'),
      ...(Array.isArray(conditions) ? { conditions } : {}),
    },
  };
}

/** events.k8s.io/v1 Event → core/v1 Event. */
export function eventsV1ToCore(ev: Raw): Raw {
  const series = asRecord(ev.series);
  const deprecatedSource = asRecord(ev.deprecatedSource);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: ev.metadata,
    involvedObject: ev.regarding,
    related: ev.related,
    reason: ev.reason,
    message: ev.note,
    type: ev.type,
    action: ev.action,
    eventTime: ev.eventTime ?? null,
    count: typeof series.count === 'number' ? series.count : (ev.deprecatedCount ?? 1),
    firstTimestamp: ev.deprecatedFirstTimestamp ?? ev.eventTime,
    lastTimestamp: series.lastObservedTime ?? ev.deprecatedLastTimestamp ?? ev.eventTime,
    source: { component: ev.reportingController ?? deprecatedSource.component, host: deprecatedSource.host },
    reportingComponent: ev.reportingController,
    reportingInstance: ev.reportingInstance,
  };
}
