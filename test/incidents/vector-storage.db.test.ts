import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Database } from '../../src/db/database.js';
import { openPglite } from '../../src/db/pglite.js';
import { findSimilar, probeOf, TfidfEmbedder, upsertIncident, vectorStorage, type VectorStorage } from '../../src/incidents/index.js';
import { searchQuery } from '../../src/incidents/memory/search.js';
import { candidateQuery } from '../../src/incidents/memory/similar.js';
import { withNearestSettings } from '../../src/incidents/memory/vector-storage.js';
import { corpusIncidents, type CorpusIncident } from '../fixtures/diagnosis/real/corpus-incidents.js';
import { createTestDatabase, pgliteTemplateDump, testBackend, type TestDatabase } from '../helpers/db.js';

/**
 * The two storage paths of the memory's nearest-neighbour search: pgvector (HNSW) where the
 * extension exists — PGlite through @electric-sql/pglite-pgvector — and real[] with the cosine in
 * SQL where it does not (the CI PostgreSQL). Same data, same top-3: on PGlite both paths are run
 * on one database; on the server, its real[] answers are compared with a PGlite's pgvector ones.
 */
const NAMESPACES = ['production', 'staging', 'payments'];
const REAL_ARRAY: VectorStorage = { kind: 'real[]', indexedDims: [], description: 'forced' };

async function remember(db: Database, cases: CorpusIncident[]): Promise<string[]> {
  const embedder = TfidfEmbedder.of(db);
  const ids: string[] = [];
  for (const [i, c] of cases.entries()) {
    const { runId } = await submitCommand(db, { kind: 'echo', input: {} });
    const namespace = NAMESPACES[i % NAMESPACES.length]!;
    const { incident } = await upsertIncident(db, { runId, namespace, subject: { kind: 'Deployment', name: c.id.slice(0, 50) }, diagnosis: c.diagnosis }, { embedder });
    ids.push(incident.id);
  }
  return ids;
}

/** Top-3 titles (namespace + workload + type: the same on both databases) for every incident, across all namespaces and within its own. */
async function top3(db: Database, ids: string[], storage?: VectorStorage): Promise<string[][]> {
  const out: string[][] = [];
  for (const [i, id] of ids.entries()) {
    const probe = (await probeOf(db, id))!;
    for (const namespaces of [null, [NAMESPACES[i % NAMESPACES.length]!]]) {
      const similar = await findSimilar(db, probe, { namespaces, excludeId: id, ...(storage ? { storage } : {}) });
      out.push(similar.map((s) => `${s.title} ${s.similarity.toFixed(2)}`));
    }
  }
  return out;
}

