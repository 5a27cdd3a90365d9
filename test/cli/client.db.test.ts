import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { createTestKey } from '../access/admin-key.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { ANSI, killAll, runCli, startCli, within, type CliEnv } from './run-cli.js';

/**
 * The CLI end to end as a user types it — `node bin/syntra.js …` in a child process — against a
 * real API, worker and relay on a loopback port over this file's own database. Runs of kind
 * `ask` have no handler here, so they stay queued: that is what the Ctrl-C test needs.
 */
let server: CliServer;
let admin: CliEnv;
let dirs = 0;

/** A fresh user config dir (not logged in) and working dir. */
function freshUser(): CliEnv {
  const dir = path.join(server.workDir, `user-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return { configDir: path.join(dir, 'config'), cwd: dir };
}

const readConfig = (env: CliEnv) => JSON.parse(readFileSync(path.join(env.configDir, 'config.json'), 'utf8')) as Record<string, any>;

async function submitEcho(message: string): Promise<string> {
  const res = await fetch(`${server.url}/v1/commands/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.admin.apiKey },
    body: JSON.stringify({ kind: 'echo', input: { message, then: ['second step'] } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { runId: string }).runId;
}

async function runOf(id: string): Promise<{ status: string; namespace: string | null; input: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/v1/runs/${id}`, { headers: { 'x-api-key': server.admin.apiKey } });
  return ((await res.json()) as { run: { status: string; namespace: string | null; input: Record<string, unknown> } }).run;
}

beforeAll(async () => {
  server = await startCliServer({ taskTypes: ['echo', 'sleep'] });
  // The user config `syntra up` wrote: endpoint and an admin key, mode 0600.
  admin = { configDir: server.configDir, cwd: server.workDir };
});

afterAll(async () => {
  killAll();
  await server?.close();
});

describe('login, status, logout', () => {
  it('works at once with the key `syntra up` stored; status shows who, the endpoint, expiry and rate-limit windows', async () => {
    const r = await runCli(['status', '--json'], admin);
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status).toMatchObject({ endpoint: server.url, me: { email: server.admin.email, type: 'key', keyType: 'admin' }, credential: { type: 'key', expiresAt: null } });
    expect(status.rateLimit.windows.map((w: { window: string }) => w.window)).toEqual(['minute', 'hour']);
    const text = await runCli(['status'], admin);
    expect(text.stdout).toContain(server.admin.email);
    expect(text.stdout).toMatch(/minute\s+60\s+/);
    expect(text.stdout).not.toContain(server.admin.apiKey);
  });

  it('login --api-key checks the key, stores it 0600 and later commands use it', async () => {
    const user = freshUser();
    const bad = await runCli(['login', '--endpoint', server.url, '--api-key', `sk_live_${'x'.repeat(43)}`], user);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('syntra login');

    const r = await runCli(['login', '--endpoint', server.url, '--api-key', server.admin.apiKey], user);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${server.url} as ${server.admin.email}`);
    expect(readConfig(user)).toMatchObject({ endpoint: server.url, apiKey: server.admin.apiKey });
    const runs = await runCli(['runs', 'list', '--json'], user);
    expect(runs.code, runs.stderr).toBe(0);
    expect(JSON.parse(runs.stdout)).toHaveProperty('items');
  });

  it('login with email and password stores a session that refreshes itself when the access token expired; logout ends it', async () => {
    const user = freshUser();
    const wrong = await runCli(['login', '--endpoint', server.url, '--email', server.admin.email, '--password-stdin'], { ...user, input: 'not-the-password\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('wrong email or password');

    const r = await runCli(['login', '--endpoint', server.url], { ...user, input: `${server.admin.email}\n${server.admin.password}\n` });
    expect(r.code, r.stderr).toBe(0);
    const stored = readConfig(user);
    expect(stored.session).toMatchObject({ endpoint: server.url, email: server.admin.email });
    expect(stored.apiKey).toBeUndefined();

    // Pretend 15 minutes passed: the CLI must trade the refresh token for new tokens by itself.
    writeFileSync(path.join(user.configDir, 'config.json'), JSON.stringify({ ...stored, session: { ...stored.session, accessExpiresAt: new Date(Date.now() - 60_000).toISOString() } }), { mode: 0o600 });
    const status = await runCli(['status', '--json'], user);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ me: { type: 'user', email: server.admin.email }, credential: { type: 'session' } });
    const refreshed = readConfig(user).session;
    expect(refreshed.refreshToken).not.toBe(stored.session.refreshToken);
    expect(Date.parse(refreshed.accessExpiresAt)).toBeGreaterThan(Date.now());

    const out = await runCli(['logout'], user);
    expect(out.code, out.stderr).toBe(0);
    expect(readConfig(user).session).toBeUndefined();
    // The server ended the session too: the old refresh token no longer works.
    const reuse = await fetch(`${server.url}/v1/auth/refresh`, { method: 'POST', headers: { cookie: `syntra_refresh=${refreshed.refreshToken}` } });
    expect(reuse.status).toBe(401);
    const after = await runCli(['runs', 'list'], user);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain(`not logged in to ${server.url}`);
  });
});

