import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { echoRoundTrip, killAll, startCli } from '../api/spawn-cli.js';
import { ROOT, render, schemaErrors } from './render.js';

/**
 * Metrics, alert rules and the dashboard against the real tools: promtool checks and unit-tests
 * the rules; a real Prometheus (Debian's 2.42) on loopback scrapes a running `syntra up` with a
 * Bearer API key, and its query API shows the documented series, the rules evaluating cleanly
 * against them, and every dashboard query valid.
 */
const run = promisify(execFile);
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
const RULES = path.join(ROOT, 'deploy/prometheus/syntra-alerts.rules.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/syntra-dashboard.json');

/** name → type, from the metrics table of docs/observability.md. */
function documentedMetrics(): Map<string, string> {
  const doc = readFileSync(path.join(ROOT, 'docs/observability.md'), 'utf8');
  return new Map([...doc.matchAll(/^\| `(syntra_[a-z_]+)` \| (gauge|counter|histogram) \|/gm)].map((m) => [m[1]!, m[2]!]));
}

interface Dashboard { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> }
const dashboardQueries = () =>
  (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard).panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

describe.skipIf(!existsSync(PROMTOOL))('alert rules (promtool)', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toContain('SUCCESS: 3 rules found');
  });

  it('pass promtool test rules with sample series (each alert firing and not)', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', 'syntra-alerts.test.yml'], { cwd: path.dirname(RULES) });
    expect(stdout).toContain('SUCCESS');
  });
});

describe('alert rules and dashboard files', () => {
  it('ship in the Kubernetes install as a valid PrometheusRule with the same groups', () => {
    const objs = render('test/deploy/fixtures/distributed-bundled-full');
    const rule = objs.find((o) => o.kind === 'PrometheusRule')!;
    expect(schemaErrors(rule)).toEqual([]);
    expect((rule as unknown as { spec: unknown }).spec).toEqual({ groups: (parse(readFileSync(RULES, 'utf8')) as { groups: unknown }).groups });
  });

  it('the dashboard is what scripts/grafana-dashboard.mjs writes, and queries only documented metrics', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'syntra-dash-'));
    try {
      await run(process.execPath, [path.join(ROOT, 'scripts/grafana-dashboard.mjs'), path.join(dir, 'd.json')]);
      expect(readFileSync(path.join(dir, 'd.json'), 'utf8')).toBe(readFileSync(DASHBOARD, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const documented = documentedMetrics();
    for (const { panel, expr } of dashboardQueries()) {
      for (const [name] of expr.matchAll(/syntra_[a-z_]+/g)) {
        expect(documented.has(name.replace(/_(bucket|count|sum)$/, '')), `${panel}: ${name}`).toBe(true);
      }
    }
  });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe.skipIf(!existsSync(PROMETHEUS))('a real Prometheus scraping syntra up', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'syntra-prom-'));
  let prometheus: ChildProcess | undefined;
  let promUrl = '';

  async function query(q: string): Promise<{ status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }> {
    const res = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: q })}`);
    return (await res.json()) as never;
  }
  async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    const syntra = startCli(['up', '--port', '0', '--data-dir', path.join(work, 'data')], {
      SYNTRA_CONFIG_DIR: path.join(work, 'config'),
      SYNTRA_POLL_INTERVAL_MS: '200',
    });
    const url = await syntra.waitForLine(/API:\s+(http:\/\/\S+)/, 60_000);
    const { apiKey } = JSON.parse(readFileSync(path.join(work, 'config', 'config.json'), 'utf8')) as { apiKey: string };
    // A run, so the run, claim and HTTP series have samples.
    await echoRoundTrip(url, 'for prometheus', { 'x-api-key': apiKey });

    writeFileSync(path.join(work, 'key'), apiKey, { mode: 0o600 });
    const port = await freePort();
    const target = new URL(url).host;
    writeFileSync(
      path.join(work, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(RULES)}]`,
        'scrape_configs:',
        '  - job_name: syntra',
        `    authorization: { type: Bearer, credentials_file: ${JSON.stringify(path.join(work, 'key'))} }`,
        `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${path.join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(work, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    prometheus.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    promUrl = `http://127.0.0.1:${port}`;
    await eventually(`Prometheus scraping ${target} (${stderr})`, async () => {
      const r = await query('up{job="syntra"}');
      return r.data?.result[0]?.value[1] === '1' ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus!.once('exit', r));
    killAll();
    rmSync(work, { recursive: true, force: true });
  });

  it('scrapes every documented metric, with the documented type (Bearer API key)', async () => {
    const documented = documentedMetrics();
    expect(documented.size).toBeGreaterThanOrEqual(15);
    const res = await fetch(`${promUrl}/api/v1/targets/metadata?${new URLSearchParams({ match_target: '{job="syntra"}' })}`);
    const { data } = (await res.json()) as { data: Array<{ metric: string; type: string }> };
    const scraped = new Map(data.map((m) => [m.metric, m.type]));
    for (const [name, type] of documented) expect(scraped.get(name), name).toBe(type);
    // And nothing undocumented: a new metric needs its row in docs/observability.md.
    const ours = [...scraped.keys()].filter((m) => m.startsWith('syntra_'));
    expect(ours.filter((m) => !documented.has(m))).toEqual([]);
  });

  it('has the series of the run it just served', async () => {
    const value = async (q: string) => {
      const r = await query(q);
      return r.data?.result.length ? Number(r.data.result[0]!.value[1]) : undefined;
    };
    expect(await value('syntra_run_duration_seconds_count{kind="echo",status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(await value('syntra_queue_depth{state="done"}')).toBeGreaterThanOrEqual(1);
    expect(await value('syntra_http_requests_total{route="/v1/commands/submit",status="201"}')).toBe(1);
    expect(await value('sum(syntra_http_request_duration_seconds_count{route="/v1/commands/submit"})')).toBe(1);
    expect(await value('syntra_submit_to_claim_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(await value('syntra_workers{status="live"}')).toBeGreaterThanOrEqual(1);
    expect(await value('syntra_worker_heartbeat_age_seconds')).toBeLessThan(60);
    expect(await value('syntra_queue_oldest_available_age_seconds')).toBe(0);
  });

  it('evaluates the alert rules against the scraped series without error, none firing', async () => {
    const rules = await eventually('rules evaluated', async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; state: string; lastError?: string; lastEvaluation: string }> }> } };
      const all = r.data.groups.flatMap((g) => g.rules);
      return all.length === 3 && all.every((x) => !x.lastEvaluation.startsWith('0001')) ? all : undefined;
    });
    for (const r of rules) expect({ name: r.name, health: r.health, state: r.state, error: r.lastError ?? '' }).toEqual({ name: r.name, health: 'ok', state: 'inactive', error: '' });
  });

  it('answers every dashboard query (valid PromQL on the real series)', async () => {
    for (const { panel, expr } of dashboardQueries()) {
      const r = await query(expr.replaceAll('$__rate_interval', '15s').replaceAll('$__range', '1m'));
      expect({ panel, status: r.status, error: r.error ?? '' }).toEqual({ panel, status: 'success', error: '' });
    }
  });
});
