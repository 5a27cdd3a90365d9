import { errorMessage } from '../../domain/errors.js';
import type { KubeObject, Verification } from './action-def.js';
import type { KubeWriter } from './kube-writer.js';

/**
 * The Reviewer's checks of a workload after an action, beyond the object's own status: its pods
 * are ready (as many as it wants), every Service selecting them has ready endpoints, and the
 * error line the diagnosis relied on is gone from the logs of the pods started since the action.
 * When the diagnosis was about another workload (scale postgres because auth-service cannot
 * reach it), that workload's pods are reported too — as evidence, not as a condition: it
 * recovers on its own schedule (its next restart).
 */
export interface Check {
  check: 'pods_ready' | 'endpoints_ready' | 'error_gone' | 'subject';
  ok: boolean;
  detail: string;
}

export interface WorkloadVerification extends Verification {
  checks: Check[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
export const isWorkload = (kind: string | undefined): boolean => kind !== undefined && WORKLOADS.has(kind);

type Pod = KubeObject & { status?: { conditions?: Array<{ type?: string; status?: string }>; containerStatuses?: Array<{ name?: string }> } };
const isReady = (p: Pod) => !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const labelsOf = (o: KubeObject) => (o.spec?.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? {};
const selectorText = (sel: Record<string, string>) => Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) => !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const wanted = (o: KubeObject): number => (o.kind === 'DaemonSet' ? Number((o.status as { desiredNumberScheduled?: number } | undefined)?.desiredNumberScheduled ?? 0) : Number((o.spec as { replicas?: number } | undefined)?.replicas ?? 1));

/** A log line as a pattern: timestamps, numbers and hex ids vary between instances of the same error. */
export function errorPattern(line: string): RegExp {
  const core = line.replace(/^\s*\d{4}-\d{2}-\d{2}[T ][\d:.,]+Z?\s*/, '').trim().slice(0, 200);
  const escaped = core.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[0-9a-f]{8,}|\d+/gi, '[0-9a-f.:]+');
  return new RegExp(escaped, 'i');
}

/** The pods of a workload (by its selector), as the Reviewer sees them now. */
export async function podsOf(writer: KubeWriter, workload: KubeObject): Promise<Pod[]> {
  const sel = (workload.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!sel || !workload.metadata?.namespace) return [];
  return (await writer.list('Pod', workload.metadata.namespace, selectorText(sel))) as Pod[];
}

export async function verifyWorkload(
  writer: KubeWriter,
  after: KubeObject,
  opts: { podsBefore: ReadonlySet<string>; errorLine: string | null; subject: { kind: string; name: string; namespace?: string } | null },
): Promise<WorkloadVerification> {
  const ns = after.metadata?.namespace ?? '';
  const checks: Check[] = [];
  const pods = (await podsOf(writer, after)).filter((p) => !p.metadata?.deletionTimestamp);
  const want = wanted(after);
  const ready = pods.filter(isReady);
  checks.push({ check: 'pods_ready', ok: ready.length >= want && (want === 0 || ready.length > 0), detail: `${ready.length}/${want} pod(s) ready${pods.length > ready.length ? `; not ready: ${pods.filter((p) => !isReady(p)).map((p) => p.metadata?.name).join(', ')}` : ''}` });

  const labels = labelsOf(after);
  const services = (await writer.list('Service', ns)).filter((s) => selects((s.spec as { selector?: Record<string, string> } | undefined)?.selector, labels));
  if (services.length && want > 0) {
    const endpoints = await writer.list('Endpoints', ns);
    for (const svc of services) {
      const ep = endpoints.find((e) => e.metadata?.name === svc.metadata?.name) as { subsets?: Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }> } | undefined;
      const readyAddrs = (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
      const notReady = (ep?.subsets ?? []).reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
      checks.push({ check: 'endpoints_ready', ok: readyAddrs > 0 && readyAddrs >= Math.min(want, ready.length || want), detail: `service ${svc.metadata?.name}: ${readyAddrs} ready endpoint(s)${notReady ? `, ${notReady} not ready` : ''}` });
    }
  }

  // The diagnosis was about this workload, or about one of its pods.
  const s = opts.subject;
  const subjectIsTarget = !s || (s.kind === after.kind && s.name === after.metadata?.name) || (s.kind === 'Pod' && s.name.startsWith(`${after.metadata?.name}-`));
  if (opts.errorLine && subjectIsTarget) {
    const pattern = errorPattern(opts.errorLine);
    const fresh = pods.filter((p) => !opts.podsBefore.has(p.metadata?.uid ?? ''));
    if (fresh.length === 0) checks.push({ check: 'error_gone', ok: false, detail: 'no pod started since the action yet: no new logs to read' });
    else {
      const seen: string[] = [];
      for (const p of fresh) {
        for (const c of p.status?.containerStatuses ?? []) {
          try {
            const log = await writer.logs(ns, p.metadata!.name!, c.name!, 200);
            const hit = log.split('\n').find((l) => pattern.test(l));
            if (hit) seen.push(`${p.metadata?.name}/${c.name}: ${hit.slice(0, 200)}`);
          } catch (e) {
            seen.push(`${p.metadata?.name}/${c.name}: log not readable (${errorMessage(e)})`);
          }
        }
      }
      checks.push({ check: 'error_gone', ok: seen.length === 0, detail: seen.length ? `the error is still logged by the new pods: ${seen.join('; ')}` : `"${opts.errorLine.slice(0, 120)}" not in the logs of ${fresh.length} new pod(s)` });
    }
  }

  if (opts.subject && !subjectIsTarget && opts.subject.namespace && isWorkload(opts.subject.kind)) {
    try {
      const subject = await writer.read({ kind: opts.subject.kind as 'Deployment', name: opts.subject.name, namespace: opts.subject.namespace });
      if (subject && isWorkload(subject.kind)) {
        const sp = (await podsOf(writer, subject)).filter((p) => !p.metadata?.deletionTimestamp);
        checks.push({ check: 'subject', ok: true, detail: `${opts.subject.kind.toLowerCase()}/${opts.subject.name} (the diagnosed workload): ${sp.filter(isReady).length}/${wanted(subject)} pod(s) ready; it recovers at its next restart` });
      }
    } catch (e) {
      checks.push({ check: 'subject', ok: true, detail: `${opts.subject.kind.toLowerCase()}/${opts.subject.name} not readable: ${errorMessage(e)}` });
    }
  }
  const failing = checks.filter((c) => !c.ok);
  return { state: failing.length ? 'pending' : 'ok', detail: checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.detail}`).join('; '), checks };
}