describe('errors and exit codes', () => {
  it('bad key → 3, unknown run → 4, read-only key writing → 3, missing permission → 3 naming it, rate limited → 5 with when to retry', async () => {
    const badKey = await runCli(['runs', 'list', '--api-key', `sk_admin_${'Z'.repeat(43)}`], admin);
    expect(badKey.code).toBe(3);
    expect(badKey.stderr).toMatch(/API key from --api-key was rejected.*syntra login/);

    const unknown = await runCli(['runs', 'show', '01234567-89ab-7def-8123-456789abcdef'], admin);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('does not exist');

    const readOnly = await createTestKey(server.db, { type: 'test', roles: ['admin'] });
    const runId = await submitEcho('read only');
    const write = await runCli(['runs', 'cancel', runId, '--api-key', readOnly.apiKey], admin);
    expect(write.code).toBe(3);
    expect(write.stderr).toContain('read-only');

    const developer = await createTestKey(server.db, { type: 'live', roles: ['developer'] });
    const denied = await runCli(['keys', 'list', '--api-key', developer.apiKey], admin);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('permission denied');
    expect(denied.stderr).toContain('keys:manage');

    const { secret } = await createApiKey(server.db, { ownerId: developer.userId, name: 'slow', type: 'live', rateLimit: { perMinute: 1 } });
    // Windows are whole clock minutes: two calls that straddle a minute's end fall into two windows.
    // Rather than wait for a fresh minute, a second call that was let through must have crossed
    // into the next minute, and the call after it shares its window.
    const minute = () => Math.floor(Date.now() / 60_000);
    const before = minute();
    expect((await runCli(['runs', 'list', '--api-key', secret], admin)).code).toBe(0);
    let limited = await runCli(['runs', 'list', '--api-key', secret], admin);
    if (limited.code === 0) {
      expect(minute(), 'the second call was let through within the same minute').toBeGreaterThan(before);
      limited = await runCli(['runs', 'list', '--api-key', secret], admin);
    }
    expect(limited.code).toBe(5);
    expect(limited.stderr).toMatch(/rate limited by .*retry in \d+s/);
  }, 90_000);
});

