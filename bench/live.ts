import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClusterQuery, refOf } from '../src/investigator/cluster/query.js';
import type { ClusterSnapshot } from '../src/investigator/cluster/snapshot.js';
import { DEMO_DIR, demoSource, isPodUnhealthy } from '../src/investigator/sources/index.js';
import { startFakeApiServer, writeKubeconfig } from '../test/helpers/fake-apiserver.js';
import type { RecordedApiRequest } from '../test/helpers/fake-apiserver.js';
import { writeSyntheticNamespace } from './diagnose/synthetic-namespace.js';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';
import { percentile } from './lib/timing.js';
import type { ReadResult } from './live/read-namespace.js';

/**
 * `npm run bench -- live [--pods N] [--iterations K] [--no-write]`: the live source reading one
 * namespace of N pods (default 5,000) from the loopback API server (test/helpers/fake-apiserver.ts,
 * the real REST API over a dump), through the real client library, in a process of its own.
 * Reports what an API server sees of one collection (requests, pages, largest response, requests
 * in flight, longest request) and what it costs Syntra (time, peak memory), with Syntra's page
 * size and with the whole namespace in one response for comparison. Writes `## live` in docs/benchmarks.md.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const READER = path.join(ROOT, 'bench', 'live', 'read-namespace.ts');
const NS = 'production';

/** Workloads (and the services in front of them) with a pod in trouble: the synthetic namespace copies them only a few times. */
function brokenNames(snapshot: ClusterSnapshot): Set<string> {
  const query = new ClusterQuery(snapshot);
  const names = new Set<string>();
  for (const pod of snapshot.pods.filter(isPodUnhealthy)) {
    names.add(query.workloadOf(refOf(pod, 'Pod')).name);
    for (const svc of query.servicesSelecting(pod)) names.add(svc.metadata?.name ?? '');
  }
  return names;
}

function readNamespace(kubeconfig: string, pageSize: number, iterations: number, mask: boolean): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', READER, kubeconfig, NS, String(pageSize), String(iterations), mask ? 'mask' : 'no-mask'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ReadResult) : reject(new Error(`read-namespace exited ${code}: ${err}`))));
  });
}

interface ServerView {
  requests: number;
  discovery: number;
  lists: number;
  podPages: number;
  logReads: number;
  largestResponseMiB: number;
  bytesMiB: number;
  maxInFlight: number;
  longestRequestMs: number;
}

/** What the API server saw of one collection (the recorded requests of `iterations` collections, divided). */
function serverView(requests: readonly RecordedApiRequest[], iterations: number): ServerView {
  const pathOf = (r: RecordedApiRequest) => r.url.split('?')[0]!;
  const logs = requests.filter((r) => pathOf(r).endsWith('/log'));
  const discovery = requests.filter((r) => !r.url.includes('?'));
  const lists = requests.filter((r) => r.url.includes('?') && !pathOf(r).endsWith('/log'));
  const per = (n: number) => Math.round(n / iterations);
  return {
    requests: per(requests.length),
    discovery: per(discovery.length),
    lists: per(lists.length),
    podPages: per(lists.filter((r) => pathOf(r).endsWith(`/namespaces/${NS}/pods`)).length),
    logReads: per(logs.length),
    largestResponseMiB: Math.max(...requests.map((r) => r.bytes ?? 0)) / 1024 / 1024,
    bytesMiB: requests.reduce((s, r) => s + (r.bytes ?? 0), 0) / 1024 / 1024 / iterations,
    maxInFlight: Math.max(...requests.map((r) => r.connections)),
    longestRequestMs: Math.max(...requests.map((r) => (r.finishedAt ?? r.startedAt) - r.startedAt)),
  };
}

const f1 = (x: number) => x.toFixed(1);
const f0 = (x: number) => Math.round(x).toLocaleString('en-US');

