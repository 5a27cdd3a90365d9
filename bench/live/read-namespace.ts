import { performance } from 'node:perf_hooks';
import { createLiveSource } from '../../src/investigator/sources/live-source.js';

/**
 * The client side of `npm run bench -- live`, in a process of its own so its memory is Syntra's
 * alone (the loopback API server runs in the parent): reads one namespace through the live
 * source `iterations` times and prints one JSON line — wall time per collection, the peak
 * resident set (getrusage maxRSS), the heap the snapshot holds after a collection, and what it
 * read. Run with `node --expose-gc --import tsx bench/live/read-namespace.ts KUBECONFIG NS PAGE_SIZE ITERATIONS [mask|no-mask]`.
 */
export interface ReadResult {
  durationsMs: number[];
  /** CPU time (user + system) of this process per collection: what a busy shared machine inflates least. */
  cpuMs: number[];
  /** Peak resident set of the whole process, MiB. */
  maxRssMiB: number;
  /** Resident set after loading modules, before the first collection, MiB. */
  startRssMiB: number;
  /** Heap in use after a collection minus before it (both after a full GC), MiB: what one snapshot holds. */
  retainedHeapMiB: number;
  /** Highest heap in use sampled during the collections, MiB. */
  peakHeapMiB: number;
  pods: number;
  events: number;
  logStreams: number;
  warnings: string[];
}

const mib = (bytes: number) => bytes / 1024 / 1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const [kubeconfig, namespace, pageSize, iterations, mask] = process.argv.slice(2);
  if (!kubeconfig || !namespace) throw new Error('usage: read-namespace.ts KUBECONFIG NAMESPACE PAGE_SIZE ITERATIONS [mask|no-mask]');
  const source = createLiveSource({ kubeconfig, pageSize: Number(pageSize ?? 500), redact: mask !== 'no-mask' });
  gc();
  const startRss = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const durations: number[] = [];
  const cpu: number[] = [];
  let last: Awaited<ReturnType<typeof source.collect>> | undefined;
  for (let i = 0; i < Number(iterations ?? 5); i++) {
    last = undefined;
    gc();
    const t = performance.now();
    const c = process.cpuUsage();
    last = await source.collect({ namespace });
    durations.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  clearInterval(sampler);
  gc();
  const retained = process.memoryUsage().heapUsed - baseHeap;
  const result: ReadResult = {
    durationsMs: durations,
    cpuMs: cpu,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    startRssMiB: mib(startRss),
    retainedHeapMiB: mib(retained),
    peakHeapMiB: mib(peakHeap),
    pods: last?.pods.length ?? 0,
    events: last?.events.length ?? 0,
    logStreams: last?.logs.length ?? 0,
    warnings: last?.source.warnings ?? [],
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
