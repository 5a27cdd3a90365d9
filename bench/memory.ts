import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { submitCommand } from '../src/control-plane/commands.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite.js';
import { connectPostgres } from '../src/db/postgres.js';
import {
  cosine,
  diagnosisTags,
  findSimilar,
  HashEmbedder,
  incidentFingerprint,
  incidentTitle,
  memoryText,
  probeOf,
  searchIncidents,
  termsOf,
  upsertIncident,
} from '../src/incidents/index.js';
import { decodeVector, encodeVector } from '../src/incidents/memory/vector-codec.js';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile } from './lib/timing.js';
import { corpusIncidents, sameCause, type CorpusIncident } from '../test/fixtures/diagnosis/real/corpus-incidents.js';

/**
 * `npm run bench -- memory [--sizes 1000,10000] [--no-postgres]`: the incident memory.
 * 1. recall@3 on the real-world corpus: every case diagnosed and remembered; for each case with
 *    another case of the same labelled cause, is one of its 3 most similar incidents such a case?
 *    Scored with the full ranking (text + structure) and with the text embedding alone.
 * 2. similar-incident lookup and search latency at each size, on PGlite and PostgreSQL (real[]
 *    vectors, no pgvector), incidents made from the corpus with varied workloads and namespaces.
 * Writes the "memory" section of docs/benchmarks.md.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const NAMESPACES = ['production', 'staging', 'dev', 'payments', 'data', 'web', 'ops', 'ml'];
const QUERIES = ['connection refused postgres', 'pod killed out of memory', 'image pull back off manifest not found', 'forbidden service account cannot list', 'volume mount failed pvc', 'certificate expired x509'];
const embedder = new HashEmbedder();

async function recallAt3(incidents: CorpusIncident[]): Promise<{ queries: number; full: number; text: number; pairs: number }> {
  const db = await openPglite();
  await migrate(db);
  const ids = new Map<string, CorpusIncident>();
  for (const c of incidents) {
    const { runId } = await submitCommand(db, { kind: 'echo', input: {} });
    const { incident } = await upsertIncident(db, { runId, namespace: 'bench', subject: { kind: 'Deployment', name: c.id }, diagnosis: c.diagnosis }, { embedder });
    ids.set(incident.id, c);
  }
  const vectors = new Map((await db.query<{ id: string; embedding: unknown }>(`SELECT id::text AS id, embedding FROM incidents`)).rows.map((r) => [r.id, decodeVector(r.embedding)]));
  let queries = 0, full = 0, text = 0, pairs = 0;
  for (const [id, c] of ids) {
    const others = [...ids].filter(([o, x]) => o !== id && sameCause(c, x));
    if (!others.length) continue;
    queries++;
    pairs += others.length;
    const top = await findSimilar(db, (await probeOf(db, id))!, { namespaces: null, excludeId: id, limit: 3 });
    if (top.some((s) => sameCause(c, ids.get(s.id)!))) full++;
    const byText = [...ids.keys()].filter((o) => o !== id).map((o) => ({ o, s: cosine(vectors.get(id), vectors.get(o)) })).sort((a, b) => b.s - a.s).slice(0, 3);
    if (byText.some((x) => sameCause(c, ids.get(x.o)!))) text++;
  }
  await db.close();
  return { queries, full, text, pairs: pairs / 2 };
}

/** Bulk-loads n incidents made from the corpus (varied workload, namespace, age), as upsertIncident stores them. */
async function load(db: Database, incidents: CorpusIncident[], n: number): Promise<void> {
  const prepared = incidents.map((c) => {
    const text = memoryText(c.diagnosis);
    return { c, text, terms: termsOf(text), vector: embedder.embed([text]).then((v) => v[0]!), tags: diagnosisTags(c.diagnosis) };
  });
  const vectors = await Promise.all(prepared.map((p) => p.vector));
  const BATCH = 250;
  for (let start = 0; start < n; start += BATCH) {
    const rows: unknown[] = [];
    const values: string[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const k = i % prepared.length;
      const p = prepared[k]!;
      const namespace = NAMESPACES[i % NAMESPACES.length]!;
      const subject = { kind: 'Deployment', name: `${p.c.id.slice(0, 40)}-${i}` };
      const o = { namespace, subject, diagnosis: p.c.diagnosis };
      const d = p.c.diagnosis;
      const base = rows.length;
      rows.push(incidentFingerprint(o), namespace, incidentTitle(o), d.root_cause.type, d.root_cause.summary, 0.8, JSON.stringify(d.affected_resources), JSON.stringify(d.remediation), p.text, p.terms, encodeVector(vectors[k]!), embedder.model, p.tags, `${(i * 7919) % (90 * 24 * 60)} minutes`);
      values.push(`(${Array.from({ length: 14 }, (_, j) => `$${base + j + 1}`).map((ph, j) => (j === 6 || j === 7 ? `${ph}::jsonb` : j === 9 || j === 12 ? `${ph}::text[]` : j === 13 ? `now() - ${ph}::interval` : ph)).join(', ')})`);
    }
    await db.query(
      `INSERT INTO incidents (fingerprint, namespace, title, root_cause_type, summary, confidence, affected_resources, remediation, memory_text, terms, embedding, embedding_model, tags, last_seen) VALUES ${values.join(', ')}`,
      rows,
    );
  }
  await db.query('ANALYZE incidents');
}

