import { resolveKind } from '../../cluster/kinds.js';
import { eventAge, type EventAge } from './describe-values.js';

/**
 * Event rows as kubectl has printed them over the years, with or without their header:
 * - `kubectl describe` (1.10+):   `Warning  Failed  7s (x3 over 22s)  kubelet  Error: …`
 * - `kubectl describe` (≤1.9):    `4m  2m  2  {kubelet node-1}  spec.containers{app}  Warning  FailedMount  …`
 *                                 (FirstSeen LastSeen Count From [SubObjectPath] Type Reason Message; `kubelet, node-1` from 1.6)
 * - `kubectl describe` (≤1.4):    the same without Type, and tab-separated dates in 2015
 * The SubObjectPath of the pod's infra container before 1.3 is `implicitly required container POD`
 * (pkg/kubelet/container/ref.go, ImplicitContainerPrefix), the one path with spaces.
 * - `kubectl get events` (1.14+): `2m27s  Warning  Unhealthy  pod/uptime-kuma-…  Readiness probe failed: …` (NAMESPACE first with -A)
 * - `kubectl get events` (≤1.13): `59m  6d  124  name.hash  ReplicaSet  [subobject]  Warning  FailedCreate  source  message`
 * Each row becomes a core/v1 Event; the object it is about is set when the row names it.
 */
type Raw = Record<string, unknown>;

export interface EventRow {
  type?: string | undefined;
  reason: string;
  message: string;
  object?: { kind: string; name: string; namespace?: string } | undefined;
  fieldPath?: string | undefined;
  source?: string | undefined;
  count?: number;
  lastSeen?: string | undefined;
  firstSeen?: string | undefined;
}

const TYPE = '(Normal|Warning)';
const REASON = '([A-Z][A-Za-z]+|failed|pulled|created|started|killing|scheduled|pulling|backoff)';
const AGE = '(<unknown>|<invalid>|\\d+[smhdy](?:\\d+[smh])?(?:\\s+\\(x\\d+ over \\S+\\))?)';
const OLD_AGE = '(<unknown>|<invalid>|\\d+[smhdy](?:\\d+[smh])?|[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} [\\d:]+ [+-]\\d{4})';

const LAYOUTS: [RegExp, (m: RegExpExecArray) => EventRow][] = [
  // kubectl get events (1.14+), optional NAMESPACE column: LAST SEEN TYPE REASON OBJECT MESSAGE
  [new RegExp(`^\\s*(?:([a-z0-9][a-z0-9-]*)\\s+)?${AGE}\\s+${TYPE}\\s+${REASON}\\s+([a-z]+(?:\\.[a-z0-9.-]+)?\\/\\S+)\\s+(.*)$`), (m) => ({
    type: m[3], reason: m[4]!, message: m[6]!, lastSeen: m[2], object: objectRef(m[5]!, m[1]),
  })],
  // kubectl describe (1.10+): Type Reason Age From Message
  [new RegExp(`^\\s*${TYPE}\\s+${REASON}\\s+${AGE}\\s+(\\S+(?:, \\S+)?(?: \\S+)?)\\s{2,}(.*)$`), (m) => ({
    type: m[1], reason: m[2]!, lastSeen: m[3], source: m[4], message: m[5]!,
  })],
  [new RegExp(`^\\s*${TYPE}\\s+${REASON}\\s+${AGE}\\s+(\\S+(?:, \\S+)?)\\s+(.*)$`), (m) => ({
    type: m[1], reason: m[2]!, lastSeen: m[3], source: m[4], message: m[5]!,
  })],
  // kubectl describe (≤1.9): FirstSeen LastSeen Count From [SubObjectPath] Type Reason Message
  [new RegExp(`^\\s*${OLD_AGE}\\s+${OLD_AGE}\\s+(\\d+)\\s+(\\{[^}]*\\}|[\\w.-]+(?:, [\\w.-]+)?)\\s+(?:(spec\\.\\S+|implicitly required container \\S+)\\s+)?${TYPE}\\s+${REASON}\\s+(.*)$`), (m) => ({
    firstSeen: m[1], lastSeen: m[2], count: Number(m[3]), source: m[4]!.replace(/^\{|\}$/g, '').trim(), fieldPath: m[5], type: m[6], reason: m[7]!, message: m[8]!,
  })],
  // kubectl describe (≤1.4): FirstSeen LastSeen Count From SubobjectPath Reason Message (no Type)
  [new RegExp(`^\\s*${OLD_AGE}\\s+${OLD_AGE}\\s+(\\d+)\\s+(\\{[^}]*\\})\\s+(?:(spec\\.\\S+|implicitly required container \\S+)\\s+)?${REASON}\\s+(.*)$`), (m) => ({
    firstSeen: m[1], lastSeen: m[2], count: Number(m[3]), source: m[4]!.replace(/^\{|\}$/g, '').trim(), fieldPath: m[5], reason: m[6]!, message: m[7]!,
  })],
  // 2015: date, {source}, subobject, reason, message — tab separated, no counts
  [/^\s*([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} [\d:]+ [+-]\d{4})\t+(\{[^}]*\})\t+(\S*)\t+(\w+)\t+(.*)$/, (m) => ({
    lastSeen: m[1], source: m[2]!.replace(/^\{|\}$/g, '').trim(), fieldPath: m[3] || undefined, reason: m[4]!, message: m[5]!.trim(),
  })],
  // kubectl get events (≤1.13): LAST SEEN FIRST SEEN COUNT NAME KIND [SUBOBJECT] TYPE REASON SOURCE MESSAGE
  [new RegExp(`^\\s*${OLD_AGE}\\s+${OLD_AGE}\\s+(\\d+)\\s+(\\S+)\\s+([A-Z][A-Za-z]+)\\s+(?:(spec\\.\\S+|implicitly required container \\S+)\\s+)?${TYPE}\\s+${REASON}\\s+(.+?)\\s{2,}(.*)$`), (m) => ({
    lastSeen: m[1], firstSeen: m[2], count: Number(m[3]), object: { kind: resolveKind(m[5]!) ?? m[5]!, name: eventObjectName(m[4]!) },
    fieldPath: m[6], type: m[7], reason: m[8]!, source: m[9], message: m[10]!,
  })],
];

