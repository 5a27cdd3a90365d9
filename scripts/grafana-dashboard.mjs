// Writes deploy/grafana/syntra-dashboard.json, Syntra's Grafana dashboard, from the panel table
// below (one row per panel: title, unit, queries). Run: node scripts/grafana-dashboard.mjs
// test/deploy/observability.test.ts checks the file is what this script writes and runs every
// query against a real Prometheus scraping Syntra.
import { writeFileSync } from 'node:fs';

const ds = { type: 'prometheus', uid: '${datasource}' };
const PANELS = [
  { row: 'Queue' },
  { title: 'Queue depth by state', unit: 'short', targets: [['max by (state) (syntra_queue_depth)', '{{state}}']] },
  { title: 'Oldest due item waiting', unit: 's', targets: [['max(syntra_queue_oldest_available_age_seconds)', 'age']] },
  { title: 'Claim latency (submit → claim)', unit: 's', targets: [
    ['histogram_quantile(0.5, sum by (le) (rate(syntra_submit_to_claim_seconds_bucket[$__rate_interval])))', 'p50'],
    ['histogram_quantile(0.95, sum by (le) (rate(syntra_submit_to_claim_seconds_bucket[$__rate_interval])))', 'p95'],
  ] },
  { title: 'Lease expiries', unit: 'ops', targets: [['sum(rate(syntra_queue_lease_expiries_total[$__rate_interval]))', 'expired leases/s']] },
  { row: 'Runs' },
  { title: 'Run duration p95 by kind and status', unit: 's', targets: [['histogram_quantile(0.95, sum by (le, kind, status) (rate(syntra_run_duration_seconds_bucket[$__rate_interval])))', '{{kind}} {{status}}']] },
  { title: 'Runs finished by kind and status', unit: 'ops', targets: [['sum by (kind, status) (rate(syntra_run_duration_seconds_count[$__rate_interval]))', '{{kind}} {{status}}']] },
  { title: 'Failed attempts (retried, dead-lettered)', unit: 'ops', targets: [['sum by (outcome) (rate(syntra_queue_failures_total[$__rate_interval]))', '{{outcome}}']] },
  { title: 'Dead letters', unit: 'short', targets: [['max(syntra_queue_depth{state="dead"})', 'dead']] },
  { row: 'Workers' },
  { title: 'Workers by status', unit: 'short', targets: [['max by (status) (syntra_workers)', '{{status}}']] },
  { title: 'Newest worker heartbeat age', unit: 's', targets: [['max(syntra_worker_heartbeat_age_seconds)', 'age']] },
  { row: 'HTTP API' },
  { title: 'Requests by route and status', unit: 'reqps', targets: [['sum by (route, status) (rate(syntra_http_requests_total[$__rate_interval]))', '{{route}} {{status}}']] },
  { title: 'Request latency p95 by route', unit: 's', targets: [['histogram_quantile(0.95, sum by (le, route) (rate(syntra_http_request_duration_seconds_bucket[$__rate_interval])))', '{{route}}']] },
  { row: 'Models' },
  { title: 'Model tokens by model', unit: 'short', targets: [['sum by (model, direction) (increase(syntra_model_tokens_total[$__rate_interval]))', '{{model}} {{direction}}']] },
  { title: 'Estimated model cost (USD, selected range)', unit: 'currencyUSD', targets: [['sum by (model) (increase(syntra_model_cost_usd_total[$__range]))', '{{model}}']] },
];

let y = 0;
let x = 0;
let id = 1;
const panels = [];
for (const p of PANELS) {
  if (p.row) {
    if (x > 0) (y += 8), (x = 0);
    panels.push({ id: id++, type: 'row', title: p.row, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    continue;
  }
  panels.push({
    id: id++,
    type: 'timeseries',
    title: p.title,
    datasource: ds,
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: p.targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: ds, expr, legendFormat })),
  });
  if (x === 0) x = 12;
  else (x = 0), (y += 8);
}

const dashboard = {
  uid: 'syntra-overview',
  title: 'Syntra',
  tags: ['syntra'],
  timezone: 'browser',
  schemaVersion: 39,
  version: 1,
  refresh: '30s',
  time: { from: 'now-6h', to: 'now' },
  templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus', current: {} }] },
  panels,
};
// An output path as the argument (the test compares), else the file in deploy/grafana.
writeFileSync(process.argv[2] ?? new URL('../deploy/grafana/syntra-dashboard.json', import.meta.url), `${JSON.stringify(dashboard, null, 2)}\n`);
