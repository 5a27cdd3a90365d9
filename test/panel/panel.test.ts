import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestKey } from '../access/admin-key.js';
import { createUser } from '../../src/access/users.js';
import { PANEL_DIR } from '../../src/api/panel.js';
import { startGraphQLServer, type GraphQLServer } from '../graphql/client.js';

/**
 * The admin panel in real Chromium (Debian's, driven by playwright-core) against the real API
 * serving the built panel: one login → runs (live) → run detail (live ledger) → cancel → reload
 * (silent resume from the refresh cookie) → log out flow, and one permission check (a viewer is
 * told what it may not do). .ci/run installs chromium; `npm install` builds the panel.
 */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let s: GraphQLServer;
let base: string;
let browser: Browser;
let apiKey: Record<string, string>;
const ADMIN = { email: 'admin@panel.test', password: 'correct-horse-battery' };
const VIEWER = { email: 'viewer@panel.test', password: 'viewer-horse-battery' };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  if (!existsSync(`${PANEL_DIR}/index.html`)) throw new Error('the panel is not built: npm install (prepare) or npm run build:web');
  s = await startGraphQLServer();
  base = s.url.replace('/graphql', '');
  apiKey = (await createTestKey(s.db)).headers;
  await createUser(s.db, { ...ADMIN, roles: ['admin'] });
  await createUser(s.db, { ...VIEWER, roles: ['viewer'] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
});
afterAll(async () => {
  // A Chromium slowed down by a loaded machine can take long to exit; the server and database go either way.
  await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 15_000).unref())]);
  await s?.close();
}, 60_000);

async function logIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(base + '/');
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
  await context.close();
});
