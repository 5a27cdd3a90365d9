import { kindSpec, resolveKind } from '../../cluster/kinds.js';
import { parseTable } from './describe-tree.js';
import { eventAge } from './describe-values.js';

/**
 * The `kubectl get events` table: `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`, with a leading
 * NAMESPACE column under `-A`, and the extra columns of `-o wide` (SUBOBJECT, SOURCE, FIRST SEEN,
 * COUNT, NAME) when present; before 1.14 `LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE
 * REASON SOURCE MESSAGE` (and `LASTSEEN FIRSTSEEN …` earlier) → core/v1 Events.
 */
type Raw = Record<string, unknown>;

const HEADER = /\bREASON\b/;

/** `pod/auth-service-x2k4p` → kind and name (the resource may carry a group: `job.batch/x`). */
function objectRef(object: string): { kind: string; name: string } {
  const i = object.indexOf('/');
  if (i < 0) return { kind: '', name: object };
  const resource = object.slice(0, i);
  return { kind: resolveKind(resource) ?? resource, name: object.slice(i + 1) };
}

export function parseEventsTable(text: string, defaultNamespace: string | undefined, now: Date = new Date()): Raw[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => HEADER.test(l));
  return parseTable(lines.slice(Math.max(start, 0)))
    .filter((r) => r.TYPE && r.REASON)
    .map((r) => {
      // Before 1.14 the object was two columns: NAME (the event's own, `<object>.<hex>`) and KIND.
      const { kind, name } = r.OBJECT !== undefined ? objectRef(r.OBJECT) : { kind: resolveKind(r.KIND ?? '') ?? r.KIND ?? '', name: (r.NAME ?? '').replace(/\.[0-9a-f]{8,}$/, '') };
      const namespace = r.NAMESPACE || defaultNamespace;
      const last = eventAge(r['LAST SEEN'] ?? r.LASTSEEN ?? '', now);
      const firstSeen = r['FIRST SEEN'] ?? r.FIRSTSEEN;
      const first = firstSeen ? eventAge(firstSeen, now) : undefined;
      const count = r.COUNT && /^\d+$/.test(r.COUNT) ? Number(r.COUNT) : last.count;
      const [component, host] = (r.SOURCE ?? '').split(',').map((s) => s.trim());
      return {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { ...(r.NAME ? { name: r.NAME } : {}), ...(namespace ? { namespace } : {}) },
        involvedObject: {
          kind, name,
          ...(namespace && kind !== 'Node' ? { namespace } : {}),
          apiVersion: kindSpec(kind)?.apiVersion ?? 'v1',
          ...(r.SUBOBJECT ? { fieldPath: r.SUBOBJECT } : {}),
        },
        type: r.TYPE,
        reason: r.REASON,
        message: r.MESSAGE ?? '',
        ...(component ? { source: { component, ...(host ? { host } : {}) } } : {}),
        count,
        firstTimestamp: first?.lastTimestamp ?? last.firstTimestamp,
        lastTimestamp: last.lastTimestamp,
        eventTime: null,
      };
    });
}
