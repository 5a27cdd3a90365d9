import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import type { Database } from '../../src/db/database.js';
import {
  featuresOf,
  findSimilar,
  getIncident,
  listIncidents,
  probeOf,
  recordFeedback,
  retentionDaysFromEnv,
  searchIncidents,
  startMemoryUpkeep,
  summariseOldIncidents,
  TfidfEmbedder,
  upsertIncident,
  type IncidentActor,
} from '../../src/incidents/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { CASES, type CaseKey } from './memory-fixtures.js';

/**
 * Retention: incidents not seen for longer than the retention age are summarised — a compact
 * record with counts and root cause, still listed, found and recalled — never dropped; the
 * learned document frequencies follow; a new occurrence makes the record whole again.
 */
const admin: IncidentActor = { actorType: 'user', actorId: 'u-admin', namespaces: null };

describe('incident memory retention', () => {
  let t: TestDatabase;
  let db: Database;
  const ids = {} as Record<CaseKey, string>;
  const remember = async (key: CaseKey) => {
    const [namespace, workload, diagnosis] = CASES[key];
    const { runId } = await submitCommand(db, { kind: 'echo', input: {} });
    const { incident } = await upsertIncident(db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis }, { embedder: TfidfEmbedder.of(db) });
    ids[key] = incident.id;
    return incident;
  };
  const ageDays = (key: CaseKey, days: number) => db.query(`UPDATE incidents SET last_seen = now() - make_interval(days => $2) WHERE id = $1`, [ids[key], days]);
  const df = async (feature: number) => Number((await db.query<{ df: number }>(`SELECT df FROM memory_feature_df WHERE feature = $1`, [feature])).rows[0]?.df ?? 0);

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    for (const key of Object.keys(CASES) as CaseKey[]) await remember(key);
    await remember('pgStaging'); // a second run of the same incident: 2 runs
  });
  afterAll(async () => t?.drop());

  it('reads the retention age from the environment, refusing nonsense', () => {
    expect(retentionDaysFromEnv({})).toBe(180);
    expect(retentionDaysFromEnv({ SYNTRA_MEMORY_RETENTION_DAYS: '30' })).toBe(30);
    for (const bad of ['0', '-3', '1.5', 'soon']) {
      expect(() => retentionDaysFromEnv({ SYNTRA_MEMORY_RETENTION_DAYS: bad })).toThrow(/SYNTRA_MEMORY_RETENTION_DAYS must be a whole number of days/);
    }
  });

  it('summarises old incidents into a compact record with counts and root cause, never dropping one', async () => {
    await recordFeedback(db, ids.pgStaging, { verified: true, remediationApplied: 'scaled deployment/postgres to 1' }, admin);
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`)).rows[0]!.n;
    const fullText = (await db.query<{ memory_text: string }>(`SELECT memory_text FROM incidents WHERE id = $1`, [ids.pgStaging])).rows[0]!.memory_text;
    // A feature only pgStaging's quoted evidence has (the psycopg2 log line).
    const evidenceOnly = featuresOf('psycopg2').find((f) => f.family === 'word')!.id;
    const dfBefore = await df(evidenceOnly);
    expect(dfBefore).toBeGreaterThan(0);

    await ageDays('pgStaging', 200);
    await ageDays('oomStaging', 400);
    await ageDays('dnsStaging', 20);
    expect(await summariseOldIncidents(db, { olderThanDays: 180 })).toEqual({ summarised: 2 });
    expect(await summariseOldIncidents(db, { olderThanDays: 180 })).toEqual({ summarised: 0 }); // done once

    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`)).rows[0]!.n).toBe(before);
    const pg = (await getIncident(db, ids.pgStaging))!;
    expect(pg.summarised).toEqual({ at: expect.any(Date), counts: { runs: 2, feedback: 1, symptoms: 1, memoryTextChars: fullText.length } });
    expect(pg.symptoms).toEqual([]);
    expect(pg).toMatchObject({ rootCauseType: 'service_no_endpoints', occurrences: 2, remediationVerified: true, lastFix: 'scaled deployment/postgres to 1' });
    expect(pg.summary).toBe(CASES.pgStaging[2].root_cause.summary);
    const row = (await db.query<{ memory_text: string; embedding: unknown }>(`SELECT memory_text, embedding FROM incidents WHERE id = $1`, [ids.pgStaging])).rows[0]!;
    expect(row.memory_text).toBe(`service no endpoints\n${CASES.pgStaging[2].root_cause.summary}`);
    expect(row.embedding).toBeNull();
    expect(await df(evidenceOnly)).toBe(dfBefore - 1);

    expect((await getIncident(db, ids.dnsStaging))!.summarised).toBeNull();
    expect((await getIncident(db, ids.pgProd))!.summarised).toBeNull();
    expect((await listIncidents(db, { limit: 50 })).items.map((i) => i.id)).toEqual(expect.arrayContaining([ids.pgStaging, ids.oomStaging]));
  });

  it('keeps a summarised incident findable: by words, and similar once the upkeep re-embeds it', async () => {
    const embedder = TfidfEmbedder.of(db);
    const hits = await searchIncidents(db, embedder, { q: 'postgres endpoints replicas', namespaces: ['staging'] });
    expect(hits.items.map((h) => h.id)).toContain(ids.pgStaging);

    const upkeep = startMemoryUpkeep(db, embedder, { retentionDays: 180, intervalMs: 3_600_000 });
    try {
      const round = await upkeep.runOnce();
      expect(round.reembedded).toBeGreaterThanOrEqual(2);
    } finally {
      await upkeep.stop();
    }
    expect((await db.query(`SELECT 1 FROM incidents WHERE embedding IS NULL`)).rows).toEqual([]);
    const similar = await findSimilar(db, (await probeOf(db, ids.pgProd))!, { namespaces: null, excludeId: ids.pgProd });
    expect(similar.map((s) => s.id)).toContain(ids.pgStaging);
    expect(similar.find((s) => s.id === ids.pgStaging)!.fix).toEqual({ action: 'scaled deployment/postgres to 1', verified: true });
  });

  it('makes the record whole again when the incident is seen again', async () => {
    await remember('oomStaging');
    const oom = (await getIncident(db, ids.oomStaging))!;
    expect(oom.summarised).toBeNull();
    expect(oom.occurrences).toBe(2);
    const row = (await db.query<{ memory_text: string; embedding_model: string }>(`SELECT memory_text, embedding_model FROM incidents WHERE id = $1`, [ids.oomStaging])).rows[0]!;
    expect(row.memory_text).toContain('fatal error: runtime: out of memory');
    expect(row.embedding_model).toBe('tfidf-ngram-v2/512');
  });
});
