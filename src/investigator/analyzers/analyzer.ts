import type { Finding, ResourceRef } from '../../domain/diagnosis.js';
import type { AnalysisContext } from './context.js';

/**
 * One analyzer per resource kind (after k8sgpt): pure, synchronous, reads only the context.
 * Analyzers look at the objects in scope (`ctx.scope`) and may consult the whole snapshot
 * through the context's indexes.
 */
export interface Analyzer {
  readonly kind: string;
  analyze(ctx: AnalysisContext): AnalyzerFinding[];
}

/**
 * What a finding points at beyond its own resource; the ranking uses these to decide
 * which finding explains which (a connection refused to postgres:5432 → the postgres service).
 */
export interface FindingLinks {
  /** A host:port (or host only) the workload failed to reach or resolve. */
  dependency?: { host: string; port?: number };
  /** The node the pod runs (or was bound) on. */
  node?: string;
  /** PVCs the pod waits for. */
  pvcs?: string[];
}

/**
 * A finding as analyzers produce it: the public Finding plus the resource it is about
 * (`subject`, used to group findings by workload) and its causal links. `toPublicFinding`
 * strips the extras before a Diagnosis leaves the investigator.
 */
export interface AnalyzerFinding extends Finding {
  subject: ResourceRef;
  links?: FindingLinks;
  /** A consequence of another problem (a service whose pods are not ready): never outranks a cause. */
  symptom?: boolean;
  /** Group this finding with another workload's diagnosis (that service's backing deployment). */
  groupUnder?: ResourceRef;
}

export function toPublicFinding(f: AnalyzerFinding): Finding {
  const { subject: _subject, links: _links, symptom: _symptom, groupUnder: _groupUnder, ...finding } = f;
  return finding;
}
