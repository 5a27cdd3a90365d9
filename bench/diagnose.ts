import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose, diagnoseAll } from '../src/investigator/diagnose.js';
import { DEMO, DEMO_DIR, openEvidenceSource, readDumpFolder, buildKubectlSnapshot } from '../src/investigator/sources/index.js';
import type { ClusterSnapshot } from '../src/investigator/cluster/snapshot.js';
import { overview } from '../src/investigator/overview.js';
import { redactSnapshot } from '../src/investigator/redact.js';
import { loadDiagnosisCorpus } from '../test/fixtures/diagnosis/corpus.js';
import { confusion, confusionMarkdown } from './diagnose/confusion.js';
import { writeSyntheticNamespace } from './diagnose/synthetic-namespace.js';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile } from './lib/timing.js';

/**
 * `npm run bench -- diagnose [--iterations N] [--no-write]`: how fast the rule-based diagnosis is
 * (one pod: target ≤ 20 ms; a namespace of 500 pods: target ≤ 1 s), median and p95 after
 * warm-up, without and with reading/parsing the evidence; and how right it is (confusion table
 * over the fixture corpus). Writes the `## diagnose` section of docs/benchmarks.md.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const NS = DEMO.namespace;

interface Stat {
  label: string;
  n: number;
  median: number;
  p95: number;
  target?: number;
}

async function measure(label: string, fn: () => unknown, o: { warmup: number; iterations: number; target?: number }): Promise<Stat> {
  for (let i = 0; i < o.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < o.iterations; i++) {
    const t = now();
    await fn();
    samples.push(now() - t);
  }
  const s: Stat = { label, n: o.iterations, median: percentile(samples, 0.5), p95: percentile(samples, 0.95), ...(o.target ? { target: o.target } : {}) };
  console.log(`  ${label.padEnd(78)} median ${s.median.toFixed(2).padStart(8)} ms   p95 ${s.p95.toFixed(2).padStart(8)} ms   (n=${s.n})`);
  return s;
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const verdict = (s: Stat) => (s.target === undefined ? '' : s.p95 <= s.target ? `≤ ${s.target} ms ✓` : `> ${s.target} ms ✗`);
const table = (stats: Stat[]) =>
  ['| measurement | median ms | p95 ms | n | target |', '|---|---:|---:|---:|---|', ...stats.map((s) => `| ${s.label} | ${ms(s.median)} | ${ms(s.p95)} | ${s.n} | ${verdict(s)} |`)].join('\n');

/** Names of workloads the demo diagnosis finds in trouble (and what they use), for the healthy-only copies. */
function unhealthyNames(snapshot: ClusterSnapshot): Set<string> {
  const names = new Set<string>();
  for (const d of diagnoseAll(snapshot, { namespace: NS })) {
    for (const r of [d.target, ...d.affected_resources, ...d.findings.flatMap((f) => [...f.affected_resources, ...(f.explains ?? [])])]) names.add(r.name);
  }
  const all = [...snapshot.deployments, ...snapshot.statefulSets, ...snapshot.daemonSets, ...snapshot.cronJobs, ...snapshot.services, ...snapshot.configMaps, ...snapshot.secrets]
    .map((o) => o.metadata?.name ?? '')
    .filter(Boolean);
  return new Set(all.filter((n) => [...names].some((x) => x === n || x.startsWith(`${n}-`))));
}

function cliWallTime(args: string[], runs: number): Stat {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'syntra.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`syntra ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    samples.push(now() - t);
  }
  const s = { label: `\`syntra ${args.join(' ')}\` as a process (Node + tsx start-up included)`, n: runs, median: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
  console.log(`  ${s.label.padEnd(78)} median ${s.median.toFixed(0).padStart(8)} ms   p95 ${s.p95.toFixed(0).padStart(8)} ms   (n=${runs})`);
  return s;
}

