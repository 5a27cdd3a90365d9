import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_CAUSE_TYPES } from '../../src/domain/diagnosis.js';
import { loadRealCorpus } from '../fixtures/diagnosis/real/corpus.js';
import { halfOf } from '../fixtures/diagnosis/real/split.js';
import split from '../fixtures/diagnosis/real/split.json' with { type: 'json' };

/**
 * The real-world corpus is evidence nobody on the project wrote: each case must say where it comes
 * from and what the thread established, and the split into tuning and frozen halves is fixed.
 * (Its score is a benchmark, `npm run bench -- diagnose`, not a test.)
 */
const cases = loadRealCorpus();
const LABELS = new Set<string>([...ROOT_CAUSE_TYPES, 'not_found']);

describe('the real-world diagnosis corpus', () => {
  it('has at least 150 cases, split once into two halves', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set([...split.tuning, ...split.frozen])).toEqual(new Set(cases.map((c) => c.id)));
    for (const id of split.tuning) expect(halfOf(id)).toBe('tuning');
    for (const id of split.frozen) expect(halfOf(id)).toBe('frozen');
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s has provenance, a label from its resolution and its files', (_id, c) => {
    expect(c.source.url).toMatch(/^https:\/\//);
    expect(c.source.licence.length).toBeGreaterThan(10);
    expect(c.resolution.length).toBeGreaterThan(20);
    expect(c.label.types.length).toBeGreaterThan(0);
    for (const t of c.label.types) expect(LABELS.has(t), t).toBe(true);
    expect(c.inputs.length).toBeGreaterThan(0);
    for (const i of c.inputs) expect(existsSync(join(c.dir, i.file)), i.file).toBe(true);
  });
});
