import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { writeSyntheticNamespace } from '../../bench/diagnose/synthetic-namespace.js';
import * as now from '../../src/domain/secrets/index.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { readDumpFolder } from '../../src/investigator/sources/dump-source.js';
import { openEvidenceSource } from '../../src/investigator/sources/index.js';
import type { ClusterSnapshot } from '../../src/investigator/cluster/snapshot.js';
import { halfOf } from '../fixtures/diagnosis/real/split.js';
import * as before from './secrets-before/index.js';

/**
 * The faster masker (src/domain/secrets) against the one it replaced (a copy in secrets-before/):
 * the same output and the same count on a synthetic 5,000-pod-like namespace, the demo cluster,
 * every fixture under test/fixtures (the real corpus's tuning half only: the frozen half is
 * never opened) as text, as lines, as parsed objects and as the snapshot `syntra diagnose --from`
 * builds of it, and on variants of every fixture line that sit on the edges of the new pre-checks
 * (an AWS-shaped key appended, separators removed, case changed).
 */
const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const REAL_CASES = join(FIXTURES, 'diagnosis', 'real', 'cases');
const AWS_SHAPED = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return dir === REAL_CASES && halfOf(e.name) === 'frozen' ? [] : fixtureFiles(path);
    return e.isFile() && statSync(path).size < 2_000_000 ? [path] : [];
  });
}

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

function sameSnapshotMasks(snapshot: ClusterSnapshot): void {
  const { logs, source, ...objects } = snapshot;
  void source;
  expect(now.redactDeep(objects)).toEqual(before.redactDeep(objects));
  for (const log of logs) expect(now.redactLines(log.lines), `${log.pod}/${log.container}`).toEqual(before.redactLines(log.lines));
}

describe('the faster masker masks exactly what the one before it did', () => {
  it('on a synthetic namespace of ~1,000 pods (10 copies of the demo incident) and the demo cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syntra-mask-eq-'));
    temps.push(dir);
    const broken = new Set(['auth-service', 'payment-worker', 'frontend', 'analytics-batch', 'notification-service', 'postgres', 'smtp-credentials']);
    await writeSyntheticNamespace(DEMO_DIR, dir, { targetPods: 1000, fullCopies: 10, unhealthyNames: broken });
    const synthetic = await readDumpFolder(dir);
    expect(synthetic.pods.length).toBeGreaterThanOrEqual(1000);
    expect(before.redactDeep(synthetic.pods).count).toBeGreaterThan(0);
    sameSnapshotMasks(synthetic);
    sameSnapshotMasks(await readDumpFolder(DEMO_DIR));
  }, 120_000);

  it.each([
    `mysql,-phunter2,${AWS_SHAPED}`,
    `sshpass,-phunter2,${AWS_SHAPED}`,
    'containerd://0123456789abcdef0123456789abcdef0123456789abcdef',
    'EYJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r',
    '  {"password":"hunter2"}',
    '\u00a0{"password":"hunter2"}',
  ])('on the edges of the pre-checks: %s', (s) => {
    expect(now.redactText(s)).toEqual(before.redactText(s));
    expect(now.redactDeep({ s, args: ['mysql', s] })).toEqual(before.redactDeep({ s, args: ['mysql', s] }));
  });

  const files = fixtureFiles(FIXTURES);
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => f.startsWith(REAL_CASES))).toBe(true);
  });

  it.each(files.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s: as text, lines, edge variants of each line, and parsed', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(now.redactText(text)).toEqual(before.redactText(text));
    const lines = text.split('\n');
    expect(now.redactLines(lines)).toEqual(before.redactLines(lines));
    for (const line of lines) {
      for (const variant of [line, `${line} ${AWS_SHAPED}`, `${AWS_SHAPED}${line}`, line.replace(/[\s=:]/g, ''), line.replace(/[\s=:]/g, ',') + AWS_SHAPED, line.toUpperCase(), line.toLowerCase()]) {
        expect(now.redactText(variant), variant).toEqual(before.redactText(variant));
      }
    }
    if (/\.(json|ya?ml)$/.test(file)) {
      // Pasted output is not always whole JSON or YAML: what does not parse was compared as text above.
      const docs: unknown[] = parseAllDocuments(text).flatMap((d) => (d.errors.length ? [] : [d.toJS() as unknown]));
      for (const doc of docs) expect(now.redactDeep(doc)).toEqual(before.redactDeep(doc));
    }
  });

  const evidence = files.filter((f) => /\.(txt|log|json|ya?ml)$/.test(f) && !f.endsWith('case.yaml'));
  const read: string[] = [];
  it.each(evidence.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s: the snapshot syntra diagnose --from reads of it', async (_name, file) => {
    // Not every fixture is evidence (a case's labels, a log-rule table): those read as nothing.
    const snapshot = await (await openEvidenceSource({ from: [file], redact: false })).collect({}).catch(() => undefined);
    if (!snapshot) return;
    read.push(file);
    sameSnapshotMasks(snapshot);
  });
  it('read most fixtures as evidence', () => {
    expect(read.length).toBeGreaterThan(evidence.length / 2);
  });
});