async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { pods: { type: 'string', default: '5000' }, iterations: { type: 'string', default: '5' }, 'no-write': { type: 'boolean', default: false } } });
  const targetPods = Number(values.pods);
  const iterations = Number(values.iterations);
  if (!Number.isInteger(targetPods) || targetPods < 100) throw new Error('--pods needs an integer ≥ 100');
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations needs an integer ≥ 1');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`live benchmark — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load}\n`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syntra-bench-live-'));
  try {
    const demo = await demoSource({ redact: false }).collect({ namespace: NS });
    const synthetic = await writeSyntheticNamespace(DEMO_DIR, tmp, { targetPods, fullCopies: 10, unhealthyNames: brokenNames(demo) });
    const api = await startFakeApiServer({ dir: tmp });
    const rows: { label: string; client: ReadResult; server: ServerView }[] = [];
    try {
      const kubeconfig = await writeKubeconfig(api.url, { namespace: NS, dir: tmp });
      const variants = [
        ['pages of 500 (Syntra)', 500, true],
        ['pages of 500, secrets not masked (the masking share)', 500, false],
        ['one page per list (no limit, for comparison)', targetPods * 2, true],
      ] as const;
      for (const [label, pageSize, mask] of variants) {
        const from = api.requests.length;
        const client = await readNamespace(kubeconfig, pageSize, iterations, mask);
        const server = serverView(api.requests.slice(from), iterations);
        rows.push({ label, client, server });
        console.log(`  ${label}: median ${f0(percentile(client.durationsMs, 0.5))} ms (CPU ${f0(percentile(client.cpuMs, 0.5))} ms), ${server.requests} requests (${server.podPages} pod pages, ${server.logReads} log reads), largest response ${f1(server.largestResponseMiB)} MiB, ${server.maxInFlight} connections at most, peak RSS ${f0(client.maxRssMiB)} MiB`);
      }
    } finally {
      await api.close();
    }
    const shape = rows[0]!.client;
    const body = [
      `Command: \`npm run bench -- live\` (bench/live.ts; \`--pods N --iterations K\`). The live source reads namespace \`${NS}\` of a synthetic cluster dump ` +
        `(bench/diagnose/synthetic-namespace.ts: ${synthetic.pods.toLocaleString('en-US')} pods, ${synthetic.fullCopies} renamed copies of the demo namespace with its incident plus ${synthetic.healthyCopies} copies of its healthy workloads) ` +
        `served over the Kubernetes REST API by the loopback API server (test/helpers/fake-apiserver.ts), through @kubernetes/client-node, in a process of its own (bench/live/read-namespace.ts); ` +
        `${iterations} collections per row, all kinds of the kind table, events, and the logs of the pods in trouble (tail 200). One collection reads ${f0(shape.pods)} pods, ${f0(shape.events)} events and ${shape.logStreams} log streams.`,
      '',
      `Machine: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average at start ${load} (a shared machine). Measured ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| per collection | requests (discovery / lists / logs) | pod pages | largest response | bytes read | client connections at most | longest request | median (p95) | CPU median | peak RSS (start) | heap held by the snapshot |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(({ label, client: c, server: s }) =>
        `| ${label} | ${s.requests} (${s.discovery} / ${s.lists} / ${s.logReads}) | ${s.podPages} | ${f1(s.largestResponseMiB)} MiB | ${f1(s.bytesMiB)} MiB | ${s.maxInFlight} | ${f0(s.longestRequestMs)} ms | ${f0(percentile(c.durationsMs, 0.5))} ms (${f0(percentile(c.durationsMs, 0.95))}) | ${f0(percentile(c.cpuMs, 0.5))} ms | ${f0(c.maxRssMiB)} MiB (${f0(c.startRssMiB)}) | ${f0(c.retainedHeapMiB)} MiB |`),
      '',
      'Median and p95 are wall time per collection (discovery, every list, the log reads, masking); CPU is the reading process\'s own CPU time per collection, which a busy shared machine inflates least. ' +
        'The unmasked row shows the share of masking secrets in the snapshot (src/investigator/sources/redact-snapshot.ts); peak RSS is the reading process\'s getrusage maximum, with its size after loading the modules in brackets.',
      '',
      'How this sits with what a kube-apiserver expects of one client: every list is asked for in pages of 500 (`limit`, then `continue`), kubectl\'s own chunk size, so no response carries the whole namespace; ' +
        'the discovery documents are read at once (as kubectl does), then at most 4 lists and then at most 4 log reads are in flight (the connections column; a small share of the server\'s default `--max-requests-inflight` of 400 read requests, shared by every client); ' +
        'every request has its own 10 s timeout, far inside the server\'s 60 s `--request-timeout`; logs are read only for pods in trouble (and a few of the target\'s), with `tailLines`. ' +
        'Times include the loopback server\'s own work (JSON over HTTP on 127.0.0.1); a real API server adds network and etcd latency per page.',
    ].join('\n');
    if (!values['no-write']) {
      upsertSection(DOC, 'live', body, '# Benchmarks');
      console.log(`\nwrote the "## live" section of ${path.relative(process.cwd(), DOC)}`);
    }
    return 0;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  description: 'the live source reading a 5,000-pod namespace from the loopback API server: requests, pages, time, memory',
  run,
};
