import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { orderedShutdown } from '../../src/runtime/lifecycle.js';
import { startAgentWorker } from '../../src/runtime/agent-worker.js';
import { TaskHandlerRegistry } from '../../src/worker/registry.js';
import { startWorker } from '../../src/worker/runtime.js';
import { postJson, startApiHarness, type ApiHarness } from './harness.js';

/**
 * The worker registry: workers announce the task types they serve; GET /v1/workers lists them;
 * a submit of a kind no worker ever served is refused (it would stay queued forever).
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => h?.close());

interface WorkerView {
  workerId: string;
  credential: string | null;
  transport: string;
  taskTypes: string[];
  status: string;
  controlVersion: number | null;
}
const workers = async () => (await h.app.inject({ url: '/v1/workers' })).json() as { items: WorkerView[]; knownKinds: string[] };

describe('a submit of a kind nobody serves', () => {
  it('answers 400 unknown_kind listing the known kinds, and creates no run', async () => {
    const res = await postJson(h, '/v1/commands/submit', { kind: 'nobody.serves.this', input: {} });
    expect(res.statusCode).toBe(400);
    const error = res.json().error as { code: string; message: string; details: { kind: string; knownKinds: string[] } };
    expect(error).toMatchObject({ code: 'unknown_kind', details: { kind: 'nobody.serves.this', knownKinds: expect.arrayContaining(['echo', 'sleep']) } });
    expect(error.message).toMatch(/known kinds: .*echo/);
    const runs = (await h.app.inject({ url: '/v1/runs?kind=nobody.serves.this' })).json() as { items: unknown[] };
    expect(runs.items).toEqual([]);
  });

  it('/api/ask is refused the same way while no worker serves investigations', async () => {
    const res = await postJson(h, '/api/ask', { prompt: 'why is auth-service crashing in production?' });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 400, code: 'unknown_kind' });
  });
});

describe('workers announce what they serve', () => {
  it('a worker on the database is listed live with its task types, then stopped; its kinds stay known', async () => {
    const registry = new TaskHandlerRegistry().register('reg.kind', async () => ({ output: { ok: true } }));
    const worker = startWorker({ db: h.db, bus: h.bus, registry, concurrency: 1, pollIntervalMs: 100, leaseSeconds: 30, shutdownGraceMs: 1000 });
    await worker.registered;
    expect((await postJson(h, '/v1/commands/submit', { kind: 'reg.kind', input: {} })).statusCode).toBe(201);
    const live = (await workers()).items.find((w) => w.workerId === worker.workerId);
    expect(live).toMatchObject({ transport: 'database', credential: null, taskTypes: ['reg.kind'], status: 'live' });

    await worker.stop();
    const after = await workers();
    expect(after.items.find((w) => w.workerId === worker.workerId)?.status).toBe('stopped');
    expect(after.knownKinds).toContain('reg.kind');
    expect((await postJson(h, '/v1/commands/submit', { kind: 'reg.kind', input: {} })).statusCode).toBe(201);
  });

  it('the agents’ worker reports the control version it loaded, and again as soon as it reloads a newer one', async () => {
    const config = loadConfig({ SYNTRA_EVIDENCE: 'demo', SYNTRA_LOG_LEVEL: 'silent', SYNTRA_LLM_PROVIDER: '', NATS_URL: '' }, { host: '127.0.0.1', port: 0 });
    const before = new Set((await workers()).items.map((w) => w.workerId));
    const stop = orderedShutdown(await startAgentWorker(config, { db: h.db, bus: h.bus }));
    try {
      const mine = async () => (await workers()).items.find((w) => !before.has(w.workerId) && w.taskTypes.includes('analyze'));
      const start = (await mine())!.controlVersion as number;
      expect(start).toEqual(expect.any(Number));
      const change = await postJson(h, '/v1/control/skills/register', { name: 'reported.skill', description: 'd', instructions: 'i', tools: [], reason: 'see the worker reload' });
      expect(change.statusCode).toBe(200);
      // Long before the next heartbeat (15 s): the reload itself is announced. (Polled gently: every
      // look is a request of the harness key, whose per-minute budget the next tests need too.)
      await expect.poll(async () => (await mine())!.controlVersion, { timeout: 8_000, interval: 400 }).toBe(start + 1);
    } finally {
      await stop();
    }
  });

  it('a remote worker announces itself by claiming, under its credential', async () => {
    expect((await postJson(h, '/v1/commands/submit', { kind: 'remote.announced', input: {} })).statusCode).toBe(400);
    const claim = await postJson(h, '/v1/queue/claim', { workerId: 'pool-7', taskTypes: ['remote.announced'], limit: 1 });
    expect(claim.statusCode).toBe(200);
    const me = (await h.app.inject({ url: '/v1/auth/me', headers: h.workerHeaders })).json() as { id: string };
    expect((await workers()).items.find((w) => w.workerId === 'pool-7')).toMatchObject({ transport: 'http', credential: me.id, taskTypes: ['remote.announced'], status: 'live' });
    expect((await postJson(h, '/v1/commands/submit', { kind: 'remote.announced', input: {} })).statusCode).toBe(201);
  });

  it('keeps the list from callers without control:read', async () => {
    expect((await h.app.inject({ url: '/v1/workers', headers: h.workerHeaders })).statusCode).toBe(403);
  });
});
