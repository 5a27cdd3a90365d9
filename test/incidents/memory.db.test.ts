import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Database } from '../../src/db/database.js';
import {
  changeTags,
  cosine,
  findSimilar,
  getIncident,
  featuresOf,
  TfidfEmbedder,
  tfidfVector,
  listIncidents,
  probeOf,
  reembedStale,
  recallFor,
  recordFeedback,
  searchIncidents,
  setIncidentStatus,
  upsertIncident,
  type Incident,
  type IncidentActor,
} from '../../src/incidents/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { CASES, dx, type CaseKey } from './memory-fixtures.js';

/**
 * The incident memory on the database under test (PGlite, and PostgreSQL without pgvector):
 * vectors stored portably (int8 base64 text) and read back within quantisation, similar incidents on realistic pairs,
 * feedback changing the ranking, recurrence, search with filters, namespace isolation,
 * tags, resolve/reopen, and nothing unmasked in the memory.
 */
const admin: IncidentActor = { actorType: 'user', actorId: 'u-admin', namespaces: null };

describe('incident memory', () => {
  let t: TestDatabase;
  let db: Database;
  let embedder: TfidfEmbedder;
  const ids = {} as Record<CaseKey, string>;
  const newRun = async () => (await submitCommand(db, { kind: 'echo', input: {} })).runId;
  const remember = async (key: CaseKey): Promise<Incident> => {
    const [namespace, workload, diagnosis] = CASES[key];
    const { incident } = await upsertIncident(db, { runId: await newRun(), namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis }, { embedder });
    ids[key] = incident.id;
    return incident;
  };
  const keyOf = (id: string) => (Object.keys(ids) as CaseKey[]).find((k) => ids[k] === id) ?? id;
  const similarKeys = async (key: CaseKey, namespaces: readonly string[] | null = null) =>
    (await findSimilar(db, (await probeOf(db, ids[key]))!, { namespaces, excludeId: ids[key] })).map((s) => keyOf(s.id));

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    embedder = TfidfEmbedder.of(db);
    for (const key of Object.keys(CASES) as CaseKey[]) await remember(key);
  });
  afterAll(async () => t?.drop());

  it('stores the real[] vector as embedded with the document frequencies learned so far, with its model', async () => {
    const row = (await db.query<{ embedding: number[]; embedding_model: string; embedding_docs: number; memory_text: string }>(`SELECT embedding, embedding_model, embedding_docs, memory_text FROM incidents WHERE id = $1`, [ids.pgProd])).rows[0]!;
    expect(row.embedding_model).toBe('tfidf-ngram-v2/512');
    const vector = row.embedding.map(Number);
    expect(vector).toHaveLength(512);
    // pgProd was the first incident remembered: its weights were learned from no incident yet.
    expect(row.embedding_docs).toBe(0);
    const expected = tfidfVector(featuresOf(row.memory_text), { documents: 0, df: new Map() });
    expect(cosine(vector, expected)).toBeGreaterThan(0.99999);
    const detail = (await getIncident(db, ids.pgProd))!;
    expect(detail.memory).toMatchObject({
      incident_id: ids.pgProd,
      namespace: 'production',
      root_cause: { type: 'service_no_endpoints', confidence: 0.9, correct: null },
      remediation: { action: 'kubectl scale deployment/postgres --replicas=1 -n production', verified: null },
      tags: ['connectivity', 'database', 'missing-dependency'],
      embedding: { model: 'tfidf-ngram-v2/512', dimensions: 512 },
    });
  });

  it('finds the same cause worded differently elsewhere, above a different cause on the same workload', async () => {
    // pgProd and oomProd share the workload (auth-service) and a symptom line; pgStaging and pgDev share only the cause.
    const forProd = await similarKeys('pgProd');
    expect(forProd.slice(0, 2).sort()).toEqual(['pgDev', 'pgStaging']);
    expect(forProd.indexOf('oomProd') === -1 || forProd.indexOf('oomProd') > 1).toBe(true);
    expect((await similarKeys('oomStaging'))[0]).toBe('oomProd');
    expect(await similarKeys('imageProd')).toEqual([]);
  });

  it('keeps similar incidents within the caller\'s namespaces', async () => {
    expect(await similarKeys('pgProd', ['production'])).not.toContain('pgStaging');
    expect(await similarKeys('pgStaging', ['staging', 'dev'])).toEqual(['pgDev']);
    expect(await similarKeys('pgStaging', [])).toEqual([]);
  });

  it('ranks a verified fix first, and a root cause called wrong lower', async () => {
    const before = await findSimilar(db, (await probeOf(db, ids.pgProd))!, { namespaces: null, excludeId: ids.pgProd });
    const second = keyOf(before[1]!.id) as CaseKey;
    const first = keyOf(before[0]!.id) as CaseKey;
    await recordFeedback(db, ids[second], { verified: true, remediationApplied: 'scaled the postgres deployment back to 1 replica' }, admin);
    const after = await findSimilar(db, (await probeOf(db, ids.pgProd))!, { namespaces: null, excludeId: ids.pgProd });
    expect(after.map((s) => keyOf(s.id)).slice(0, 2)).toEqual([second, first]);
    expect(after[0]!.fix).toEqual({ action: 'scaled the postgres deployment back to 1 replica', verified: true });

    // The other one's root cause was wrong: its score halves (and it is marked so).
    const scoreBefore = after.find((s) => s.id === ids[first])!.similarity;
    await recordFeedback(db, ids[first], { rootCauseCorrect: false, note: 'it was the network policy, not postgres' }, admin);
    const ranked = await findSimilar(db, (await probeOf(db, ids.pgProd))!, { namespaces: null, excludeId: ids.pgProd });
    const wrong = ranked.find((s) => s.id === ids[first])!;
    expect(wrong.similarity).toBeCloseTo(scoreBefore / 2, 1);
    expect(wrong.rootCause.correct).toBe(false);
    // Below the verified fix, and no longer above anything its halved score does not beat.
    expect(ranked[0]!.id).toBe(ids[second]);
    expect(ranked.filter((s) => s.id !== ids[first] && s.id !== ids[second]).every((s) => s.similarity <= wrong.similarity)).toBe(true);
    expect((await getIncident(db, ids[first]))!.feedback.map((f) => f.note)).toEqual(['it was the network policy, not postgres']);
  });

  it('counts a recurrence within the window and names the last fix', async () => {
    // oomStaging had no feedback: a second run says so.
    const again = await remember('oomStaging');
    expect(again.recentOccurrences).toBe(2);
    expect((await recallFor(db, again, null)).recurrence?.text).toBe('2nd time in 7 days; no fix recorded yet (syntra incidents feedback)');
    await recordFeedback(db, again.id, { remediationApplied: 'raised the memory limit of worker to 1Gi', verified: true }, admin);
    const third = await remember('oomStaging');
    const recall = await recallFor(db, third, null);
    expect(recall.recurrence).toMatchObject({ count: 3, windowDays: 7, text: '3rd time in 7 days; last fixed by raised the memory limit of worker to 1Gi — verified' });
    // Its own earlier occurrence is the most similar past incident.
    expect(recall.similar[0]).toMatchObject({ id: third.id, similarity: 1, fix: { verified: true } });

    const recurring = await listIncidents(db, { limit: 10, recurring: true });
    expect(recurring.items.map((i) => keyOf(i.id))).toEqual(['oomStaging']);
    expect(recurring.items[0]!.recurrence?.count).toBe(3);
    expect((await listIncidents(db, { limit: 10, recurring: true, namespaces: ['production'] })).items).toEqual([]);
  });

  it('searches by words and similarity, with filters and namespace isolation', async () => {
    const search = (q: string, extra: Partial<Parameters<typeof searchIncidents>[2]> = {}) =>
      searchIncidents(db, embedder, { q, namespaces: null, ...extra }).then((r) => ({ method: r.method, keys: r.items.map((i) => keyOf(i.id)) }));
    const refused = await search('connection refused postgres');
    expect(refused.method).toBe('hybrid');
    expect(refused.keys.slice(0, 3).sort()).toEqual(['pgDev', 'pgProd', 'pgStaging']);
    expect((await search('pod killed for using too much memory')).keys.slice(0, 2).sort()).toEqual(['oomProd', 'oomStaging']);
    expect((await search('connection refused postgres', { namespaces: ['staging'] })).keys).toEqual(['pgStaging']);
    expect((await search('connection refused postgres', { namespace: 'dev' })).keys).toEqual(['pgDev']);
    expect((await search('memory', { rootCauseType: 'image_pull_error' })).keys).toEqual([]);
    expect((await search('postgres', { tag: 'database', since: new Date(Date.now() - 3_600_000) })).keys).toContain('pgProd');
    expect((await search('postgres', { since: new Date(Date.now() + 3_600_000) })).keys).toEqual([]);
    await expect(searchIncidents(db, embedder, { q: 'why is the pod', namespaces: null })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('tags from the diagnosis and by hand; resolves and reopens, refusing a no-op', async () => {
    expect((await getIncident(db, ids.dnsStaging))!.tags).toEqual(['connectivity', 'database', 'dns']);
    const tagged = await changeTags(db, ids.dnsStaging, { add: ['Redis', 'cache'], remove: ['dns'] }, admin);
    expect(tagged.tags).toEqual(['cache', 'connectivity', 'database', 'redis']);
    await expect(changeTags(db, ids.dnsStaging, { add: ['not a tag'] }, admin)).rejects.toMatchObject({ code: 'validation_failed' });
    // A new run keeps the hand-made tags and adds the diagnosis's back.
    expect((await remember('dnsStaging')).tags).toEqual(['cache', 'connectivity', 'database', 'dns', 'redis']);

    expect((await setIncidentStatus(db, ids.dnsStaging, 'resolved', admin, 'redis service recreated')).status).toBe('resolved');
    await expect(setIncidentStatus(db, ids.dnsStaging, 'resolved', admin)).rejects.toMatchObject({ code: 'conflict' });
    expect((await setIncidentStatus(db, ids.dnsStaging, 'open', admin)).resolvedAt).toBeNull();
    // Another namespace's incident is missing to a namespace-limited actor, and nothing changes.
    await expect(setIncidentStatus(db, ids.dnsStaging, 'resolved', { ...admin, namespaces: ['production'] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(recordFeedback(db, ids.dnsStaging, { verified: true }, { ...admin, namespaces: ['production'] })).rejects.toMatchObject({ code: 'not_found' });
    expect((await getIncident(db, ids.dnsStaging))!).toMatchObject({ status: 'open', remediationVerified: null });
    await expect(recordFeedback(db, ids.dnsStaging, {}, admin)).rejects.toMatchObject({ code: 'validation_failed' });

    const audit = await db.query<{ action: string; target: string }>(`SELECT action, target FROM audit_events WHERE target = $1 ORDER BY at, id`, [ids.dnsStaging]);
    expect(audit.rows.map((r) => r.action)).toEqual(['incident.tag', 'incident.resolve', 'incident.reopen']);
  });

  it('keeps nothing unmasked: summary, symptoms, memory text, terms and feedback', async () => {
    const secret = 'Sup3rS3cretPassw0rd';
    const leaky = dx({
      type: 'missing_configuration',
      target: { kind: 'Deployment', name: 'api', namespace: 'production' },
      summary: `api fails to log in to postgres://app:${secret}@db:5432/app`,
      logs: [`DB_PASSWORD=${secret} rejected by server`],
      symptoms: [`api restarts; env DB_PASSWORD=${secret}`],
    });
    const { incident } = await upsertIncident(db, { runId: await newRun(), namespace: 'production', subject: { kind: 'Deployment', name: 'api' }, diagnosis: leaky }, { embedder });
    await recordFeedback(db, incident.id, { note: `rotated DB_PASSWORD=${secret}`, remediationApplied: `set DB_PASSWORD=${secret} again` }, admin);
    const everything = await db.query(`SELECT i.*, f.note, f.remediation_applied AS applied FROM incidents i LEFT JOIN incident_feedback f ON f.incident_id = i.id WHERE i.id = $1`, [incident.id]);
    const audit = await db.query(`SELECT details FROM audit_events WHERE target = $1`, [incident.id]);
    const dump = JSON.stringify([everything.rows, audit.rows]);
    expect(dump).toContain('[REDACTED:');
    expect(dump).not.toContain(secret);
  });

  it('learns document frequencies from the incidents, and re-embeds vectors learned from far fewer', async () => {
    const docs = async () => (await db.query<{ documents: number }>(`SELECT documents FROM memory_corpus`)).rows[0]!.documents;
    const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`)).rows[0]!.n;
    expect(await docs()).toBe(n);
    expect(await embedder.documents()).toBe(n);
    // "postgres" is in the three postgres incidents' texts (and the leaky one's), "oomkilled"-folded "memory" in the two OOM ones.
    const dfOf = async (text: string) => {
      const id = featuresOf(text).find((f) => f.family === 'word')!.id;
      return Number((await db.query<{ df: number }>(`SELECT df FROM memory_feature_df WHERE feature = $1`, [id])).rows[0]?.df ?? 0);
    };
    const texts = (await db.query<{ memory_text: string }>(`SELECT memory_text FROM incidents`)).rows.map((r) => r.memory_text);
    for (const word of ['postgres', 'memory', 'imagepull']) {
      expect(await dfOf(word), word).toBe(texts.filter((t) => featuresOf(t).some((f) => f.id === featuresOf(word).find((w) => w.family === 'word')!.id)).length);
    }
    const made = (await db.query<{ docs: number }>(`SELECT embedding_docs AS docs FROM incidents ORDER BY docs`)).rows.map((r) => r.docs);
    const stale = made.filter((d) => d * 1.5 < n).length;
    expect(stale).toBeGreaterThan(0);
    expect(await reembedStale(db, embedder, 100)).toBe(stale);
    expect((await db.query<{ docs: number }>(`SELECT DISTINCT embedding_docs AS docs FROM incidents WHERE embedding_docs * 1.5 < $1`, [n])).rows).toEqual([]);
    expect(await reembedStale(db, embedder, 100)).toBe(0);
  });
});