describe('vector storage paths', () => {
  let t: TestDatabase;
  let ids: string[];
  let pglite: (Database & { close(): Promise<void> }) | undefined;
  let pgliteIds: string[] = [];

  beforeAll(async () => {
    const cases = (await corpusIncidents()).slice(0, 90);
    t = await createTestDatabase();
    ids = await remember(t.db, cases);
    if (testBackend() === 'postgres') {
      pglite = await openPglite({ loadDataDir: await pgliteTemplateDump() });
      pgliteIds = await remember(pglite, cases);
    }
  }, 120_000);
  afterAll(async () => {
    await pglite?.close();
    await t?.drop();
  });

  it('chooses pgvector with an HNSW index where the extension exists, real[] where it does not', async () => {
    const storage = await vectorStorage(t.db);
    const available = (await t.db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)).rows.length > 0;
    if (testBackend() === 'pglite') expect(available).toBe(true);
    expect(storage.kind).toBe(available ? 'pgvector' : 'real[]');
    if (storage.kind === 'pgvector') {
      expect(storage.indexedDims).toContain(512);
      const plan = (await t.db.query<Record<string, string>>(
        `EXPLAIN SELECT id FROM incidents WHERE embedding_dims = 512 ORDER BY embedding_vec::vector(512) <=> (SELECT embedding_vec FROM incidents LIMIT 1)::vector(512) LIMIT 5`,
      )).rows.map((r) => Object.values(r)[0]).join('\n');
      expect(plan).toMatch(/incidents_embedding_hnsw_512/);
    } else {
      expect(storage.description).toMatch(/real\[\]/);
    }
  });

  it('on a prepared database takes no lock and runs no DDL; a missing index is created again', async () => {
    const db = testBackend() === 'pglite' ? t.db : pglite!;
    const first = await vectorStorage(db);
    expect(first.kind).toBe('pgvector');
    // A new Database object (the choice is remembered per object) that records every statement it is given.
    const recording = (log: string[]): Database => ({
      ...db,
      query: (text, params) => (log.push(text), db.query(text, params)),
      exec: (sql) => (log.push(sql), db.exec(sql)),
      transaction: (fn) => (log.push('BEGIN'), db.transaction((tx) => fn({ query: (text, params) => (log.push(text), tx.query(text, params)), exec: (sql) => (log.push(sql), tx.exec(sql)) }))),
    });
    const quiet: string[] = [];
    expect(await vectorStorage(recording(quiet))).toEqual(first);
    expect(quiet.filter((q) => /BEGIN|advisory|ALTER|CREATE/i.test(q))).toEqual([]);

    await db.query('DROP INDEX incidents_embedding_hnsw_512');
    const repairing: string[] = [];
    expect(await vectorStorage(recording(repairing))).toEqual(first);
    expect(repairing.some((q) => /pg_advisory_xact_lock/.test(q))).toBe(true);
    expect(repairing.some((q) => /CREATE INDEX IF NOT EXISTS incidents_embedding_hnsw_512/.test(q))).toBe(true);
  });

  it('finds the nearest through the HNSW index when the lookup and the search are filtered by namespace', async () => {
    // The plan of the SQL findSimilar and searchIncidents run, with the settings they run it with.
    const db = pglite ?? t.db;
    const storage = await vectorStorage(db);
    expect(storage.kind).toBe('pgvector');
    const id = (pglite ? pgliteIds : ids)[0]!;
    const probe = (await probeOf(db, id))!;
    const explain = ({ sql, params }: { sql: string; params: unknown[] }) =>
      withNearestSettings(db, async (tx) => (await tx.query<Record<string, string>>(`EXPLAIN ${sql}`, params)).rows.map((r) => Object.values(r)[0]).join('\n'));
    const similarPlan = await explain(candidateQuery(storage, probe, { namespaces: ['staging'], excludeId: id }));
    const [vector] = await TfidfEmbedder.of(db).embed(['connection refused postgres']);
    const searchPlan = await explain(searchQuery({ q: 'connection refused postgres', namespaces: ['staging'], namespace: 'staging' }, ['refused', 'postgres'], { model: TfidfEmbedder.of(db).model, vector: vector!, pgvector: true }));
    for (const plan of [similarPlan, searchPlan]) {
      // The namespace filter is checked inside the index scan (iterative scan), not by reading the namespace and sorting it.
      expect(plan).toMatch(/Index Scan using incidents_embedding_hnsw_512 on incidents[^\n]*\n\s+Order By: \(\(embedding_vec\)::vector\(512\) <=>[^\n]*\n\s+Filter: [^\n]*namespace\) = ANY/);
    }
  });

  it('gives the same top-3 on both paths', async () => {
    const storage = await vectorStorage(t.db);
    let viaPgvector: string[][];
    let viaRealArray: string[][];
    if (pglite) {
      expect(storage.kind).toBe('real[]');
      expect((await vectorStorage(pglite)).kind).toBe('pgvector');
      viaRealArray = await top3(t.db, ids);
      viaPgvector = await top3(pglite, pgliteIds);
    } else {
      expect(storage.kind).toBe('pgvector');
      viaPgvector = await top3(t.db, ids);
      viaRealArray = await top3(t.db, ids, REAL_ARRAY);
    }
    expect(viaPgvector.filter((x) => x.length > 0).length).toBeGreaterThan(ids.length);
    expect(viaPgvector).toEqual(viaRealArray);
  });
});
