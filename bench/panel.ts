import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Benchmark } from './lib/benchmark.js';
import { upsertSection } from './lib/markdown-section.js';
import { now, percentile, withTimeout } from './lib/timing.js';

/**
 * The admin panel as a person meets it, in Debian's Chromium (playwright-core):
 * - first page load from a cold `syntra up` (the built bin/syntra.js on a new data directory,
 *   the first request it ever serves, a browser profile with an empty cache): bytes of
 *   JavaScript transferred and the same gzipped (what a compressing proxy would send), and the
 *   time to interactive — navigation start until the sign-in form is rendered by React and its
 *   email field takes focus, read from the page's own clock;
 * - a run's first ledger event reaching the browser after submit: signed in on the Ask page,
 *   from the moment the browser sends the submit mutation to the moment the first `runEvents`
 *   message arrives on its WebSocket (both as Chromium reports them, through the DevTools
 *   protocol), for N questions one after another (each waits for its run to end).
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'syntra.js');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ADMIN = { email: 'bench@panel.test', password: 'bench-panel-password' };

interface Up {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startUp(home: string): Promise<Up> {
  const dataDir = path.join(home, `data-${Math.random().toString(36).slice(2)}`);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    SYNTRA_CONFIG_DIR: path.join(home, 'cli'),
    SYNTRA_LOG_LEVEL: 'warn',
    SYNTRA_EVIDENCE: 'demo',
    SYNTRA_ADMIN_EMAIL: ADMIN.email,
    SYNTRA_ADMIN_PASSWORD: ADMIN.password,
    // 30 questions in a row are ~100 requests a minute: above a person's default budget (60/min).
    SYNTRA_RATE_LIMIT_PER_MINUTE: '10000',
  };
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', dataDir], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await withTimeout(
    'syntra up to listen',
    new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /API:\s+(http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`syntra up exited ${code}: ${err}`)));
    }),
    120_000,
  );
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await withTimeout('syntra up to stop', exited, 60_000).catch(() => child.kill('SIGKILL'));
    },
  };
}

interface FirstLoad {
  /** JavaScript bodies as they crossed the wire (brotli when the browser accepts it). */
  jsWireBytes: number;
  /** The same decoded. */
  jsBytes: number;
  /** The decoded JavaScript gzipped (level 6), the measure the target is stated in. */
  jsGzipBytes: number;
  /** Every response body of the load as it crossed the wire (HTML, JS, CSS). */
  allWireBytes: number;
  interactiveMs: number;
}

/** One first visit with an empty cache: what was transferred, and when the sign-in form could be used. */
async function firstLoad(browser: Browser, url: string): Promise<FirstLoad> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies: Promise<{ js: boolean; body: Buffer; wire: number }>[] = [];
  page.on('response', (r) => {
    bodies.push(
      Promise.all([r.body(), r.finished().then(() => r.request().sizes())]).then(
        ([body, sizes]) => ({ js: r.url().endsWith('.js'), body, wire: sizes.responseBodySize }),
        () => ({ js: false, body: Buffer.alloc(0), wire: 0 }),
      ),
    );
  });
  await page.goto(url + '/', { waitUntil: 'load' });
  await page.locator('input[name="email"]:focus').waitFor({ timeout: 30_000 });
  // The page's clock starts at navigation start: this is the moment the form was usable.
  const interactiveMs = (await page.evaluate('performance.now()')) as number;
  const all = await Promise.all(bodies);
  const js = all.filter((b) => b.js);
  await context.close();
  return {
    jsWireBytes: js.reduce((n, b) => n + b.wire, 0),
    jsBytes: js.reduce((n, b) => n + b.body.length, 0),
    jsGzipBytes: js.reduce((n, b) => n + gzipSync(b.body).length, 0),
    allWireBytes: all.reduce((n, b) => n + b.wire, 0),
    interactiveMs,
  };
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url + '/');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.keyboard.press('Enter');
  await page.getByTestId('who').waitFor();
}

interface FirstEvent {
  /** submit sent → first runEvents message received */
  totalMs: number;
  /** submit sent → its response received (the mutation's round trip) */
  submitMs: number;
  /** submit response → the subscribe message sent (the page switching to the run) */
  clientMs: number;
  /** subscribe sent → first runEvents message received (the server's subscription start and first read) */
  subscriptionMs: number;
}

