import { parseTable } from './describe-tree.js';
import { eventAge } from './describe-values.js';
import { eventFromRow, joinContinuations, parseEventRow, type EventRow } from './event-rows.js';

/**
 * The `Events:` table at the end of `kubectl describe` output (Type, Reason, Age, From,
 * Message) → core/v1 Events about the described object. Ages are relative, so timestamps are
 * reconstructed from the moment the text was read (`now`).
 */
type Raw = Record<string, unknown>;

export interface DescribedObject {
  kind: string;
  name: string;
  namespace?: string | undefined;
  apiVersion?: string;
}

/** Splits a describe document into its body and the lines of its Events table. */
export function cutEvents(doc: string): { body: string; eventLines: string[] } {
  const lines = doc.split(/\r?\n/);
  const i = lines.findIndex((l) => /^Events:/.test(l));
  if (i < 0) return { body: doc, eventLines: [] };
  return { body: lines.slice(0, i).join('\n'), eventLines: lines.slice(i + 1) };
}

/** `From` is `kubelet`, `default-scheduler`, or `kubelet, node-1` on old clusters. */
function source(from: string): Raw {
  const [component, host] = from.split(',').map((s) => s.trim());
  return { component, ...(host ? { host } : {}) };
}

/** Rows in any of kubectl's older layouts (FirstSeen/LastSeen, tab-separated) or without a header. */
export function eventsFromLines(lines: string[], now: Date, about?: DescribedObject): Raw[] {
  const object = about ? { kind: about.kind, name: about.name, ...(about.namespace ? { namespace: about.namespace } : {}) } : undefined;
  return joinContinuations(lines).map(parseEventRow).filter((r): r is EventRow => r !== undefined).map((r) => eventFromRow(r, object, now));
}

export function describeEvents(lines: string[], about: DescribedObject, now: Date): Raw[] {
  const eventLines = joinContinuations(lines);
  const header = eventLines.find((l) => l.trim() !== '' && l.trim() !== '<none>') ?? '';
  // The current layout is aligned with spaces and sliced by column; anything else row by row.
  if (!/^\s*Type\s+Reason\s+Age\s+From\s+Message/.test(header) || eventLines.some((l) => l.includes('\t'))) return eventsFromLines(eventLines, now, about);
  const rows = parseTable(eventLines.filter((l) => l.trim() !== '<none>'));
  return rows
    .filter((r) => r.Type && r.Reason)
    .map((r) => {
      const age = eventAge(r.Age ?? '', now);
      return {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { ...(about.namespace ? { namespace: about.namespace } : {}) },
        involvedObject: {
          kind: about.kind,
          name: about.name,
          ...(about.namespace ? { namespace: about.namespace } : {}),
          ...(about.apiVersion ? { apiVersion: about.apiVersion } : {}),
        },
        type: r.Type,
        reason: r.Reason,
        message: r.Message ?? '',
        source: source(r.From ?? ''),
        count: age.count,
        firstTimestamp: age.firstTimestamp,
        lastTimestamp: age.lastTimestamp,
        eventTime: null,
      };
    });
}