describe('runs', () => {
  it('runs show takes any unique prefix of a run id, and says when one is ambiguous, naming the candidates', async () => {
    const ids = [await submitEcho('prefix one'), await submitEcho('prefix two')];
    // Made milliseconds apart: UUIDv7 ids sharing their first 8 characters.
    expect(ids[0]!.slice(0, 8)).toBe(ids[1]!.slice(0, 8));
    const unique = (id: string) => {
      for (let n = 9; n <= 36; n++) if (ids.filter((x) => x.startsWith(id.slice(0, n))).length === 1) return id.slice(0, n);
      return id;
    };
    const show = await runCli(['runs', 'show', unique(ids[1]!), '--json'], admin);
    expect(show.code, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as { run: { id: string } }).run.id).toBe(ids[1]);
    const ambiguous = await runCli(['runs', 'show', ids[0]!.slice(0, 8)], admin);
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.stderr).toContain('ambiguous');
    expect(ambiguous.stderr).toContain(ids[0]!);
    const notAnId = await runCli(['runs', 'show', 'nope'], admin);
    expect(notAnId.code).toBe(2);
    expect(notAnId.stderr).toContain('a run id is a UUID or its first characters');
  });

  it('a cancelled run reads "cancelled: <reason>" once, in runs cancel, show and watch', async () => {
    // No ask handler on this server: the run stays queued until cancelled.
    const res = await fetch(`${server.url}/v1/commands/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.admin.apiKey },
      body: JSON.stringify({ kind: 'ask', input: { prompt: 'cancel me' } }),
    });
    const { runId } = (await res.json()) as { runId: string };
    const cancel = await runCli(['runs', 'cancel', runId, '--reason', 'asked the wrong question'], admin);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Run ${runId} is cancelled.`);
    const show = await runCli(['runs', 'show', runId], admin);
    expect(show.stdout).toMatch(/Error:\s+asked the wrong question/);
    const watch = await runCli(['runs', 'watch', runId], admin);
    expect(watch.code).not.toBe(0);
    expect(watch.stderr).toContain(`run ${runId} cancelled: asked the wrong question`);
    expect(`${cancel.stdout}${show.stdout}${watch.stderr}`).not.toContain('cancelled: cancelled');
  });

  it('runs watch follows a run live, one line per step, then prints its output; --json is NDJSON', async () => {
    const runId = await submitEcho('watch me');
    const r = await runCli(['runs', 'watch', runId], admin);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/▸ echo[\s\S]*✓ echo done[\s\S]*▸ echo[\s\S]*run succeeded/);
    expect(r.stdout).toContain('"value": "second step"');

    const json = await runCli(['runs', 'watch', runId, '--json'], admin);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; seq?: number; status?: string });
    expect(lines[0]).toMatchObject({ type: 'run.queued', seq: 1 });
    expect(lines.at(-1)).toMatchObject({ runId, status: 'succeeded' });

    const list = await runCli(['runs', 'list', '--json', '--kind', 'echo'], admin);
    expect((JSON.parse(list.stdout) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(runId);
    const show = await runCli(['runs', 'show', runId, '--output', 'json'], admin);
    expect(JSON.parse(show.stdout)).toMatchObject({ run: { id: runId, status: 'succeeded' } });
  });

  it('piped and NO_COLOR output has no ANSI codes; --color always has them', async () => {
    const piped = await runCli(['status'], admin);
    expect(piped.stdout).not.toMatch(ANSI);
    const forced = await runCli(['status', '--color', 'always'], admin);
    expect(forced.stdout).toMatch(ANSI);
    const noColor = await runCli(['status'], { ...admin, env: { NO_COLOR: '1', SYNTRA_COLOR: 'always' } });
    expect(noColor.stdout).not.toMatch(ANSI);
  });
});

describe('ask', () => {
  it('--no-wait prints the run id; the namespace follows flag > env precedence', async () => {
    const env = await runCli(['ask', 'why is auth-service crashing', '--no-wait'], { ...admin, env: { SYNTRA_NAMESPACE: 'from-env' } });
    expect(env.code, env.stderr).toBe(0);
    const id = env.stdout.trim();
    expect(await runOf(id)).toMatchObject({ namespace: 'from-env', input: { prompt: 'why is auth-service crashing', namespace: 'from-env' } });

    const flag = await runCli(['ask', 'why', 'is', 'it', 'down', '-n', 'from-flag', '--no-wait', '--json'], { ...admin, env: { SYNTRA_NAMESPACE: 'from-env' } });
    const { runId } = JSON.parse(flag.stdout) as { runId: string };
    expect(await runOf(runId)).toMatchObject({ namespace: 'from-flag', input: { prompt: 'why is it down' } });
  });

  it('Ctrl-C while following cancels the run on the server and exits 130', async () => {
    const p = startCli(['ask', 'investigate payments'], admin);
    const [, runId] = await p.waitFor(/run ([0-9a-f-]{36})/, 30_000, 'err');
    // Steps are printed while the run is still going (it stays queued here: no ask handler).
    await p.waitFor(/· queued ask/, 30_000);
    expect((await runOf(runId!)).status).toBe('queued');
    p.child.kill('SIGINT');
    expect(await within(p.exited, 30_000, 'ask to exit after SIGINT')).toBe(130);
    expect((await runOf(runId!)).status).toBe('cancelled');
  });
});