interface Latency { backend: string; size: number; similarAll: number[]; similarNs: number[]; search: number[] }

async function measure(db: Database, backend: string, size: number): Promise<Latency> {
  const ids = (await db.query<{ id: string }>(`SELECT id::text AS id FROM incidents ORDER BY random() LIMIT 100`)).rows.map((r) => r.id);
  const lat: Latency = { backend, size, similarAll: [], similarNs: [], search: [] };
  for (const [i, id] of ids.entries()) {
    const t0 = now();
    const probe = (await probeOf(db, id))!;
    await findSimilar(db, probe, { namespaces: null, excludeId: id });
    const t1 = now();
    await findSimilar(db, probe, { namespaces: [NAMESPACES[i % NAMESPACES.length]!], excludeId: id });
    const t2 = now();
    await searchIncidents(db, embedder, { q: QUERIES[i % QUERIES.length]!, namespaces: null });
    const t3 = now();
    if (i >= 5) { lat.similarAll.push(t1 - t0); lat.similarNs.push(t2 - t1); lat.search.push(t3 - t2); }
  }
  return lat;
}

const ms = (xs: number[], q: number) => percentile(xs, q).toFixed(1);

export const benchmark: Benchmark = {
  description: 'incident memory: recall@3 on the real-world corpus; similar/search latency at 1k/10k incidents (PGlite, PostgreSQL)',
  async run(args) {
    const { values } = parseArgs({ args: [...args], options: { sizes: { type: 'string', default: '1000,10000' }, 'no-postgres': { type: 'boolean', default: false } } });
    const sizes = values.sizes!.split(',').map(Number);
    const loadAtStart = os.loadavg()[0]!.toFixed(1);
    console.log('diagnosing the real-world corpus…');
    const incidents = await corpusIncidents();
    const r = await recallAt3(incidents);
    console.log(`recall@3: full ${r.full}/${r.queries}, text only ${r.text}/${r.queries}`);
    const rows: Latency[] = [];
    for (const size of sizes) {
      const pgl = await openPglite();
      await migrate(pgl);
      await load(pgl, incidents, size);
      rows.push(await measure(pgl, 'PGlite (in process)', size));
      await pgl.close();
      console.log(`PGlite ${size}: done`);
      if (!values['no-postgres']) {
        const server = process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER_URL;
        const url = await recreateDatabase(server, 'syntra_bench_memory');
        const pg = connectPostgres(url, { max: 4 });
        await migrate(pg);
        await load(pg, incidents, size);
        rows.push(await measure(pg, `${await serverVersion(server)} (loopback)`, size));
        await pg.close();
        await dropDatabase(server, 'syntra_bench_memory');
        console.log(`PostgreSQL ${size}: done`);
      }
    }
    const pct = (n: number, d: number) => `${n}/${d} = ${(n / d).toFixed(2)}`;
    const body = [
      'Command: `npm run bench -- memory` (options: `--sizes 1000,10000`, `--no-postgres`)',
      '',
      `- Date: ${new Date().toISOString().slice(0, 10)}; Node ${process.version}; ${os.cpus().length} cores, 1-min load average at start ${loadAtStart} (the machine is shared: compare rows of one run)`,
      `- Embedder: offline hashed word/bigram/character-trigram features, ${embedder.model}; vectors int8-quantised in a base64 \`text\` column (no pgvector on either path)`,
      '',
      '### Recall@3 on the real-world corpus',
      '',
      `${incidents.length} cases of test/fixtures/diagnosis/real diagnosed as a user runs them and remembered as incidents (one workload each); ${r.queries} of them have at least one other case with the same labelled cause (${r.pairs} same-cause pairs). A query is a hit when one of its 3 most similar incidents has the same labelled cause.`,
      '',
      '| ranking | recall@3 |',
      '|---|---:|',
      `| full (0.55 text cosine + 0.25 same type + 0.10 same workload + 0.10 shared resources) | ${pct(r.full, r.queries)} |`,
      `| text embedding alone | ${pct(r.text, r.queries)} |`,
      '',
      '### Lookup latency',
      '',
      'Incidents made from the corpus diagnoses with varied workloads, 8 namespaces and ages over 90 days; 95 lookups each after 5 warm-ups. "similar" = `probeOf` + `findSimilar` (what every answer does); "search" = `searchIncidents` (embedding the query included).',
      '',
      '| backend | incidents | similar, all namespaces p50 / p99 (ms) | similar, one namespace p50 / p99 (ms) | search p50 / p99 (ms) |',
      '|---|---:|---:|---:|---:|',
      ...rows.map((l) => `| ${l.backend} | ${l.size.toLocaleString('en')} | ${ms(l.similarAll, 0.5)} / ${ms(l.similarAll, 0.99)} | ${ms(l.similarNs, 0.5)} / ${ms(l.similarNs, 0.99)} | ${ms(l.search, 0.5)} / ${ms(l.search, 0.99)} |`),
      '',
      'How the candidate set is bounded: SQL selects, within the caller\'s namespaces, the incidents with the same root-cause type or at least one shared prefilter term (GIN index on `terms`), the 2,000 most recently seen of those; they are scored in the process. Past 2,000 matching candidates the oldest are not considered (a lookup never reads the whole table).',
    ].join('\n');
    upsertSection(DOCS, 'memory', body, '# Benchmarks');
    console.log(body);
    return 0;
  },
};
