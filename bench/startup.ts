import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile, withTimeout } from './lib/timing.js';

/**
 * How fast the built CLI (bin/syntra.js → dist/) starts, as a user runs it: `syntra --help`,
 * `syntra diagnose --from` one describe file, `syntra demo` and `syntra up` until it is usable on
 * a new data directory — each the median of N runs, against `node -e 0` measured in the same run
 * (the floor no Node CLI beats on this machine). Rounds interleave the commands, so a burst of
 * load on a shared machine lands on all of them alike. CPU time (user + sys) is reported too: on
 * a busy machine it moves much less than wall time.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** `--bin PATH` measures another checkout's bin/syntra.js (e.g. an older commit, for before/after). */
const binArg = process.argv.indexOf('--bin');
const BIN = binArg >= 0 ? path.resolve(process.argv[binArg + 1]!) : path.join(ROOT, 'bin', 'syntra.js');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const DESCRIBE = path.join(ROOT, 'test', 'fixtures', 'evidence', 'describe-deployment.txt');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  wallMs: number;
  cpuMs?: number;
}

interface Measure {
  label: string;
  targetMs?: number;
  once(home: string): Promise<Sample>;
}

function cleanEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, SYNTRA_CONFIG_DIR: path.join(home, 'cli'), SYNTRA_LOG_LEVEL: 'warn' };
}

/** One run of a command to its end; CPU from /usr/bin/time where the machine has it. */
function command(argv: string[]) {
  return async (home: string): Promise<Sample> => {
    const t = now();
    const r = TIME
      ? spawnSync(TIME, ['-f', 'SYNTRA_CPU=%U %S', process.execPath, ...argv], { cwd: home, env: cleanEnv(home), encoding: 'utf8', timeout: 180_000 })
      : spawnSync(process.execPath, argv, { cwd: home, env: cleanEnv(home), encoding: 'utf8', timeout: 180_000 });
    const wallMs = now() - t;
    if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    const cpu = /SYNTRA_CPU=([\d.]+) ([\d.]+)/.exec(r.stderr);
    return { wallMs, ...(cpu ? { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 } : {}) };
  };
}

/**
 * Ready means what a user needs: `/readyz` answers 200 and a submit is accepted (with the admin
 * key `syntra up` wrote to the CLI config), not only the banner, so a route that compiles its
 * schemas on first use pays for that here.
 */
async function usable(out: string, home: string): Promise<void> {
  const url = /API:\s+(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`syntra up printed no API address: ${out}`);
  const ready = await fetch(`${url}/readyz`);
  if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status} after syntra up said it was up`);
  const { apiKey } = JSON.parse(await readFile(path.join(home, 'cli', 'config.json'), 'utf8')) as { apiKey: string };
  const submit = await fetch(`${url}/v1/commands/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ kind: 'echo', input: { message: 'startup' } }),
  });
  if (submit.status !== 201) throw new Error(`a submit answered ${submit.status}: ${await submit.text()}`);
}

/** `syntra up` on a data directory that does not exist yet, until it is usable (above); then stopped. */
async function upReady(home: string): Promise<Sample> {
  const dataDir = path.join(home, `data-${Math.random().toString(36).slice(2)}`);
  const t = now();
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', dataDir], { cwd: home, env: cleanEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let checking = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const wallMs = await withTimeout(
      'syntra up to be usable',
      new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          // The banner's last line: the address above it has arrived too.
          if (!checking && out.includes('Press Ctrl+C to stop.')) {
            checking = true;
            usable(out, home).then(() => resolve(now() - t), reject);
          }
        });
        void exited.then((code) => reject(new Error(`syntra up exited ${code} before it listened: ${err}`)));
      }),
      120_000,
    );
    return { wallMs };
  } finally {
    child.kill('SIGTERM');
    await withTimeout('syntra up to stop', exited, 60_000).catch(() => child.kill('SIGKILL'));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const MEASURES: Measure[] = [
  { label: '`node -e 0` (the floor)', once: command(['-e', '0']) },
  { label: '`syntra --help`', targetMs: 150, once: command([BIN, '--help']) },
  { label: '`syntra diagnose --from` one describe file', targetMs: 400, once: command([BIN, 'diagnose', '--from', DESCRIBE]) },
  { label: '`syntra demo` (whole investigation, wall)', targetMs: 3000, once: command([BIN, 'demo']) },
  { label: '`syntra up` until `/readyz` 200 and a submit is accepted, new data dir', targetMs: 2000, once: upReady },
];

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(0)} ms`);

async function run(args: readonly string[]): Promise<number> {
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 10;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  const write = !args.includes('--no-write') && !args.includes('--only') && binArg < 0;
  if (binArg < 0 && !existsSync(path.join(ROOT, 'dist', 'bundle', 'syntra.js'))) throw new Error('the CLI is not built: run `npm run build` first (the benchmark measures what users run)');
  const loadBefore = os.loadavg()[0]!.toFixed(1);
  const machine = `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`;
  console.log(`startup benchmark — ${path.relative(process.cwd(), BIN)}, ${machine}, load average ${loadBefore}, ${runs} rounds\n`);

  // `--only up`: the floor and the commands whose label holds the word (A/B of one command; never written to the doc).
  const only = args.indexOf('--only');
  const measures = only < 0 ? MEASURES : MEASURES.filter((m, i) => i === 0 || m.label.includes(`syntra ${args[only + 1]}`));
  const home = await mkdtemp(path.join(os.tmpdir(), 'syntra-bench-startup-'));
  const samples = new Map<Measure, Sample[]>(measures.map((m) => [m, []]));
  try {
    for (let round = 0; round < runs; round++) {
      for (const m of measures) samples.get(m)!.push(await m.once(home));
      process.stdout.write(`  round ${round + 1}/${runs}\r`);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg()[0]!.toFixed(1);

  const median = (m: Measure, key: keyof Sample) => {
    const xs = samples.get(m)!.flatMap((s) => (s[key] === undefined ? [] : [s[key]]));
    return xs.length ? percentile(xs, 0.5) : undefined;
  };
  const floor = median(MEASURES[0]!, 'wallMs')!;
  const rows = measures.map((m) => {
    const wall = median(m, 'wallMs')!;
    const target = m.targetMs === undefined ? '' : `≤ ${m.targetMs} ms ${wall <= m.targetMs ? '✓' : '✗'}`;
    return `| ${m.label} | ${fmt(wall)} | ${m === MEASURES[0] ? '' : `+${fmt(wall - floor)}`} | ${fmt(median(m, 'cpuMs'))} | ${target} |`;
  });
  const table = ['| command | median wall | over the floor | median CPU (user+sys) | target (wall) |', '|---|---:|---:|---:|---|', ...rows].join('\n');
  console.log(`\n${table}\n`);
  const body = [
    `\`npm run bench -- startup\` (bench/startup.ts): the built CLI (\`npm run build\`), median of ${runs} rounds, commands interleaved,`,
    `with \`node -e 0\` in the same run as the floor. ${machine}; 1-minute load average ${loadBefore} before, ${loadAfter} after.`,
    '',
    table,
  ].join('\n');
  if (write) {
    upsertSection(DOC, 'startup', body, '# Benchmarks');
    console.log(`wrote the "## startup" section of ${path.relative(process.cwd(), DOC)}`);
  }
  return 0;
}

export const benchmark: Benchmark = {
  description: 'CLI start-up of the built package: --help, diagnose --from, demo, up until /readyz and a submit answer (median of 10, node -e 0 as the floor)',
  run,
};
