import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT_CAUSE_TYPES, type Diagnosis } from '../../src/domain/diagnosis.js';
import { diagnose } from '../../src/investigator/diagnose.js';
import { openEvidenceSource } from '../../src/investigator/sources/index.js';
import { schemaProblems } from '../cli/diagnose-harness.js';

/**
 * docs/diagnosis.md stays true: every root-cause type is documented, and the example document is
 * what `syntra diagnose --demo --namespace production --resource deployment/auth-service --json`
 * prints (compared on what the wording of analyzers does not change: target, types, evidence).
 */
const DOC = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'diagnosis.md'), 'utf8');

function exampleDocument(): Diagnosis {
  const block = /Real output of `syntra diagnose --demo[^`]*--json`:\s*```json\n([\s\S]*?)\n```/.exec(DOC);
  if (!block) throw new Error('docs/diagnosis.md has no example JSON block');
  return JSON.parse(block[1]!) as Diagnosis;
}

describe('docs/diagnosis.md', () => {
  it('documents every root-cause type and detection method', () => {
    for (const type of ROOT_CAUSE_TYPES) expect(DOC, type).toMatch(new RegExp(`^\\| \`${type}\` \\| .+ \\| .+ \\|$`, 'm'));
    for (const method of ['rule_based', 'log_pattern', 'hybrid', 'llm', 'rule_based_fallback']) expect(DOC).toMatch(new RegExp(`^\\| \`${method}\` \\|`, 'm'));
  });

  it('shows a real, schema-valid example document (regenerate it with the command in the doc if this fails)', async () => {
    const example = exampleDocument();
    expect(schemaProblems(example)).toEqual([]);
    const snapshot = await (await openEvidenceSource({ demo: true })).collect({ namespace: 'production' });
    const actual = diagnose(snapshot, { kind: 'deployment', name: 'auth-service', namespace: 'production' });
    expect(example.target).toEqual(actual.target);
    expect(example.root_cause.type).toBe('service_no_endpoints');
    expect(example.root_cause.type).toBe(actual.root_cause.type);
    expect(example.root_cause.detection_method).toBe(actual.root_cause.detection_method);
    expect(example.root_cause.evidence).toEqual(actual.root_cause.evidence);
    expect(example.findings.map((f) => f.type)).toEqual(actual.findings.map((f) => f.type));
    expect(example.remediation.writes).toEqual(actual.remediation.writes);
  });
});
