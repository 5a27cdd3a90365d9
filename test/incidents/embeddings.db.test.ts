import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Database } from '../../src/db/database.js';
import { embedderFromEnv, probeOf, startMemoryUpkeep, TfidfEmbedder, reembedStale, searchIncidents, upsertIncident, type Embedder, type OpenAIEmbedder } from '../../src/incidents/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../helpers/fake-openai-embeddings.js';
import { CASES, dx, type CaseKey } from './memory-fixtures.js';

/**
 * Embeddings behind one interface: the offline default, and an OpenAI-compatible endpoint through
 * the real `openai` client against a loopback server — masked input, the model stored with each
 * vector, a failing endpoint never failing the incident (search falls back to words), and
 * vectors of another model re-embedded.
 */
describe('embedders', () => {
  let t: TestDatabase;
  let db: Database;
  let fake: FakeEmbeddings;
  const env = () => ({ SYNTRA_EMBEDDINGS_URL: fake.baseURL, SYNTRA_EMBEDDINGS_MODEL: 'fake-embed-1', SYNTRA_EMBEDDINGS_API_KEY: 'sk-test-embeddings' });
  const remember = async (key: CaseKey, embedder: Embedder) => {
    const [namespace, workload, diagnosis] = CASES[key];
    const { runId } = await submitCommand(db, { kind: 'echo', input: {} });
    return (await upsertIncident(db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis }, { embedder })).incident;
  };
  const stored = async (id: string) =>
    (await db.query<{ model: string | null; dims: number | null }>(`SELECT embedding_model AS model, embedding_dims AS dims FROM incidents WHERE id = $1`, [id])).rows[0]!;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    fake = await startFakeEmbeddings(64);
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  it('chooses the embedder from the environment', () => {
    expect(embedderFromEnv({}, db).model).toBe('tfidf-ngram-v2/512');
    expect(embedderFromEnv(env(), db).model).toBe('openai:fake-embed-1');
    expect(embedderFromEnv({ SYNTRA_EMBEDDINGS_URL: fake.baseURL }, db).model).toBe('openai:text-embedding-3-small');
    expect(() => embedderFromEnv({ SYNTRA_EMBEDDINGS_URL: 'not a url' }, db)).toThrow(/SYNTRA_EMBEDDINGS_URL is not a URL/);
  });

  it('embeds through an OpenAI-compatible endpoint, masked, storing the model with the vector', async () => {
    const openai = embedderFromEnv(env(), db) as OpenAIEmbedder;
    const secret = 'Sup3rS3cretPassw0rd';
    const [namespace] = CASES.pgProd;
    const { runId } = await submitCommand(db, { kind: 'echo', input: {} });
    const leaky = dx({ type: 'missing_configuration', target: { kind: 'Deployment', name: 'api', namespace }, summary: `login refused with DB_PASSWORD=${secret}` });
    const { incident } = await upsertIncident(db, { runId, namespace, subject: { kind: 'Deployment', name: 'api' }, diagnosis: leaky }, { embedder: openai });
    expect(await stored(incident.id)).toEqual({ model: 'openai:fake-embed-1', dims: 64 });
    const req = fake.requests.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer sk-test-embeddings');
    expect(req.body).toMatchObject({ model: 'fake-embed-1', encoding_format: 'float' });
    expect(req.rawBody).not.toContain(secret);
    expect(req.rawBody).toContain('[REDACTED:password]');

    const pg = await remember('pgProd', openai);
    const res = await searchIncidents(db, openai, { q: 'postgres connection refused', namespaces: null });
    expect(res.method).toBe('hybrid');
    expect(res.items[0]!.id).toBe(pg.id);
  });

  it('keeps the incident when the endpoint fails, searches by words, and re-embeds later', async () => {
    const openai = embedderFromEnv(env(), db);
    fake.failing = true;
    const oom = await remember('oomStaging', openai);
    expect(await stored(oom.id)).toEqual({ model: null, dims: null });
    const byWords = await searchIncidents(db, openai, { q: 'worker out of memory', namespaces: null });
    expect(byWords.method).toBe('text');
    expect(byWords.items[0]!.id).toBe(oom.id);

    fake.failing = false;
    // Another incident embedded offline: after the switch it is stale too.
    const offline = await remember('imageProd', TfidfEmbedder.of(db));
    expect(await reembedStale(db, openai, 10)).toBe(2);
    expect(await stored(oom.id)).toEqual({ model: 'openai:fake-embed-1', dims: 64 });
    expect(await stored(offline.id)).toEqual({ model: 'openai:fake-embed-1', dims: 64 });
    expect(await reembedStale(db, openai, 10)).toBe(0);
  });

  it('re-embeds every incident in the background when the model changes', async () => {
    const all = async () => (await db.query<{ model: string | null; n: number }>(`SELECT embedding_model AS model, count(*)::int AS n FROM incidents GROUP BY 1 ORDER BY 1`)).rows;
    const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`)).rows[0]!.n;
    expect(await all()).toEqual([{ model: 'openai:fake-embed-1', n: total }]);
    const next = embedderFromEnv({ ...env(), SYNTRA_EMBEDDINGS_MODEL: 'fake-embed-2' }, db);
    const seen = fake.requests.length;
    // Small batches and a short interval: several rounds of the timer, no run needed.
    const upkeep = startMemoryUpkeep(db, next, { retentionDays: 180, intervalMs: 20, batch: 1 });
    try {
      await vi.waitFor(async () => expect(await all()).toEqual([{ model: 'openai:fake-embed-2', n: total }]), { timeout: 20_000, interval: 50 });
    } finally {
      await upkeep.stop();
    }
    const sent = fake.requests.slice(seen).map((r) => r.body as { model: string; input: string[] });
    expect(sent.every((b) => b.model === 'fake-embed-2' && b.input.length === 1)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(total);
    const [, , pgDx] = CASES.pgProd;
    const pg = (await db.query<{ id: string }>(`SELECT id::text AS id FROM incidents WHERE summary = $1`, [pgDx.root_cause.summary])).rows[0]!;
    const probe = (await probeOf(db, pg.id))!;
    expect(probe.embeddingModel).toBe('openai:fake-embed-2');
    expect(probe.embedding).toHaveLength(64);
  });

  it('runs a first round soon after start, not during it, when asked to', async () => {
    const all = async () => (await db.query<{ model: string | null; n: number }>(`SELECT embedding_model AS model, count(*)::int AS n FROM incidents GROUP BY 1 ORDER BY 1`)).rows;
    const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`)).rows[0]!.n;
    const next = embedderFromEnv({ ...env(), SYNTRA_EMBEDDINGS_MODEL: 'fake-embed-3' }, db);
    // An interval of an hour: only the first round can do it, and it has not started yet.
    const upkeep = startMemoryUpkeep(db, next, { retentionDays: 180, intervalMs: 3_600_000, firstRoundMs: 1_000 });
    try {
      expect(await all()).toEqual([{ model: 'openai:fake-embed-2', n: total }]);
      await vi.waitFor(async () => expect(await all()).toEqual([{ model: 'openai:fake-embed-3', n: total }]), { timeout: 20_000, interval: 50 });
    } finally {
      await upkeep.stop();
    }
  });
});