describe('keys and control', () => {
  it('keys create with an unknown permission says so once, listing the valid ones', async () => {
    const bad = await runCli(['keys', 'create', '--name', 'typo', '--permissions', 'foo:bar'], admin);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('constant');
    expect(bad.stderr.match(/must be one of: /g)).toHaveLength(1);
    expect(bad.stderr).toContain('runs:read');
    expect(bad.stderr).toContain('keys:manage');
  });

  it('keys create shows the secret once; rotate and revoke take effect for the CLI', async () => {
    const created = await runCli(['keys', 'create', '--name', 'ci', '--type', 'test', '--namespaces', 'staging', '--json'], admin);
    expect(created.code, created.stderr).toBe(0);
    const { secret, key } = JSON.parse(created.stdout) as { secret: string; key: { id: string; namespaces: string[] } };
    expect(key.namespaces).toEqual(['staging']);
    const asTest = await runCli(['status', '--json', '--api-key', secret], admin);
    expect(JSON.parse(asTest.stdout)).toMatchObject({ me: { keyType: 'test', namespaces: ['staging'] } });

    const list = await runCli(['keys', 'list'], admin);
    expect(list.stdout).toMatch(new RegExp(`${key.id}\\s+ci\\s+sk_test_`));
    expect(list.stdout).not.toContain(secret);

    const rotated = await runCli(['keys', 'rotate', key.id, '--grace', '0', '--json'], admin);
    expect(rotated.code, rotated.stderr).toBe(0);
    const next = JSON.parse(rotated.stdout) as { secret: string; key: { id: string } };
    expect((await runCli(['status', '--api-key', secret], admin)).code).toBe(3);
    expect((await runCli(['status', '--api-key', next.secret], admin)).code).toBe(0);

    expect((await runCli(['keys', 'revoke', next.key.id], admin)).code).toBe(0);
    const revoked = await runCli(['status', '--api-key', next.secret], admin);
    expect(revoked.code).toBe(3);
    expect(revoked.stderr).toContain('syntra login');
    expect((await runCli(['keys', 'revoke', '01234567-89ab-7def-8123-456789abcdef'], admin)).code).toBe(4);
  });

  it('control show, rollback and history', async () => {
    const show = await runCli(['control', 'show', '--json'], admin);
    expect(show.code, show.stderr).toBe(0);
    const before = (JSON.parse(show.stdout) as { version: number; routingRules: unknown[] }).version;
    // Rolling back to the effective version changes nothing, so it records nothing.
    const noop = await runCli(['control', 'rollback', String(before), '--reason', 'no-op'], admin);
    expect(noop.code).not.toBe(0);
    expect(noop.stderr).toContain(`version ${before} is already the effective version`);
    expect((JSON.parse((await runCli(['control', 'show', '--json'], admin)).stdout) as { version: number }).version).toBe(before);
    // A change (the same routing rules again), then a rollback past it.
    const change = await fetch(`${server.url}/v1/control/routing-rules/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.admin.apiKey },
      body: JSON.stringify({ rules: (JSON.parse(show.stdout) as { routingRules: unknown[] }).routingRules, reason: 'cli test change' }),
    });
    expect(change.status, await change.clone().text()).toBe(200);
    const rollback = await runCli(['control', 'rollback', String(before), '--reason', 'cli test rollback'], admin);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain(`as version ${before + 2}`);
    const history = await runCli(['control', 'history'], admin);
    expect(history.stdout).toContain('cli test rollback');
    // The actor is named: the admin's email and key name, not a bare key id.
    expect(history.stdout).toContain(server.admin.email);
    expect(history.stdout).not.toMatch(/\s[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s+rollback/);
    const missingReason = await runCli(['control', 'rollback', '0'], admin);
    expect(missingReason.code).toBe(2);
  });
});
