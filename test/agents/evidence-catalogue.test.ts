import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceText, hypothesesText } from '../../src/agents/analyst-prompt.js';
import { EvidenceCatalogue, itemLine } from '../../src/agents/evidence-catalogue.js';
import { summarizeEvidence, type EvidenceSummary } from '../../src/agents/evidence-summary.js';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import type { ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';
import { diagnose } from '../../src/investigator/diagnose.js';
import { DEMO, demoSource } from '../../src/investigator/sources/demo-cluster/index.js';

/**
 * The evidence ids a model cites: one id per collected fact, the same ids however often the
 * catalogue is rebuilt from the same run (the analyst numbers, the reviewer checks), the rules'
 * quotes sharing the id of the line they quote, and every other collected event and log line
 * reachable by id for tool results.
 */
let evidence: ClusterSnapshot;
let summary: EvidenceSummary;
let rules: Diagnosis;
const [pod] = DEMO.authPods;
const build = () => new EvidenceCatalogue(summary, rules, evidence);

beforeAll(async () => {
  evidence = await demoSource().collect({ namespace: DEMO.namespace }, new AbortController().signal);
  summary = summarizeEvidence(evidence, { namespace: DEMO.namespace, pods: [pod], wide: false });
  rules = diagnose(evidence, { kind: 'Pod', name: pod, namespace: DEMO.namespace });
});

describe('the evidence catalogue', () => {
  it('numbers the same run the same way every time, summary first, then what the rules quoted', () => {
    const a = build();
    const b = build();
    expect(b.listed()).toEqual(a.listed());
    expect(a.listed().map((x) => x.id)).toEqual(a.listed().map((_, i) => `E${i + 1}`));
    expect(a.listed()[0]).toEqual({ id: 'E1', item: { kind: 'field', resource: { kind: 'Pod', name: pod, namespace: 'production' }, path: 'status', value: 'CrashLoopBackOff' } });
    // Nothing is listed twice: a rule quoting a summary line shares its id.
    const keys = a.listed().map((x) => JSON.stringify(x.item));
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of rules.root_cause.evidence) expect(a.idOf(e)).toMatch(/^E\d+$/);
    const quotedLog = rules.findings.flatMap((f) => f.evidence).find((e) => e.kind === 'log')!;
    const summaryLine = a.listed().find((x) => x.item.kind === 'log' && x.item.value === quotedLog.value && x.item.path === quotedLog.path);
    expect(summaryLine && a.idOf(quotedLog)).toBe(summaryLine?.id);
  });

  it('reaches every other collected event and log line by id, after the listed items; nothing else', () => {
    const c = build();
    const otherPodEvent = evidence.events.find((e) => e.involvedObject?.name === DEMO.oomPod)!;
    const id = c.idOf({ kind: 'event', resource: { kind: 'Pod', name: DEMO.oomPod, namespace: 'production' }, path: `${otherPodEvent.type} ${otherPodEvent.reason}${(otherPodEvent.count ?? 1) > 1 ? ` (x${otherPodEvent.count})` : ''}`, value: otherPodEvent.message ?? '' });
    expect(Number(id!.slice(1))).toBeGreaterThan(c.shown);
    expect(build().get(id!)).toMatchObject({ kind: 'event', value: otherPodEvent.message });
    for (const missing of ['E0', 'E99999', 'e1', '12']) expect(c.get(missing)).toBeUndefined();
    expect(c.idOf({ kind: 'log', resource: { kind: 'Pod', name: pod, namespace: 'production' }, path: 'auth-service', value: 'a line nobody logged' })).toBeUndefined();
  });

  it('shows the model numbered items and the hypotheses with the ids of their evidence', () => {
    const c = build();
    const text = evidenceText(summary, c);
    expect(text).toContain(`Target pods: ${pod}; owned by ReplicaSet auth-service-7d9f8b6c5d → Deployment auth-service`);
    expect(text).toContain(`E1 [field] Pod production/${pod} status: CrashLoopBackOff`);
    expect(text.split('\n').filter((l) => /^E\d+ \[/.test(l))).toEqual(c.listed().map(itemLine));

    // Without hypotheses, the ranked findings stand in for them.
    expect(hypothesesText(rules, c)).toMatch(new RegExp(`^H1 ${rules.root_cause.type} \\(confidence ${rules.root_cause.confidence}\\): .*\\n {3}for: E\\d+`));

    const root = rules.root_cause;
    const withHypotheses: Diagnosis = {
      ...rules,
      hypotheses: [
        { type: root.type, summary: root.summary, confidence: root.confidence, evidence_for: root.evidence, evidence_against: [], check: 'kubectl -n production get endpoints postgres' },
        { type: 'dns_resolution_failure', summary: 'the name postgres does not resolve', confidence: 0.2, evidence_for: [], evidence_against: ['the logs show an IP address, so the name resolved'], check: 'kubectl -n production exec deploy/auth-service -- getent hosts postgres' },
      ],
    };
    const h = hypothesesText(withHypotheses, new EvidenceCatalogue(summary, withHypotheses, evidence));
    expect(h).toContain(`H1 ${root.type} (confidence ${root.confidence}): ${root.summary}\n   for: E`);
    expect(h).toContain('   settle with: kubectl -n production get endpoints postgres');
    expect(h).toContain('H2 dns_resolution_failure (confidence 0.2): the name postgres does not resolve\n   for: none\n   against: the logs show an IP address, so the name resolved\n   settle with: kubectl');
  });
});
