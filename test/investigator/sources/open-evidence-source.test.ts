import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_DIR, openEvidenceSource, parseLogsOption } from '../../../src/investigator/sources/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/evidence/', import.meta.url));

describe('openEvidenceSource', () => {
  it('--demo opens the bundled cluster', async () => {
    const source = await openEvidenceSource({ demo: true });
    expect(source.kind).toBe('demo');
    expect(await source.listNamespaces()).toEqual(['production', 'staging']);
  });

  it('--from a dump folder opens the dump source', async () => {
    const source = await openEvidenceSource({ from: [DEMO_DIR] });
    expect(source.kind).toBe('dump');
    expect((await source.collect({ namespace: 'staging' })).pods).toHaveLength(2);
  });

  it('--from - reads stdin text; --logs assigns a file to a pod', async () => {
    const source = await openEvidenceSource({
      from: ['-', join(FIXTURES, 'events.txt')],
      stdin: readFileSync(join(FIXTURES, 'describe-pod-job-never.txt'), 'utf8'),
      logs: [`db-migrate-29032410-7kq2d/migrate@previous=${join(FIXTURES, 'auth-service.log')}`],
    });
    expect(source.kind).toBe('kubectl');
    const snap = await source.collect({});
    expect(snap.pods).toHaveLength(1);
    expect(snap.events.length).toBe(5);
    expect(snap.logs[0]).toMatchObject({ pod: 'db-migrate-29032410-7kq2d', container: 'migrate', previous: true });
  });

  it('a dump folder plus a describe file merge into one snapshot', async () => {
    const source = await openEvidenceSource({ from: [DEMO_DIR, join(FIXTURES, 'describe-node-not-ready.txt')] });
    const snap = await source.collect({ namespace: 'production' });
    expect(snap.nodes.map((n) => n.metadata?.name).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });

  it('rejects contradictory or missing choices and unreadable paths', async () => {
    await expect(openEvidenceSource({ demo: true, live: true })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(openEvidenceSource({})).rejects.toMatchObject({ code: 'bad_request' });
    await expect(openEvidenceSource({ from: ['/nonexistent/describe.txt'] })).rejects.toMatchObject({ code: 'evidence_unreadable' });
    await expect(openEvidenceSource({ from: ['-'] })).rejects.toMatchObject({ code: 'evidence_unreadable' });
  });

  it('parses --logs specs', () => {
    expect(parseLogsOption('app.log')).toEqual({ file: 'app.log' });
    expect(parseLogsOption('p/c=app.log')).toEqual({ file: 'app.log', target: { pod: 'p', container: 'c' } });
  });
});
