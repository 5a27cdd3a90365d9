import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { createTestKey } from '../access/admin-key.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from './harness.js';

/**
 * The Syntra-compatible interface through the real app (auth on) with a worker running the
 * agents on the same database and bus: POST /api/ask answers the demo question with the root
 * cause; health, agents and tools; incidents with namespace isolation.
 */
describe('POST /api/ask and the incident routes', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-api-ask-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the demo question with the root cause', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', payload: { prompt: DEMO_QUESTION } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { response: string; agent_used: string; results: { diagnosis: { root_cause: { type: string; summary: string } }; incident_id: string }; metadata: Record<string, unknown> };
    expect(body.agent_used).toBe('incident_analyst');
    expect(body.response).toMatch(/postgres/);
    expect(body.results.diagnosis.root_cause.type).toBe('service_no_endpoints');
    expect(body.metadata).toMatchObject({ incident_type: 'service_no_endpoints', status: 'succeeded', control_version: 0, method: 'rule_based' });
    expect(Number(body.metadata.confidence)).toBeGreaterThanOrEqual(0.7);

    const incidents = await api.app.inject({ method: 'GET', url: '/v1/incidents?namespace=production' });
    expect(incidents.statusCode).toBe(200);
    const items = (incidents.json() as { items: Array<{ id: string; rootCauseType: string; occurrences: number }> }).items;
    expect(items).toEqual([expect.objectContaining({ id: body.results.incident_id, rootCauseType: 'service_no_endpoints', occurrences: 1 })]);
    const one = await api.app.inject({ method: 'GET', url: `/v1/incidents/${body.results.incident_id}` });
    expect(one.statusCode).toBe(200);
    expect((one.json() as { runIds: string[] }).runIds).toEqual([body.metadata.run_id]);
  });

  it('answers required_info and hint for an ambiguous question', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', payload: { prompt: 'why is auth-service crashing?' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ agent_used: 'planner', required_info: ['namespace'], hint: expect.stringMatching(/staging/) });
  });

  it('rejects unknown fields and hides other namespaces', async () => {
    const bad = await api.app.inject({ method: 'POST', url: '/api/ask', payload: { prompt: 'x', path: '/etc/passwd' } });
    expect(bad.statusCode).toBe(400);

    const staging = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging'] });
    const list = await api.app.inject({ method: 'GET', url: '/v1/incidents', headers: staging.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: unknown[] }).items).toEqual([]);
    const all = (await api.app.inject({ method: 'GET', url: '/v1/incidents' })).json() as { items: Array<{ id: string }> };
    const hidden = await api.app.inject({ method: 'GET', url: `/v1/incidents/${all.items[0]!.id}`, headers: staging.headers });
    expect(hidden.statusCode).toBe(404);
    const asked = await api.app.inject({ method: 'POST', url: '/api/ask', headers: staging.headers, payload: { prompt: DEMO_QUESTION, namespace: 'production' } });
    expect(asked.statusCode).toBe(403);
  });

  it('describes health, agents and tools', async () => {
    const health = await api.app.inject({ method: 'GET', url: '/api/health', headers: {} });
    expect(health.json()).toMatchObject({ status: 'healthy' });
    const agents = (await api.app.inject({ method: 'GET', url: '/api/agents' })).json() as { agents: Array<{ name: string; taskType: string; mode: string }> };
    expect(agents.agents.map((a) => a.taskType)).toEqual(['ask', 'collect_evidence', 'analyze', 'review', 'report']);
    expect(agents.agents.find((a) => a.name === 'incident_analyst')?.mode).toBe('rules-only');
    const tools = (await api.app.inject({ method: 'GET', url: '/api/tools' })).json() as { tools: Array<{ name: string; readOnly: boolean }> };
    expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['get_resource', 'get_logs', 'get_events', 'get_related_resources', 'list_pods']));
    expect(tools.tools.every((t) => t.readOnly)).toBe(true);
  });
});