/** Submit → first runEvents message on the WebSocket, per question, split into its three legs. */
async function firstEvents(browser: Browser, url: string, questions: number): Promise<FirstEvent[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  let sentAt = 0;
  let answeredAt = 0;
  let subscribedAt = 0;
  let onFirst: ((t: number) => void) | undefined;
  const isSubmit = (r: { method(): string; url(): string; postData(): string | null }) => r.method() === 'POST' && r.url().endsWith('/graphql') && (r.postData() ?? '').includes('submit(');
  page.on('request', (r) => {
    if (isSubmit(r)) sentAt = now();
  });
  page.on('response', (r) => {
    if (isSubmit(r.request())) answeredAt = now();
  });
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      if (onFirst && typeof f.payload === 'string' && f.payload.includes('runEvents(')) subscribedAt = now();
    });
    ws.on('framereceived', (f) => {
      if (!onFirst || typeof f.payload !== 'string' || !f.payload.includes('"runEvents"')) return;
      const at = now();
      const done = onFirst;
      onFirst = undefined;
      done(at);
    });
  });
  // Listening before signing in: the panel opens its WebSocket on the first page and keeps it.
  await signIn(page, url);
  const samples: FirstEvent[] = [];
  await page.goto(url + '/#/ask');
  for (let i = 0; i < questions; i++) {
    const first = new Promise<number>((resolve) => (onFirst = resolve));
    await page.getByRole('button', { name: 'Ask' }).click();
    const at = await withTimeout('the first ledger event', first, 30_000).catch(async (e: unknown) => {
      const alert = await page.getByRole('alert').allTextContents();
      throw new Error(`${e instanceof Error ? e.message : String(e)}${alert.length ? ` (the page says: ${alert.join('; ')})` : ''}`);
    });
    samples.push({ totalMs: at - sentAt, submitMs: answeredAt - sentAt, clientMs: subscribedAt - answeredAt, subscriptionMs: at - subscribedAt });
    // One question at a time, as a person asks: the next one after this run has ended.
    await page.locator('[data-testid="ask-status"]', { hasText: /succeeded|failed|cancelled/ }).waitFor();
    process.stdout.write(`  question ${i + 1}/${questions}\r`);
  }
  await context.close();
  return samples;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${Math.round(n)} ms`;
const median = (xs: number[]) => percentile(xs, 0.5);

async function run(args: readonly string[]): Promise<number> {
  const opt = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const colds = opt('--cold', 5);
  const questions = opt('--questions', 30);
  const write = !args.includes('--no-write');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html')) || !existsSync(path.join(ROOT, 'dist'))) throw new Error('build first: npm run build');
  const home = await mkdtemp(path.join(os.tmpdir(), 'syntra-bench-panel-'));
  // playwright-core gives every launch a fresh profile of its own; each context starts with an empty cache.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const loadBefore = os.loadavg()[0]!.toFixed(1);
  const loads: FirstLoad[] = [];
  let events: FirstEvent[] = [];
  try {
    for (let i = 0; i < colds; i++) {
      const up = await startUp(home);
      try {
        loads.push(await firstLoad(browser, up.url));
        // The last cold server also answers the questions.
        if (i === colds - 1) events = await firstEvents(browser, up.url, questions);
      } finally {
        await up.stop();
      }
      process.stdout.write(`  cold start ${i + 1}/${colds}\r`);
    }
  } finally {
    await browser.close();
    await rm(home, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg()[0]!.toFixed(1);
  const load = loads[0]!;
  const tti = loads.map((l) => l.interactiveMs);
  const leg = (k: keyof FirstEvent, q: number) => percentile(events.map((e) => e[k]), q);
  const rows = [
    `| JavaScript transferred (as sent: brotli, pre-compressed at build) | ${kb(load.jsWireBytes)} | |`,
    `| JavaScript gzipped | ${kb(load.jsGzipBytes)} | ≤ 300 KB ${load.jsGzipBytes <= 300 * 1024 ? '✓' : '✗'} |`,
    `| JavaScript decoded | ${kb(load.jsBytes)} | |`,
    `| everything transferred (HTML, JS, CSS bodies) | ${kb(load.allWireBytes)} | |`,
    `| time to interactive, first load from a cold \`syntra up\` (median of ${colds}; min–max) | ${ms(median(tti))} (${ms(Math.min(...tti))}–${ms(Math.max(...tti))}) | ≤ 1000 ms ${median(tti) <= 1000 ? '✓' : '✗'} |`,
    `| first ledger event in the browser after submit, p50 (${questions} questions) | ${ms(leg('totalMs', 0.5))} | ≤ 100 ms ${leg('totalMs', 0.5) <= 100 ? '✓' : '✗'} |`,
    `| same, p99 (of ${questions}: the slowest) | ${ms(leg('totalMs', 0.99))} | |`,
    `| of which: the submit mutation's round trip, p50 / p99 | ${ms(leg('submitMs', 0.5))} / ${ms(leg('submitMs', 0.99))} | |`,
    `| of which: the page switching to the run and subscribing, p50 / p99 | ${ms(leg('clientMs', 0.5))} / ${ms(leg('clientMs', 0.99))} | |`,
    `| of which: subscribe → first event (server), p50 / p99 | ${ms(leg('subscriptionMs', 0.5))} / ${ms(leg('subscriptionMs', 0.99))} | |`,
  ];
  const table = ['| measure | value | target |', '|---|---:|---|', ...rows].join('\n');
  console.log(`\n${table}\n`);
  const machine = `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Chromium ${browser.version()}`;
  const body = [
    `\`npm run bench -- panel\` (bench/panel.ts; options \`--cold N\`, \`--questions N\`, \`--no-write\`): the built package (\`npm run build\`), Debian's Chromium`,
    `through playwright-core, headless. Each cold round starts \`syntra up\` (bin/syntra.js) on a new data directory and loads \`/\` once in a new browser context`,
    `(empty cache); time to interactive is navigation start → the React sign-in form rendered with its email field focused, on the page's own clock.`,
    `The first-event figure runs on the last cold server: signed in on the Ask page, the demo question asked ${questions} times one after another, each`,
    `measured from the browser sending the \`submit\` mutation to the first \`runEvents\` message arriving on its WebSocket (it includes the mutation's`,
    `round trip, React switching to the run and subscribing, and the server's first ledger read); the bench raises the per-minute request budget
(\`SYNTRA_RATE_LIMIT_PER_MINUTE\`), which 30 questions a minute would exceed. ${machine}; 1-minute load average ${loadBefore} before, ${loadAfter} after.`,
    '',
    table,
  ].join('\n');
  if (write) {
    upsertSection(DOC, 'panel', body, '# Benchmarks');
    console.log(`wrote the "## panel" section of ${path.relative(process.cwd(), DOC)}`);
  }
  return 0;
}

export const benchmark: Benchmark = {
  description: 'admin panel in Chromium: JS bytes and time to interactive from a cold syntra up; submit → first ledger event in the browser (p50/p99)',
  run,
};
