import type { ResourceRef } from '../../../src/domain/diagnosis.js';
import type { AnalyzerFinding } from '../../../src/investigator/analyzers/analyzer.js';
import { buildAnalysisContext } from '../../../src/investigator/analyzers/context.js';
import { ANALYZERS } from '../../../src/investigator/analyzers/registry.js';
import type { ClusterSnapshot } from '../../../src/investigator/cluster/snapshot.js';

/** Runs one registered analyzer over a snapshot (whole namespace, or centred on a target). */
export function runOne(kind: string, snapshot: ClusterSnapshot, options: { namespace?: string; target?: ResourceRef } = {}): AnalyzerFinding[] {
  const analyzer = ANALYZERS[kind];
  if (!analyzer) throw new Error(`no analyzer for ${kind}`);
  return analyzer.analyze(buildAnalysisContext(snapshot, options));
}

export const types = (findings: readonly AnalyzerFinding[]): string[] => findings.map((f) => f.type);
