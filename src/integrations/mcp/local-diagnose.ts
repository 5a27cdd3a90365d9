import type { Diagnosis } from '../../domain/diagnosis.js';
import { SyntraError } from '../../domain/errors.js';

/**
 * The MCP `diagnose` tool: the investigator in this process, like `syntra diagnose` — the bundled
 * demo cluster or the live cluster of the local kubeconfig (read-only), secrets masked. No file
 * paths: an MCP client (often a model) must not be able to make Syntra read arbitrary files.
 */
export interface DiagnoseArgs {
  source: 'demo' | 'live';
  namespace?: string | undefined;
  pod?: string | undefined;
  /** Kind/name, e.g. deployment/auth-service. */
  resource?: string | undefined;
  /** A registered cluster's location (live only): a context of this process's kubeconfig, or in-cluster. */
  location?: { context: string | null; inCluster: boolean } | undefined;
}

export async function diagnoseLocally(a: DiagnoseArgs, signal: AbortSignal): Promise<Diagnosis | Diagnosis[]> {
  const [{ diagnose, diagnoseAll }, { openEvidenceSource }] = await Promise.all([import('../../investigator/diagnose.js'), import('../../investigator/sources/index.js')]);
  const c = a.location;
  const source = c
    ? (await import('../../investigator/sources/live-source.js')).createLiveSource({ ...(c.context ? { context: c.context } : {}), ...(c.inCluster ? { inCluster: true } : {}), redact: true })
    : await openEvidenceSource({ ...(a.source === 'live' ? { live: true } : { demo: true }), redact: true });
  if (a.source === 'live') {
    const report = await source.check(AbortSignal.any([signal, AbortSignal.timeout(30_000)]));
    if (!report.ok) throw new SyntraError(report.problem?.code === 'cluster_forbidden' ? 'cluster_forbidden' : 'cluster_unreachable', report.problem?.message ?? `cannot use ${report.description}`);
  }
  const target = a.pod ? { kind: 'Pod', name: a.pod } : a.resource ? parseResource(a.resource) : undefined;
  const snapshot = await source.collect(
    { ...(a.namespace ? { namespace: a.namespace } : {}), ...(target ? { target } : {}) },
    a.source === 'live' ? AbortSignal.any([signal, AbortSignal.timeout(120_000)]) : signal,
  );
  if (target) return diagnose(snapshot, a.namespace ? { ...target, namespace: a.namespace } : target);
  const all = diagnoseAll(snapshot, a.namespace ? { namespace: a.namespace } : {});
  return all.length ? all : [diagnose(snapshot)];
}

/** `KIND/NAME` in kubectl's spelling (deploy/x, svc/x): the investigator resolves the kind. */
function parseResource(spec: string): { kind: string; name: string } {
  const [kind, name, ...rest] = spec.trim().split('/');
  if (!kind || !name || rest.length) throw new SyntraError('validation_failed', `resource must be KIND/NAME, e.g. deployment/auth-service (got "${spec}")`);
  return { kind, name };
}
