import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestKey } from '../access/admin-key.js';
import { createUser } from '../../src/access/users.js';
import { PANEL_DIR } from '../../src/api/panel.js';
import { startGraphQLServer, type GraphQLServer } from '../graphql/client.js';
import { killAll, startCli, type CliProcess } from '../api/spawn-cli.js';
import { eventually } from '../api/harness.js';
import { startFakeApiServer, writeKubeconfig } from '../helpers/fake-apiserver.js';
import { registerExecutor } from '../../src/agents/actions/executor.js';
import { createKubeWriter } from '../../src/agents/actions/kube-writer.js';
import { DEMO_DIR } from '../../src/investigator/sources/demo-cluster/index.js';
import { createRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';

/**
 * The admin panel in real Chromium (Debian's, driven by playwright-core) against the real API
 * serving the built panel: one login → runs (live) → run detail (live ledger) → cancel → reload
 * (silent resume from the refresh cookie) → log out flow, one permission check (a viewer is
 * told what it may not do), and one flow on a real `syntra up` process (agents on the bundled
 * demo cluster): ask the demo question and watch the steps arrive and the root cause appear, the
 * incident it recorded, a routing-rule edit (refused, then saved) reaching the worker, the system
 * and keys pages. That flow takes the screenshots docs/panel.md shows (written to
 * $SYNTRA_PANEL_SCREENSHOTS, else a temporary directory). .ci/run installs chromium; `npm install`
 * builds the panel.
 */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let s: GraphQLServer;
let base: string;
let browser: Browser;
let apiKey: Record<string, string>;
let up: CliProcess;
let upBase: string;
let upRoot: string;
let shots: string;
const UP_ADMIN = { email: 'admin@up.test', password: 'up-admin-password-not-secret' };
const ADMIN = { email: 'admin@panel.test', password: 'correct-horse-battery' };
const VIEWER = { email: 'viewer@panel.test', password: 'viewer-horse-battery' };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  if (!existsSync(`${PANEL_DIR}/index.html`)) throw new Error('the panel is not built: npm install (prepare) or npm run build:web');
  upRoot = mkdtempSync(path.join(tmpdir(), 'syntra-panel-up-'));
  shots = process.env.SYNTRA_PANEL_SCREENSHOTS ? path.resolve(process.env.SYNTRA_PANEL_SCREENSHOTS) : path.join(upRoot, 'shots');
  mkdirSync(shots, { recursive: true });
  // A real `syntra up` (its own process, embedded PGlite, the agents on the bundled demo cluster), started while the rest sets up.
  up = startCli(['up', '--data-dir', path.join(upRoot, 'data'), '--port', '0'], {
    SYNTRA_CONFIG_DIR: path.join(upRoot, 'config'),
    SYNTRA_ADMIN_EMAIL: UP_ADMIN.email,
    SYNTRA_ADMIN_PASSWORD: UP_ADMIN.password,
    SYNTRA_EVIDENCE: 'demo',
    SYNTRA_LLM_PROVIDER: '',
    SYNTRA_RATE_LIMIT_PER_MINUTE: '1000',
  });
  const upUrl = up.waitForLine(/API:\s+(http:\/\/\S+)/, 90_000);
  s = await startGraphQLServer();
  base = s.url.replace('/graphql', '');
  apiKey = (await createTestKey(s.db)).headers;
  await createUser(s.db, { ...ADMIN, roles: ['admin'] });
  await createUser(s.db, { ...VIEWER, roles: ['viewer'] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  upBase = await upUrl;
}, 120_000);
afterAll(async () => {
  const stopUp = async () => {
    if (!up || up.child.exitCode !== null) return;
    up.child.kill('SIGTERM');
    await Promise.race([up.exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
  };
  // The child process first, so nothing outlives the file even if a later step runs out of time.
  await stopUp();
  killAll(); // SIGKILL for a `syntra up` still draining
  if (upRoot) rmSync(upRoot, { recursive: true, force: true });
  // Bounded: a Chromium slowed down by a loaded machine can take long to exit.
  await Promise.all([Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 15_000).unref())]), s?.close()]);
}, 90_000);

async function logIn(page: Page, who: { email: string; password: string }, at = base): Promise<void> {
  await page.goto(at + '/');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.keyboard.press('Enter'); // keyboard only
  await page.getByTestId('who').waitFor();
}

async function submitRun(namespace: string): Promise<string> {
  const res = await fetch(`${base}/v1/commands/submit`, { method: 'POST', headers: { ...apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'echo', input: {}, namespace }) });
  return ((await res.json()) as { runId: string }).runId;
}

