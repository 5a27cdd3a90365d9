import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEvidenceProvider } from '../src/agents/evidence-provider.js';
import { registerAgents } from '../src/agents/register.js';
import { localArtifactStore } from '../src/artifacts/local-store.js';
import { openBus, type Bus } from '../src/bus/bus.js';
import { runEventsSubject } from '../src/bus/subjects.js';
import { submitCommand } from '../src/control-plane/commands.js';
import { ControlSnapshotCache } from '../src/control-plane/control-registry/index.js';
import { startRelay } from '../src/control-plane/relay.js';
import { getRun } from '../src/control-plane/runs.js';
import type { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite.js';
import { connectPostgres } from '../src/db/postgres.js';
import { ProviderRegistry } from '../src/llm/factory.js';
import { createRegistry } from '../src/worker/registry.js';
import { startWorker } from '../src/worker/runtime.js';
import type { Benchmark } from './lib/benchmark.js';
import { DEFAULT_SERVER_URL, dropDatabase, recreateDatabase, serverVersion } from './lib/databases.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile, withTimeout } from './lib/timing.js';

/**
 * `npm run bench -- ask`: time from submitting the demo question to its report (the run
 * succeeding with the answer), through the whole pipeline ask → collect_evidence → analyze →
 * review → report on the real queue, rules-only, one question at a time after a warm-up.
 * Embedded (PGlite in memory + in-process bus) always; the real servers (PostgreSQL, NATS) when
 * DATABASE_URL / NATS_URL are set or --servers is given. Writes the "ask" section of docs/benchmarks.md.
 */
const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const QUESTION = 'Investigate why the auth-service pod is crashing in production';
const TARGET_P50_MS = 150;
const STEPS = ['plan', 'collect_evidence', 'analyze', 'review', 'report'] as const;

interface Row {
  label: string;
  settings: string;
  runs: number;
  p50: number;
  p95: number;
  mean: number;
  steps: Record<string, number>;
}

async function measure(label: string, settings: string, db: Database, bus: Bus, runs: number, warmup: number): Promise<Row> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syntra-bench-ask-'));
  const controls = new ControlSnapshotCache();
  await controls.start({ db, bus });
  const deps = { db, store: localArtifactStore(dir), controls, providers: new ProviderRegistry(), evidence: createEvidenceProvider({ kind: 'demo' }) };
  const relay = startRelay({ db, bus, intervalMs: 200 });
  const worker = startWorker({ db, bus, registry: registerAgents(createRegistry(), deps), concurrency: 4, pollIntervalMs: 200, leaseSeconds: 30, shutdownGraceMs: 2000 });
  const times: number[] = [];
  const stepTotals: Record<string, number> = {};
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const started = now();
      const { runId } = await submitCommand(db, { kind: 'ask', input: { prompt: QUESTION } });
      let wake: (() => void) | undefined;
      const off = bus.subscribe(runEventsSubject(runId), () => wake?.());
      try {
        await withTimeout(`run ${runId}`, (async () => {
          for (;;) {
            const status = (await db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId])).rows[0]?.status;
            if (status === 'succeeded') return;
            if (status === 'failed' || status === 'cancelled') throw new Error(`run ${runId} ${status}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, 20);
              wake = () => (clearTimeout(t), r());
            });
          }
        })(), 30_000);
      } finally {
        off();
      }
      const elapsed = now() - started;
      if (i < warmup) continue;
      times.push(elapsed);
      const detail = await getRun(db, runId);
      const output = detail?.run.output as { diagnosis?: { root_cause: { type: string } } } | null;
      if (output?.diagnosis?.root_cause.type !== 'service_no_endpoints') throw new Error(`run ${runId} answered ${output?.diagnosis?.root_cause.type}`);
      for (const e of detail?.events ?? []) {
        const d = e.data as { step?: string; durationMs?: number };
        if (e.type === 'agent.step.finished' && d.step) stepTotals[d.step] = (stepTotals[d.step] ?? 0) + (d.durationMs ?? 0);
      }
    }
  } finally {
    await worker.stop();
    await relay.stop();
    await controls.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const steps = Object.fromEntries(STEPS.map((s) => [s, (stepTotals[s] ?? 0) / times.length]));
  return { label, settings, runs: times.length, p50: percentile(times, 0.5), p95: percentile(times, 0.95), mean: times.reduce((a, b) => a + b, 0) / times.length, steps };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

function table(rows: Row[]): string {
  const head = `| setup | runs | p50 submit → report | p95 | mean | ${STEPS.map((s) => `${s} (mean)`).join(' | ')} |`;
  const sep = `|---|---|---|---|---|${STEPS.map(() => '---').join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${r.label} | ${r.runs} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.mean)} | ${STEPS.map((s) => ms(r.steps[s] ?? 0)).join(' | ')} |`)].join('\n');
}

export const benchmark: Benchmark = {
  description: 'submit → report for the demo question through the agents pipeline (embedded and real servers), rules-only',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: { runs: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' }, servers: { type: 'boolean', default: false }, 'no-docs': { type: 'boolean', default: false } },
    });
    const runs = Number(values.runs);
    const warmup = Number(values.warmup);
    const rows: Row[] = [];

    const pglite = await openPglite();
    await migrate(pglite);
    const inProcess = await openBus({ natsUrl: undefined });
    try {
      rows.push(await measure('embedded: PGlite in memory, in-process bus', 'PGlite 0.5.14 (in memory), in-process bus', pglite, inProcess, runs, warmup));
    } finally {
      await inProcess.close();
      await pglite.close();
    }
    console.log(table(rows));

    const serverUrl = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).origin.replace(/^http/, 'postgres') : DEFAULT_SERVER_URL;
    if (values.servers || process.env.DATABASE_URL || process.env.NATS_URL) {
      const base = process.env.DATABASE_URL ? process.env.DATABASE_URL : DEFAULT_SERVER_URL;
      const name = 'syntra_bench_ask';
      const url = await recreateDatabase(base, name);
      const db = connectPostgres(url, { max: 8 });
      await migrate(db);
      const bus = await openBus({ natsUrl: process.env.NATS_URL || undefined });
      try {
        const version = await serverVersion(base).catch(() => 'PostgreSQL');
        const busLabel = process.env.NATS_URL ? `NATS JetStream at ${process.env.NATS_URL}` : 'in-process bus';
        rows.push(await measure(`servers: ${version}, ${busLabel}`, `${version} on ${serverUrl}, ${busLabel}`, db, bus, runs, warmup));
      } finally {
        await bus.close();
        await db.close();
        await dropDatabase(base, name).catch(() => {});
      }
      console.log(table(rows.slice(-1)));
    }

    const met = rows.every((r) => r.p50 <= TARGET_P50_MS);
    const command = `npm run bench -- ask${values.servers ? ' --servers' : ''}`;
    const body = [
      `Time from submitting "${QUESTION}" to the run succeeding with its report, through the agents pipeline on the real queue`,
      `(ask → collect_evidence → analyze → review → report: five tasks, each claimed by the worker, evidence stored as an artifact,`,
      `report.md and report.json written, the incident record updated), rules-only, on the bundled demo cluster; ${runs} runs one at a time after ${warmup} warm-up runs.`,
      `Target: p50 ≤ ${TARGET_P50_MS} ms — ${rows.map((r) => `${r.label.split(':')[0]} ${r.p50 <= TARGET_P50_MS ? 'met' : 'NOT met'} (${ms(r.p50)})`).join('; ')}. Step columns are the agents' own durations (from \`agent.step.finished\` in the ledger); the rest is queue hand-over.`,
      '',
      table(rows),
      '',
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`${command}\` (with \`DATABASE_URL\`/\`NATS_URL\` set for the server row).`,
    ].join('\n');
    if (!values['no-docs']) upsertSection(DOCS, 'ask', body, '# Benchmarks\n\nEach section is written by its benchmark (`npm run bench -- <name>`); run it again to refresh the numbers.');
    return met ? 0 : 1;
  },
};
