import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import type { RunDetail } from '../../src/control-plane/types.js';
import { createTestKey } from '../access/admin-key.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from './harness.js';

/**
 * An investigation reads only what its caller may read, on every path: a key limited to staging
 * never gets production's pods, logs or evidence — not through POST /v1/commands/submit, not
 * through /api/ask, not by submitting a pipeline step directly — and is told why (403), rather
 * than answered from staging as if it had asked about staging.
 */
let api: ApiHarness;
let worker: AgentWorker;
let dir: string;
let staging: Record<string, string>;
let stagingNoCluster: Record<string, string>;

beforeAll(async () => {
  api = await startApiHarness({ relay: true });
  dir = mkdtempSync(path.join(tmpdir(), 'syntra-ns-isolation-'));
  worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
  staging = (await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging'] })).headers;
  // The reported key: limited to staging, runs:read and runs:write only.
  const owner = await createTestKey(api.db, { roles: ['developer'], namespaces: ['staging'], type: 'live' });
  const { secret } = await createApiKey(api.db, { ownerId: owner.userId, name: 'runs only', type: 'live', permissions: ['runs:read', 'runs:write'], namespaces: ['staging'] });
  stagingNoCluster = { 'x-api-key': secret };
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (headers: Record<string, string>, body: unknown) =>
  api.app.inject({ method: 'POST', url: '/v1/commands/submit', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

async function finished(runId: string, headers: Record<string, string>): Promise<RunDetail> {
  for (let i = 0; i < 400; i++) {
    const detail = (await api.app.inject({ url: `/v1/runs/${runId}`, headers })).json() as RunDetail;
    if (['succeeded', 'failed', 'cancelled'].includes(detail.run.status)) return detail;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

/** Everything a run recorded, as text: its output, error, every ledger event and artifact name. */
const everything = (d: RunDetail) => JSON.stringify(d);

describe('POST /v1/commands/submit {kind: "ask"}', () => {
  it('needs kubernetes:read: runs:write alone is 403', async () => {
    const res = await submit(stagingNoCluster, { kind: 'ask', input: { prompt: DEMO_QUESTION } });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(res.json().error.message).toMatch(/kubernetes:read/);
  });

  it('refuses an input naming a namespace the caller may not read (403, at once)', async () => {
    const res = await submit(staging, { kind: 'ask', input: { prompt: 'why is auth-service crashing?', namespace: 'production' } });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(res.json().error.message).toMatch(/production/);
  });

  it('fails a question about production asked from staging with the reason, having read nothing of production', async () => {
    const res = await submit(staging, { kind: 'ask', input: { prompt: DEMO_QUESTION } });
    expect(res.statusCode).toBe(201);
    const detail = await finished(res.json().runId, staging);
    expect(detail.run).toMatchObject({ status: 'failed', namespace: 'staging', error: { code: 'forbidden' } });
    expect((detail.run.error as { message: string }).message).toMatch(/namespace "production".*limited to namespace "staging"/);
    expect(detail.tasks.map((t) => t.taskType)).toEqual(['ask']);
    expect(detail.artifacts).toEqual([]);
    // Production's pods (auth-service-7d9f8b6c5d-…) and log lines never reach the run.
    expect(everything(detail)).not.toMatch(/auth-service-7d9f8b6c5d|\.production\.svc/);
  });

  it('refuses a pipeline step submitted directly with a plan for another namespace', async () => {
    const forged = {
      question: { prompt: 'x' },
      plan: { intent: 'namespace_overview', params: { namespace: 'production' }, steps: [{ agent: 'evidence_collector', task: 'collect_evidence', description: '' }, { agent: 'reporter', task: 'report', description: '' }], method: 'rule_based', notes: [] },
      controlVersion: 0,
      pass: 0,
    };
    const res = await submit(staging, { kind: 'collect_evidence', input: forged });
    expect(res.statusCode).toBe(201);
    const detail = await finished(res.json().runId, staging);
    expect(detail.run).toMatchObject({ status: 'failed', namespace: 'staging', error: { code: 'forbidden' } });
    expect(detail.artifacts).toEqual([]);
  });
});

describe('POST /api/ask', () => {
  it('answers a question about production from a staging key with 403 and the reason, not "no issue found" in staging', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', headers: staging, payload: { prompt: DEMO_QUESTION } });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(res.json().error.message).toMatch(/production/);
  });

  it('refuses namespace: production from a staging key with 403 naming it', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', headers: staging, payload: { prompt: 'why is auth-service crashing?', namespace: 'production' } });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(res.json().error.message).toMatch(/"production"/);
  });

  it('still answers the same key about its own namespace', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', headers: staging, payload: { prompt: 'why is auth-service crashing in staging?' } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { metadata: { run_id: string }; results: { plan: { params: { namespace: string } } } };
    expect(body.results.plan.params.namespace).toBe('staging');
    const detail = (await api.app.inject({ url: `/v1/runs/${body.metadata.run_id}`, headers: staging })).json() as RunDetail;
    expect(detail.run.namespace).toBe('staging');
  });
});