it('serves the panel with cache headers and a CSP that allows it', async () => {
  const index = await fetch(base + '/');
  expect(index.headers.get('cache-control')).toBe('no-cache');
  expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  expect((await fetch(base + asset)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  // Sent compressed as the browser accepts it (built beside the file), the same bytes once decoded.
  const plain = await fetch(base + asset, { headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers.get('content-encoding')).toBeNull();
  for (const encoding of ['br', 'gzip']) {
    const packed = await fetch(base + asset, { headers: { 'accept-encoding': encoding } });
    expect(packed.headers.get('content-encoding')).toBe(encoding);
    expect(packed.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(packed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Number(packed.headers.get('content-length'))).toBeLessThan(Number(plain.headers.get('content-length')) / 2);
    expect(await packed.text()).toBe(await (await fetch(base + asset, { headers: { 'accept-encoding': 'identity' } })).text());
  }
  expect((await fetch(`${base}${asset}.br`)).status).toBe(404); // a sibling is never a route of its own
  expect((await fetch(base + '/admin')).status).toBe(404);
});

it('logs in, follows runs and a run’s ledger live, cancels, resumes the session, logs out', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await logIn(page, ADMIN);
  await expect.poll(() => page.getByTestId('who').textContent()).toContain(ADMIN.email);
  // First login: the password was never changed, so the panel asks for it.
  await page.getByText('Your password was never changed').waitFor();

  const runId = await submitRun('team-a');
  const row = page.locator(`tr[data-run="${runId}"]`);
  await row.waitFor(); // arrived through the runUpdates subscription
  await row.getByRole('link').click();
  await page.getByTestId('timeline').getByText('run.queued').waitFor();
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await page.getByTestId('timeline').getByText('run.cancelled').waitFor(); // through runEvents
  await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('cancelled');

  // A reload keeps the session: the refresh cookie is traded for a new access token silently.
  await page.reload();
  await page.getByTestId('who').waitFor();
  await page.getByRole('button', { name: 'Log out everywhere' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  expect(problems.filter((p) => !/401|Failed to load resource/.test(p))).toEqual([]);
  await context.close();
});

it('shows a viewer what its role may not do instead of failing on click', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await logIn(page, VIEWER);
  await page.goto(base + '/#/keys');
  await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('keys:manage');
  const runId = await submitRun('team-a');
  await page.goto(`${base}/#/runs/${runId}`);
  await page.getByTestId('timeline').getByText('run.queued').waitFor();
  await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('runs:write');
  expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  // No question box and no editor for a viewer: each page says which permission it lacks.
  await page.goto(base + '/#/ask');
  await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('runs:write');
  expect(await page.getByRole('button', { name: 'Ask' }).count()).toBe(0);
  await page.goto(base + '/#/control');
  await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('control:write');
  expect(await page.getByRole('button', { name: 'Save as a new version' }).count()).toBe(0);
  await context.close();
});

it('shows a proposed action with its dry-run diff: a viewer and the proposer are told why they may not decide, an admin approves it with a reason', async () => {
  // An executor on the same database, writing to the loopback Kubernetes API server (the demo cluster, writable).
  const api = await startFakeApiServer({ dir: DEMO_DIR, writable: { settle: 'converge', writerToken: 'executor' } });
  const kubeconfig = await writeKubeconfig(api.url, { token: 'executor' });
  const worker = startWorker({ db: s.db, bus: s.bus, registry: registerExecutor(createRegistry(), { db: s.db, writer: createKubeWriter(kubeconfig), verify: { attempts: 3, intervalMs: 20 } }), concurrency: 1, pollIntervalMs: 50, leaseSeconds: 30, shutdownGraceMs: 1000 });
  const context = await browser.newContext();
  try {
    await worker.registered;
    // Proposed through the API by an operator's key: another person than the panel's admin.
    const proposer = await createTestKey(s.db, { email: 'proposer@panel.test', roles: ['operator'], type: 'live' });
    const res = await fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: { ...proposer.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'scale', target: { kind: 'Deployment', name: 'postgres', namespace: 'production' }, params: { replicas: 1 }, reason: 'auth-service cannot reach postgres' }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    const status = async () => ((await (await fetch(`${base}/v1/actions/${id}`, { headers: apiKey })).json()) as { status: string }).status;
    await eventually(async () => ((await status()) === 'pending_approval' ? true : undefined), 'dry-run');

    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await logIn(page, VIEWER);
    await page.getByRole('link', { name: 'Actions' }).click();
    const row = page.locator(`tr[data-action="${id}"]`);
    await expect.poll(() => row.getByTestId('action-status').textContent()).toBe('pending approval');
    expect(await row.textContent()).toContain('deployment/postgres in production');
    await expect.poll(() => page.getByTestId('self-healing').textContent()).toContain('Self-healing is off');
    await row.getByRole('link', { name: 'scale' }).click();
    await expect.poll(() => page.getByTestId('dry-run-diff').textContent()).toContain('spec.replicas');
    expect(await page.getByTestId('dry-run-diff').locator('tbody td').allTextContents()).toEqual(['spec.replicas', '0', '1']);
    await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('needs kubernetes:write');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // The proposer, an operator, may approve actions but not this one.
    await logIn(page, { email: 'proposer@panel.test', password: 'test-password-not-secret' });
    await page.goto(`${base}/#/actions/${id}`);
    await expect.poll(() => page.getByTestId('not-allowed').textContent()).toContain('You proposed it');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // The admin approves, keyboard only: the reason, then Enter submits the approval.
    await logIn(page, ADMIN);
    await page.goto(`${base}/#/actions/${id}`);
    await page.getByLabel('Reason').fill('restore the database for auth-service');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('decision').textContent()).toContain('restore the database for auth-service');
    expect(await page.getByTestId('action-status').textContent()).toMatch(/^(approved|executing|verified)$/);
    expect(await status()).not.toBe('pending_approval');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
    await worker.stop();
    await api.close();
    await rm(path.dirname(kubeconfig), { recursive: true, force: true });
  }
});

it('on a real syntra up: asks the demo question and watches the steps and the root cause arrive, then incidents, a routing-rule edit reaching the worker, system and keys', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  await logIn(page, UP_ADMIN, upBase);

  // Ask: the demo question is prefilled; the steps list is watched from inside the page, so
  // "live" means the browser rendered the steps one after another, not all at once at the end.
  await page.goto(`${upBase}/#/ask`);
  await expect.poll(() => page.getByLabel('Question').inputValue()).toContain('auth-service');
  await page.getByLabel('Namespace').fill('production');
  // In the page (a string: this file is compiled without the DOM types).
  await page.evaluate(`(() => {
    const seen = (window.stepCounts = []);
    new MutationObserver(() => {
      const n = document.querySelectorAll('[data-testid="steps"] > li').length;
      if (seen.at(-1) !== n) seen.push(n);
    }).observe(document.body, { childList: true, subtree: true });
  })()`);
  await page.getByRole('button', { name: 'Ask' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-step="plan"]').waitFor();
  await page.locator('[data-step="report"][data-status="done"]').waitFor();
  const rootCause = page.getByTestId('root-cause');
  await expect.poll(() => rootCause.textContent()).toContain('service_no_endpoints');
  expect(await rootCause.textContent()).toContain('Service postgres');
  const counts = (await page.evaluate('window.stepCounts')) as number[];
  expect(counts.filter((n) => n > 0 && n < 5).length).toBeGreaterThan(0); // partial lists were on screen
  expect(await page.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['plan', 'collect_evidence', 'analyze', 'review', 'report']);
  expect(await page.getByTestId('confidence').textContent()).toBe('95%');
  const write = page.locator('[data-testid="remediation"] [data-write="true"]');
  expect(await write.textContent()).toContain('kubectl -n production scale deployment/postgres --replicas=1');
  expect(await write.textContent()).toContain('needs approval');
  expect(await page.getByTestId('hypotheses').locator(':scope > li').count()).toBeGreaterThan(0);
  await shot('ask');

  // The incident it recorded: listed (arrived through the list query or incidentUpdates), with its occurrence.
  await page.getByRole('link', { name: /^incident [0-9a-f]{8}…/ }).click();
  await expect.poll(() => page.getByTestId('occurrences').locator('li').count()).toBe(1);
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await page.locator('[data-testid="incidents"] tr[data-incident]').first().waitFor();
  expect(await page.getByTestId('incidents').textContent()).toContain('service_no_endpoints');
  await shot('incidents');

  // Control registry: a refused edit shows the field that was wrong; a good one becomes a new version the worker reports loading.
  await page.goto(`${upBase}/#/control`);
  await expect.poll(() => page.getByTestId('loaded-version').first().textContent()).toBe('v0');
  const editor = page.getByLabel('Routing rules (JSON)');
  const rules = JSON.parse(await editor.inputValue()) as { rules: unknown[] };
  await editor.fill(JSON.stringify({ rules: [...rules.rules, { match: { taskType: 'plan' }, target: { provider: 'default' }, priority: 5000 }] }, null, 2));
  await page.getByLabel('Reason (recorded in the history)').fill('route planning to the configured model');
  await expect.poll(() => page.getByTestId('edit-diff').textContent()).toContain('priority');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect.poll(() => page.getByTestId('field-errors').textContent()).toContain('priority');
  await shot('control-edit');
  await editor.fill(JSON.stringify({ rules: [...rules.rules, { match: { taskType: 'plan' }, target: { provider: 'default' }, priority: 5 }] }, null, 2));
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect.poll(() => page.getByTestId('saved').textContent()).toBe('Saved as version 1.');
  await expect.poll(() => page.getByTestId('control-version').textContent()).toBe('1');
  await expect.poll(() => page.getByTestId('loaded-version').first().textContent(), { timeout: 15_000 }).toBe('v1');
  await shot('control');

  // System: readiness, the queue by state, the worker and what it serves.
  await page.getByRole('link', { name: 'System' }).click();
  await expect.poll(() => page.getByTestId('readiness').textContent()).toBe('ready');
  expect(Number(await page.locator('[data-testid="queue"] [data-state="done"]').textContent())).toBeGreaterThanOrEqual(5);
  expect(await page.getByTestId('workers').textContent()).toContain('collect_evidence');
  await shot('system');

  // Keys: every key's rate-limit usage, against the budget `syntra up` was configured with.
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect.poll(() => page.getByTestId('usage').first().textContent()).toMatch(/\d+\/1000 this minute/);
  await shot('keys');
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByTestId('runs').waitFor();
  await shot('runs');
  expect(problems).toEqual([]);
  await context.close();
}, 120_000);
