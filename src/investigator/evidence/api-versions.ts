/**
 * Conversions between API versions that the snapshot keeps in one shape: autoscaling/v2 HPAs
 * are also listed in autoscaling/v1 shape, and events.k8s.io/v1 Events become core/v1 Events
 * (what `kubectl get events` and `kubectl describe` show). Raw wire JSON in, raw wire JSON out.
 */
type Raw = Record<string, unknown>;

const asRecord = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function cpuUtilization(metrics: unknown, field: 'target' | 'current'): number | undefined {
  for (const m of asArray(metrics)) {
    const metric = asRecord(m);
    const resource = asRecord(metric.resource);
    if (metric.type !== 'Resource' || resource.name !== 'cpu') continue;
    const value = asRecord(resource[field]).averageUtilization;
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** autoscaling/v2 HorizontalPodAutoscaler → autoscaling/v1 shape (CPU target only, as v1 has). */
export function hpaV2ToV1(v2: Raw): Raw {
  const spec = asRecord(v2.spec);
  const status = asRecord(v2.status);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: v2.metadata,
    spec: {
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpuUtilization(spec.metrics, 'target'),
    },
    status: {
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      lastScaleTime: status.lastScaleTime,
      observedGeneration: status.observedGeneration,
      currentCPUUtilizationPercentage: cpuUtilization(status.currentMetrics, 'current'),
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
