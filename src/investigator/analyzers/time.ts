import type { CoreV1Event } from '@kubernetes/client-node';

/** Timestamps are Dates when deserialized by client-node, strings when read raw; both count. */
export function millis(value: Date | string | undefined | null): number {
  if (value === undefined || value === null) return 0;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

/** When an event last happened: lastTimestamp, else eventTime, else firstTimestamp, else creation. */
export function timeOf(ev: CoreV1Event): number {
  return (
    millis(ev.lastTimestamp) || millis(ev.eventTime as Date | string | undefined) || millis(ev.firstTimestamp) || millis(ev.metadata?.creationTimestamp)
  );
}
