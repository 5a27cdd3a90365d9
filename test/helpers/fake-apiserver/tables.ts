import { PRINTERS } from './printers.js';

/** Stored objects are JSON as the dump holds them, like the rest of the loopback server. */
type Raw = Record<string, any>;

/**
 * Server-side printing, as kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * (what `kubectl get` asks for): the columns and cells of kubernetes/kubernetes
 * pkg/printers/internalversion/printers.go, generated with `Wide: true` as the apiserver's table
 * convertor does; kubectl hides the priority-1 columns unless `-o wide`. Without this, kubectl prints
 * only NAME and AGE, and no test sees the tables people paste.
 */
export const wantsTable = (accept: string | undefined): boolean => accept !== undefined && /;as=Table/.test(accept);

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration, the AGE / LAST SEEN of every kubectl table. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  const y = Math.floor(d / 365);
  if (y < 2) return `${d}d`;
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

const since = (t: unknown, now: number): string => (typeof t === 'string' ? humanDuration(now - Date.parse(t)) : '<unknown>');

const column = (name: string, priority = 0, format = '') => ({ name, type: name === 'Count' ? 'integer' : 'string', format, description: '', priority });

/** printers.go eventColumnDefinitions / printEvent (1.19 → 1.32). */
function eventRow(ev: Raw, now: number): unknown[] {
  const o = (ev.involvedObject ?? {}) as Raw;
  const source = (ev.source ?? {}) as Raw;
  const target = o.name ? `${String(o.kind ?? '').toLowerCase()}/${o.name}` : String(o.kind ?? '').toLowerCase();
  // formatEventSource: "component, host", or the reporting controller for events.k8s.io-born events.
  const from = source.component ? `${source.component}${source.host ? `, ${source.host}` : ''}` : String(ev.reportingComponent ?? '');
  const last = ev.lastTimestamp ?? ev.eventTime ?? ev.metadata?.creationTimestamp;
  const first = ev.firstTimestamp ?? ev.eventTime ?? ev.metadata?.creationTimestamp;
  return [since(last, now), ev.type ?? '', ev.reason ?? '', target, o.fieldPath ?? '', from, String(ev.message ?? '').trim(), since(first, now), Number(ev.count ?? 1), ev.metadata?.name ?? ''];
}

const terminatedReason = (t: Raw, prefix = ''): string => (t.reason ? `${prefix}${t.reason}` : t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`);

/** printers.go printPod (1.29 → 1.32; sidecar init containers left out): READY, STATUS, RESTARTS as kubectl shows them. */
function podRow(pod: Raw, now: number): unknown[] {
  const status = (pod.status ?? {}) as Raw;
  const spec = (pod.spec ?? {}) as Raw;
  let reason: string = status.reason || status.phase || '';
  // 1.27+: a pod held back by its schedulingGates.
  if ((status.conditions ?? []).some((c: Raw) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  let initializing = false;
  const inits: Raw[] = status.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated && (c.state.terminated.exitCode ?? 0) === 0) continue;
    if (c.state?.terminated) reason = terminatedReason(c.state.terminated, 'Init:');
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c: Raw) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    let running = false;
    for (const c of [...((status.containerStatuses ?? []) as Raw[])].reverse()) {
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated) reason = terminatedReason(c.state.terminated);
      else if (c.ready && c.state?.running) {
        running = true;
        ready += 1;
      }
    }
    if (reason === 'Completed' && running) reason = (status.conditions ?? []).some((c: Raw) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && !['Succeeded', 'Failed'].includes(status.phase)) reason = 'Terminating';
  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const ip = status.podIPs?.[0]?.ip ?? status.podIP ?? '<none>';
  return [pod.metadata?.name ?? '', `${ready}/${(spec.containers ?? []).length}`, reason, restartsText, since(pod.metadata?.creationTimestamp, now), ip, spec.nodeName || '<none>', status.nominatedNodeName || '<none>', '<none>'];
}

const TABLES: Record<string, { columns: ReturnType<typeof column>[]; row: (o: Raw, now: number) => unknown[] }> = {
  Event: {
    columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Subobject', 1), column('Source', 1), column('Message'), column('First Seen', 1), column('Count', 1), column('Name', 1, 'name')],
    row: eventRow,
  },
  Pod: {
    columns: [column('Name', 0, 'name'), column('Ready'), column('Status'), column('Restarts'), column('Age'), column('IP', 1), column('Node', 1), column('Nominated Node', 1), column('Readiness Gates', 1)],
    row: podRow,
  },
};

/** The printers of the other kinds (printers.ts), in this file's shape. */
for (const [kind, p] of Object.entries(PRINTERS)) {
  TABLES[kind] = {
    columns: p.columns.map((c) => column(c.name, c.priority, c.name === 'Name' ? 'name' : '')),
    row: (o, now) => p.row(o, { age: (t) => since(t, now), span: humanDuration }),
  };
}

/** The Table for a list, or undefined when this server does not print the kind (kubectl then falls back to NAME/AGE). */
export function tableOf(kind: string, items: readonly Raw[], metadata: Raw, now = Date.now()): Raw | undefined {
  const t = TABLES[kind];
  if (!t) return undefined;
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: t.columns,
    rows: items.map((o) => ({ cells: t.row(o, now), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}
