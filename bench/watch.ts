import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanCluster } from '../src/integrations/watch/index.js';
import { ClusterQuery, refOf } from '../src/investigator/cluster/query.js';
import { DEMO_DIR, demoSource, isPodUnhealthy, openEvidenceSource } from '../src/investigator/sources/index.js';
import { startFakeApiServer, writeKubeconfig, type RecordedApiRequest } from '../test/helpers/fake-apiserver.js';
import { writeSyntheticNamespace } from './diagnose/synthetic-namespace.js';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';

/**
 * `npm run bench -- watch [--pods N] [--scans K] [--no-write]`: what one watch scan (the loop of
 * `syntra watch` and `syntra worker --watch`) costs the API server — requests by type and bytes
 * answered — on the demo cluster's `production` namespace and on a synthetic namespace of N pods
 * (default 5,000), served by the loopback Kubernetes API server through @kubernetes/client-node.
 * Writes `## watch` in docs/benchmarks.md.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');

interface ScanCost {
  requests: number;
  discovery: number;
  lists: number;
  logs: number;
  bytes: number;
  largest: number;
  problems: number;
}

async function measure(dataDir: string, scans: number, tmp: string): Promise<ScanCost> {
  const kube = await startFakeApiServer({ dir: dataDir });
  try {
    const source = await openEvidenceSource({ live: true, kubeconfig: await writeKubeconfig(kube.url, { dir: tmp }), redact: true });
    const costs: ScanCost[] = [];
    for (let i = 0; i < scans; i++) {
      const before = kube.requests.length;
      const problems = (await scanCluster(source, 'production')).length;
      const seen: RecordedApiRequest[] = kube.requests.slice(before);
      const logs = seen.filter((r) => r.url.includes('/log')).length;
      const lists = seen.filter((r) => /[?&]limit=\d+/.test(r.url)).length;
      costs.push({ requests: seen.length, discovery: seen.length - logs - lists, lists, logs, bytes: seen.reduce((n, r) => n + (r.bytes ?? 0), 0), largest: Math.max(...seen.map((r) => r.bytes ?? 0)), problems });
    }
    // Scans of an unchanged cluster cost the same: report the last (steady state), checked against the first.
    const last = costs.at(-1)!;
    if (costs.some((c) => c.requests !== last.requests)) console.warn('request counts differ between scans:', costs.map((c) => c.requests).join(', '));
    return last;
  } finally {
    await kube.close();
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
const mib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : kib(n));

export const benchmark: Benchmark = {
  description: 'what one watch scan costs the API server (requests, bytes) on the loopback Kubernetes API server',
  async run(args) {
    const pods = Number(args[args.indexOf('--pods') + 1] ?? 5000) || 5000;
    const scans = Number(args[args.indexOf('--scans') + 1] ?? 3) || 3;
    const write = !args.includes('--no-write');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'syntra-bench-watch-'));
    try {
      const demo = await demoSource({ redact: false }).collect({ namespace: 'production' });
      const query = new ClusterQuery(demo);
      const broken = new Set<string>();
      for (const pod of demo.pods.filter(isPodUnhealthy)) {
        broken.add(query.workloadOf(refOf(pod, 'Pod')).name);
        for (const svc of query.servicesSelecting(pod)) broken.add(svc.metadata?.name ?? '');
      }
      const synthetic = await writeSyntheticNamespace(DEMO_DIR, path.join(tmp, 'synthetic'), { targetPods: pods, fullCopies: 10, unhealthyNames: broken });
      const rows: Array<[string, ScanCost]> = [
        [`demo \`production\` (${demo.pods.length} pods)`, await measure(DEMO_DIR, scans, tmp)],
        [`synthetic \`production\` (${synthetic.pods.toLocaleString('en')} pods)`, await measure(synthetic.dir, scans, tmp)],
      ];
      const table = [
        '| namespace | requests per scan (discovery / lists / logs) | bytes answered | largest response | unhealthy workloads found |',
        '|---|---:|---:|---:|---:|',
        ...rows.map(([name, c]) => `| ${name} | ${c.requests} (${c.discovery} / ${c.lists} / ${c.logs}) | ${mib(c.bytes)} | ${mib(c.largest)} | ${c.problems} |`),
      ].join('\n');
      console.log(table);
      if (write) {
        upsertSection(
          DOC,
          'watch',
          `Command: \`npm run bench -- watch\` (bench/watch.ts; \`--pods N --scans K\`). One scan of watch mode (\`syntra watch\`, \`syntra worker --watch\`: src/integrations/watch/scan.ts) against the loopback Kubernetes API server (test/helpers/fake-apiserver.ts) through @kubernetes/client-node, ${scans} scans per row, the last reported (an unchanged cluster costs every scan the same). Measured ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n\nEvery list is paginated (\`limit=500\`, following \`continue\`) and logs are read only for unhealthy pods (tail 200), so a scan's requests grow with the number of kinds and pages, and its log reads with the number of pods in trouble, not with the namespace's size. With several \`syntra worker --watch\` replicas one holds the watch lease and scans; the others send nothing. Not done yet: lists do not carry \`resourceVersion\` (\`resourceVersionMatch=NotOlderThan\`, which lets kube-apiserver answer from its watch cache instead of a quorum read from etcd): client-node's generic list has no parameter for it, and the loopback server does not model the cache, so the gain could not be measured here.`,
          '# Benchmarks',
        );
      }
      return 0;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