async function run(args: readonly string[]): Promise<number> {
  const at = args.indexOf('--iterations');
  const iterations = at >= 0 ? Number(args[at + 1]) : 2000;
  if (!Number.isInteger(iterations) || iterations < 10) throw new Error('--iterations needs an integer ≥ 10');
  const write = !args.includes('--no-write');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`diagnose benchmark — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load}\n`);

  // ---- one pod ------------------------------------------------------------------------------
  console.log('one pod from local evidence:');
  const demo = await openEvidenceSource({ demo: true }).then((s) => s.collect({ namespace: NS }));
  const authPod = { kind: 'Pod', name: DEMO.authPods[0], namespace: NS };
  const describePath = path.join(ROOT, 'test', 'fixtures', 'evidence', 'describe-pod-multi-container.txt');
  const describeText = await readFile(describePath, 'utf8');
  const pod: Stat[] = [];
  pod.push(await measure(`diagnose pod ${DEMO.authPods[0]} (demo, ${demo.pods.length} pods; indexing included, no I/O)`, () => diagnose(demo, authPod), { warmup: 200, iterations, target: 20 }));
  pod.push(await measure('parse `kubectl describe pod` text (in memory) + diagnose', () => diagnose(buildKubectlSnapshot([{ name: 'describe', text: describeText }])), { warmup: 100, iterations: Math.max(10, iterations / 4) }));
  pod.push(await measure('read + parse + mask a describe file (`--from FILE`) + diagnose', async () => {
    const snap = await (await openEvidenceSource({ from: [describePath] })).collect({});
    return diagnose(snap);
  }, { warmup: 50, iterations: Math.max(10, iterations / 10) }));
  pod.push(await measure(`read + parse + mask the demo dump folder (ns ${NS}) + diagnose one pod`, async () => {
    const snap = await (await openEvidenceSource({ from: [DEMO_DIR] })).collect({ namespace: NS });
    return diagnose(snap, authPod);
  }, { warmup: 10, iterations: Math.max(10, iterations / 40) }));

  // ---- a namespace of 500 pods --------------------------------------------------------------
  console.log('\na namespace of 500 pods:');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syntra-bench-diagnose-'));
  const nsStats: Stat[] = [];
  let shape = '';
  try {
    const synthetic = await writeSyntheticNamespace(DEMO_DIR, tmp, { targetPods: 500, fullCopies: 10, unhealthyNames: unhealthyNames(demo) });
    const big = await readDumpFolder(tmp);
    const found = diagnoseAll(big, { namespace: NS });
    const inTrouble = found.filter((d) => d.root_cause.type !== 'no_issue_found');
    const types = new Map<string, number>();
    for (const d of inTrouble) types.set(d.root_cause.type, (types.get(d.root_cause.type) ?? 0) + 1);
    shape =
      `Synthetic namespace: ${synthetic.pods} pods, ${big.deployments.length} deployments, ${big.services.length} services, ${big.events.length} events, ${big.logs.length} container logs — ` +
      `${synthetic.fullCopies} renamed copies of the demo namespace \`${NS}\` (its incident and every broken workload) plus ${synthetic.healthyCopies} copies of its healthy workloads ` +
      `(bench/diagnose/synthetic-namespace.ts). diagnoseAll finds ${inTrouble.length} problems: ${[...types.entries()].map(([t, n]) => `${t} ×${n}`).join(', ')}.`;
    console.log(`  ${shape}`);
    const bigIterations = Math.max(5, Math.round(iterations / 100));
    nsStats.push(await measure(`diagnoseAll, ${synthetic.pods} pods (indexing included, no I/O)`, () => diagnoseAll(big, { namespace: NS }), { warmup: 3, iterations: bigIterations, target: 1000 }));
    nsStats.push(await measure(`overview, ${synthetic.pods} pods (no I/O)`, () => overview(big, NS), { warmup: 3, iterations: bigIterations }));
    nsStats.push(await measure(`diagnose one pod inside the ${synthetic.pods}-pod namespace (no I/O)`, () => diagnose(big, { ...authPod, name: DEMO.authPods[0] }), { warmup: 20, iterations: bigIterations * 4, target: 20 }));
    nsStats.push(await measure(`read + parse + mask the dump folder + diagnoseAll, ${synthetic.pods} pods`, async () => {
      const snap = await (await openEvidenceSource({ from: [tmp] })).collect({ namespace: NS });
      return diagnoseAll(snap, { namespace: NS });
    }, { warmup: 1, iterations: Math.max(5, Math.round(bigIterations / 2)) }));
    // Where the I/O path spends its time: reading + parsing the files, and masking secrets.
    nsStats.push(await measure(`  of which: read + parse the dump folder (${synthetic.pods} pods, unmasked)`, () => readDumpFolder(tmp), { warmup: 1, iterations: Math.max(5, Math.round(bigIterations / 2)) }));
    nsStats.push(await measure(`  of which: mask secrets in the snapshot (redactSnapshot)`, () => redactSnapshot(big), { warmup: 1, iterations: Math.max(5, Math.round(bigIterations / 2)) }));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  // ---- whole CLI ----------------------------------------------------------------------------
  console.log('\nthe CLI as a process:');
  const cli = cliWallTime(['diagnose', '--demo', '--namespace', NS, '--pod', DEMO.authPods[0], '--json'], 5);

  // ---- confusion table ----------------------------------------------------------------------
  console.log('\nconfusion over the fixture corpus:');
  const corpus = loadDiagnosisCorpus();
  const conf = confusion(corpus);
  const confText = confusionMarkdown(conf);
  console.log(confText.split('\n').map((l) => `  ${l}`).join('\n'));

  const body = [
    `\`npm run bench -- diagnose\` (bench/diagnose.ts). Rule-based diagnosis only (no LLM). Median and p95 after warm-up; "no I/O" means the evidence is already a parsed snapshot in memory, so the time is building the analysis index plus running every analyzer, causal linking and ranking.`,
    '',
    `Machine: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average at start ${load} (a shared machine: other work was running). Measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '### One pod (target ≤ 20 ms)',
    '',
    table(pod),
    '',
    '### A namespace of 500 pods (target ≤ 1 s)',
    '',
    shape,
    '',
    table(nsStats),
    '',
    'The targets apply to the diagnosis of evidence already in memory; the rows with reading, parsing and masking the dump show what a cold `syntra diagnose --from DIR` adds on top (the "of which" rows split that I/O path).',
    '',
    '### End to end',
    '',
    table([cli]),
    '',
    'Most of the process time is Node start-up and loading the CLI\'s modules through tsx, not the diagnosis.',
    '',
    `### Confusion over the fixture corpus (${conf.cases} cases, test/fixtures/diagnosis/cases)`,
    '',
    confText,
  ].join('\n');
  if (write) {
    upsertSection(DOC, 'diagnose', body, '# Benchmarks');
    console.log(`\nwrote the "## diagnose" section of ${path.relative(process.cwd(), DOC)}`);
  }
  return 0;
}

export const benchmark: Benchmark = {
  description: 'diagnosis speed (one pod ≤ 20 ms, 500-pod namespace ≤ 1 s) and a confusion table over the fixture corpus',
  run,
};