/** `pod/x`, `replicaset.apps/x` → kind and name. */
function objectRef(object: string, namespace?: string): EventRow['object'] {
  const i = object.indexOf('/');
  const kind = resolveKind(object.slice(0, i)) ?? object.slice(0, i);
  return { kind, name: object.slice(i + 1), ...(namespace ? { namespace } : {}) };
}

/** An event's name is `<object>.<hex>`: the object is what comes before the last dot. */
const eventObjectName = (name: string): string => name.replace(/\.[0-9a-f]{8,}$/, '');

export function parseEventRow(line: string): EventRow | undefined {
  for (const [re, build] of LAYOUTS) {
    const m = re.exec(line);
    if (m) return build(m);
  }
  return undefined;
}

export const isEventRow = (line: string): boolean => parseEventRow(line) !== undefined;

/**
 * A line kubectl printed as part of the event message above it: event messages may hold newlines,
 * and kubectl prints them as they are, unindented — the kubelet's mount failure is one
 * (mount-utils: `mount failed: …\nMounting command: …\nMounting arguments: …\nOutput: …`). Not a
 * line that starts something else: a row, a prompt, a describe or YAML document, a kubectl error,
 * JSON, a timestamped log line.
 */
export function isMessageContinuation(line: string): boolean {
  if (line.trim() === '' || /^\s/.test(line) || isEventRow(line)) return false;
  return !/^(?:Name:|Events:|apiVersion:|kind:|---|[{[]|\$ |Error from server|error: |\d{4}-\d\d-\d\d|[IWEF]\d{4} |[A-Z]{2,}\s{2,}[A-Z])/.test(line);
}

/**
 * The mount program's own output, which mount-utils quotes last (`Output: …`) and as it was printed: util-linux
 * indents the lines after the first of its hints (`mount: wrong fs type, bad option, bad superblock on x,` then
 * `       missing codepage or helper program, or other error` … `need a /sbin/mount.<type> helper program)`),
 * so once a message has reached its `Output:`, an indented line that is no event row still belongs to it.
 */
const inMountOutput = (joined: string, line: string): boolean =>
  /\bOutput: /.test(joined) && /^\s+\S/.test(line) && !isEventRow(line);

/** Rows with the lines that continue their messages joined onto them (a space for each newline). */
export function joinContinuations(lines: readonly string[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const line of lines) {
    if (open && (isMessageContinuation(line) || inMountOutput(out[out.length - 1]!, line))) {
      out[out.length - 1] = `${out[out.length - 1]!.trimEnd()} ${line.trim()}`;
      continue;
    }
    out.push(line);
    open = isEventRow(line);
  }
  return out;
}

/** When a row's time is a date (old layouts) rather than an age. */
function timestamp(value: string | undefined, now: Date): EventAge {
  if (value === undefined) return { count: 1 };
  const ms = /[A-Z][a-z]{2}, /.test(value) ? Date.parse(value) : NaN;
  if (!Number.isNaN(ms)) return { lastTimestamp: new Date(ms).toISOString(), firstTimestamp: new Date(ms).toISOString(), count: 1 };
  return eventAge(value, now);
}

/** A row as a core/v1 Event; `about` is the object when the row itself does not name it. */
export function eventFromRow(row: EventRow, about: EventRow['object'] | undefined, now: Date): Raw {
  const object = row.object ?? about;
  const last = timestamp(row.lastSeen, now);
  const first = row.firstSeen ? timestamp(row.firstSeen, now) : undefined;
  const [component, host] = (row.source ?? '').split(/,\s*|\s+/).filter(Boolean);
  const namespace = object?.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { ...(namespace ? { namespace } : {}) },
    involvedObject: {
      kind: object?.kind ?? '',
      name: object?.name ?? '',
      ...(namespace && object?.kind !== 'Node' ? { namespace } : {}),
      ...(row.fieldPath ? { fieldPath: row.fieldPath } : {}),
    },
    type: row.type ?? (/^Failed|BackOff|Unhealthy|Evict|OOM|Error|failed|backoff/.test(row.reason) ? 'Warning' : 'Normal'),
    reason: row.reason.charAt(0).toUpperCase() + row.reason.slice(1),
    message: row.message.trim(),
    ...(component ? { source: { component, ...(host ? { host } : {}) } } : {}),
    count: row.count ?? last.count,
    firstTimestamp: first?.lastTimestamp ?? last.firstTimestamp,
    lastTimestamp: last.lastTimestamp,
    eventTime: null,
  };
}
