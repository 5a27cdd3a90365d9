import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putArtifactVersion, readArtifactVersion } from '../../src/artifacts/artifact-versions.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import type { ArtifactStore } from '../../src/artifacts/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('artifact versions', () => {
  let t: TestDatabase;
  let dir: string;
  let store: ArtifactStore;
  let runId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'syntra-av-'));
    store = localArtifactStore(dir);
    const cmd = await t.db.query<{ id: string }>(`INSERT INTO commands (kind, input) VALUES ('echo', '{}') RETURNING id`);
    const thread = await t.db.query<{ id: string }>(`INSERT INTO threads (command_id) VALUES ($1) RETURNING id`, [cmd.rows[0]!.id]);
    const run = await t.db.query<{ id: string }>(
      `INSERT INTO runs (command_id, thread_id, kind, input) VALUES ($1, $2, 'echo', '{}') RETURNING id`,
      [cmd.rows[0]!.id, thread.rows[0]!.id],
    );
    runId = run.rows[0]!.id;
  });
  afterAll(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers versions per artifact and reads the latest or a named one', async () => {
    const v1 = await putArtifactVersion(t.db, store, { runId, name: 'report.md', kind: 'report', contentType: 'text/markdown', body: 'first' });
    const v2 = await putArtifactVersion(t.db, store, { runId, name: 'report.md', kind: 'report', contentType: 'text/markdown', body: 'second' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.sha256).not.toBe(v1.sha256);
    expect(Buffer.from((await readArtifactVersion(t.db, store, { runId, name: 'report.md' })).body).toString()).toBe('second');
    expect(Buffer.from((await readArtifactVersion(t.db, store, { runId, name: 'report.md', version: 1 })).body).toString()).toBe('first');
  });

  it('answers not_found for an unknown artifact or version', async () => {
    await expect(readArtifactVersion(t.db, store, { runId, name: 'nope.json' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(readArtifactVersion(t.db, store, { runId, name: 'report.md', version: 9 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rejects a bad name before writing anything', async () => {
    await expect(
      putArtifactVersion(t.db, store, { runId, name: '../escape', kind: 'report', contentType: 'text/plain', body: 'x' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const rows = await t.db.query(`SELECT 1 FROM artifacts WHERE name = '../escape'`);
    expect(rows.rowCount).toBe(0);
  });

  it('leaves no metadata row when the store write fails', async () => {
    const broken: ArtifactStore = { ...store, put: async () => Promise.reject(new Error('disk full')) };
    await expect(
      putArtifactVersion(t.db, broken, { runId, name: 'evidence.json', kind: 'evidence', contentType: 'application/json', body: '{}' }),
    ).rejects.toThrow('disk full');
    const rows = await t.db.query(`SELECT 1 FROM artifacts WHERE name = 'evidence.json'`);
    expect(rows.rowCount).toBe(0);
  });
});
