import { describe, expect, it } from 'vitest';
import { buildAnalysisContext } from '../../../src/investigator/analyzers/context.js';
import { ANALYZERS, runAnalyzers } from '../../../src/investigator/analyzers/registry.js';
import { loadDiagnosisCorpus } from '../../fixtures/diagnosis/corpus.js';

const corpus = loadDiagnosisCorpus();

describe('analyzer registry', () => {
  it('has one analyzer per kind, keyed by the kind it declares', () => {
    expect(Object.keys(ANALYZERS).sort()).toEqual(
      ['CronJob', 'DaemonSet', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'Node', 'PersistentVolumeClaim', 'Pod', 'ReplicaSet', 'ResourceQuota', 'Service', 'StatefulSet'].sort(),
    );
    for (const [kind, analyzer] of Object.entries(ANALYZERS)) expect(analyzer.kind).toBe(kind);
  });

  it('analyzers are pure: the same snapshot gives the same findings and is not modified', () => {
    for (const c of corpus.slice(0, 12)) {
      const before = JSON.stringify(c.snapshot);
      const a = runAnalyzers(buildAnalysisContext(c.snapshot));
      const b = runAnalyzers(buildAnalysisContext(c.snapshot));
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(JSON.stringify(c.snapshot)).toBe(before);
    }
  });

  it('runs only the named kinds when asked', () => {
    const c = corpus.find((x) => x.name === 'node-not-ready-explains-pods')!;
    const ctx = buildAnalysisContext(c.snapshot);
    expect(runAnalyzers(ctx, ['Node']).map((f) => f.type)).toEqual(['node_not_ready']);
    expect(runAnalyzers(ctx, ['Pod']).map((f) => f.type)).toEqual(['unknown']);
  });
});
