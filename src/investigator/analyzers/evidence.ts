import type { CoreV1Event } from '@kubernetes/client-node';
import type { EvidenceItem, ResourceRef } from '../../domain/diagnosis.js';

/** Evidence quoted exactly: the field value, the event message, the log line. */
export const fieldEvidence = (resource: ResourceRef, path: string, value: string | number | boolean): EvidenceItem => ({
  kind: 'field',
  resource,
  path,
  value: String(value),
});

export const specEvidence = (resource: ResourceRef, path: string, value: string): EvidenceItem => ({ kind: 'spec', resource, path, value });

/** path carries the event type, reason and count; value the message as the API server has it. */
export function eventEvidence(resource: ResourceRef, ev: CoreV1Event): EvidenceItem {
  const count = ev.count && ev.count > 1 ? ` (x${ev.count})` : '';
  return { kind: 'event', resource, path: `${ev.type ?? 'Normal'} ${ev.reason ?? ''}${count}`.trim(), value: ev.message ?? '' };
}

export const logEvidence = (pod: ResourceRef, container: string, previous: boolean, line: string): EvidenceItem => ({
  kind: 'log',
  resource: pod,
  path: previous ? `${container} (previous)` : container,
  value: line,
});

/** The newest event matching a reason (and message test), or undefined. Events are oldest first. */
export function latestEvent(events: readonly CoreV1Event[], reasons: readonly string[], message?: RegExp): CoreV1Event | undefined {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const ev = events[i]!;
    if (reasons.includes(ev.reason ?? '') && (!message || message.test(ev.message ?? ''))) return ev;
  }
  return undefined;
}
