import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { MCP_TOOLS } from '../../src/integrations/mcp/index.js';
import { createTestKey } from '../access/admin-key.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';

/**
 * `POST /mcp`: the SDK's own client over streamable HTTP against a listening API with the
 * agents running — authenticated by an API key or a Bearer access token, the stdio server's
 * tools plus resources for runs and incidents, and a key of another namespace that sees none of
 * production's runs or incidents, by tool or by resource.
 */
type ToolAnswer = { isError?: boolean; content: Array<{ type: string; text: string }> };
const text = (r: unknown) => (r as ToolAnswer).content[0]!.text;

describe('MCP over streamable HTTP (POST /mcp)', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  let base: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask'] });
    base = await api.listen();
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-mcp-http-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await worker?.stop();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function connect(headers: Record<string, string>): Promise<Client> {
    const client = new Client({ name: 'syntra-http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  let productionRun = '';
  let productionIncident = '';

  it('serves the tool table and the resources to an API key', async () => {
    const { apiKey } = await createTestKey(api.db, { roles: ['developer'], type: 'live' });
    const client = await connect({ 'x-api-key': apiKey });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(MCP_TOOLS.map((t) => t.toolName).sort());
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_incidents', 'similar_incidents']));
    expect(tools.find((t) => t.name === 'similar_incidents')!.inputSchema).toMatchObject({ required: ['id'], properties: { limit: { type: 'integer', maximum: 10 } } });

    const answered = await client.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION } });
    expect((answered as ToolAnswer).isError).toBeFalsy();
    const body = JSON.parse(text(answered)) as { response: string; metadata: { run_id: string; status: string }; results: { incident_id: string } };
    expect(body.metadata.status).toBe('succeeded');
    expect(body.response).toMatch(/postgres/);
    productionRun = body.metadata.run_id;
    productionIncident = body.results.incident_id;

    const incidents = JSON.parse(text(await client.callTool({ name: 'list_incidents', arguments: { namespace: 'production' } }))) as { items: Array<{ id: string }> };
    expect(incidents.items.map((i) => i.id)).toContain(productionIncident);
    const similar = await client.callTool({ name: 'similar_incidents', arguments: { id: productionIncident, limit: 3 } });
    expect((similar as ToolAnswer).isError).toBeFalsy();
    expect(JSON.parse(text(similar))).toEqual({ items: expect.any(Array) });

    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['syntra://incidents/{id}', 'syntra://runs/{id}']);
    const listed = await client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(expect.arrayContaining([`syntra://runs/${productionRun}`, `syntra://incidents/${productionIncident}`]));
    const run = await client.readResource({ uri: `syntra://runs/${productionRun}` });
    expect(run.contents[0]).toMatchObject({ uri: `syntra://runs/${productionRun}`, mimeType: 'application/json' });
    expect(JSON.parse((run.contents[0] as { text: string }).text)).toMatchObject({ run: { id: productionRun, status: 'succeeded' } });
    const incident = await client.readResource({ uri: `syntra://incidents/${productionIncident}` });
    expect(JSON.parse((incident.contents[0] as { text: string }).text)).toMatchObject({ id: productionIncident, namespace: 'production', rootCauseType: 'service_no_endpoints' });

    const diagnosed = await client.callTool({ name: 'diagnose', arguments: { source: 'demo', namespace: 'production', resource: 'deployment/auth-service' } });
    expect(JSON.parse(text(diagnosed))).toMatchObject({ root_cause: { type: 'service_no_endpoints' } });
  });

  it('accepts a Bearer access token from a login', async () => {
    const email = `mcp-${Math.random().toString(36).slice(2)}@example.test`;
    await createTestKey(api.db, { email, roles: ['viewer'], type: 'live' });
    const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'test-password-not-secret' }) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const client = await connect({ authorization: `Bearer ${accessToken}` });
    const run = JSON.parse(text(await client.callTool({ name: 'get_run', arguments: { runId: productionRun } }))) as { run: { id: string } };
    expect(run.run.id).toBe(productionRun);
    // A viewer: reading yes, asking no — the permission of the route the tool calls.
    const refused = (await client.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION, wait: false } })) as ToolAnswer;
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toMatch(/^forbidden: .*runs:write/);
  });

  it("keeps a key of another namespace out of production's runs and incidents", async () => {
    const { apiKey } = await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging'] });
    const staging = await connect({ authorization: `Bearer ${apiKey}` });
    expect(JSON.parse(text(await staging.callTool({ name: 'list_incidents', arguments: {} })))).toMatchObject({ items: [] });
    const run = (await staging.callTool({ name: 'get_run', arguments: { runId: productionRun } })) as ToolAnswer;
    expect(run.isError).toBe(true);
    expect(run.content[0]!.text).toMatch(/^not_found: /);
    const similar = (await staging.callTool({ name: 'similar_incidents', arguments: { id: productionIncident } })) as ToolAnswer;
    expect(similar.content[0]!.text).toMatch(/^not_found: /);
    const outside = (await staging.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION, namespace: 'production', wait: false } })) as ToolAnswer;
    expect(outside.content[0]!.text).toMatch(/namespace "production" is outside/);
    // The server-side diagnose reads with the server's identity: only inside the key's namespaces.
    const diagnose = (await staging.callTool({ name: 'diagnose', arguments: { source: 'demo', namespace: 'production' } })) as ToolAnswer;
    expect(diagnose.isError).toBe(true);
    expect(diagnose.content[0]!.text).toMatch(/^forbidden: this credential may diagnose only in its namespaces \(staging\)/);
    const listed = await staging.listResources();
    expect(listed.resources).toEqual([]);
    await expect(staging.readResource({ uri: `syntra://incidents/${productionIncident}` })).rejects.toThrow(/does not exist/);
  });

  it('spends one request of the key\'s budget per tool call: the API call the tool makes, not the POST /mcp that carries it', async () => {
    const { apiKey } = await createTestKey(api.db, { roles: ['viewer'], type: 'live' });
    const remaining = async () => Number((await fetch(`${base}/v1/incidents`, { headers: { 'x-api-key': apiKey } })).headers.get('x-ratelimit-remaining'));
    const client = await connect({ 'x-api-key': apiKey });
    const before = await remaining();
    await client.callTool({ name: 'list_incidents', arguments: {} });
    await client.callTool({ name: 'list_incidents', arguments: {} });
    // Two tool calls, then the probe itself: three requests.
    expect(before - (await remaining())).toBe(3);
  });

  it('answers the stream a client asks for in the background (GET /mcp) with 405, without spending the budget', async () => {
    const { apiKey } = await createTestKey(api.db, { roles: ['viewer'], type: 'live' });
    const remaining = async () => Number((await fetch(`${base}/v1/incidents`, { headers: { 'x-api-key': apiKey } })).headers.get('x-ratelimit-remaining'));
    const before = await remaining();
    const get = await fetch(`${base}/mcp`, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(before - (await remaining())).toBe(1);
  });

  it('refuses a credential the API refuses, and GET (stateless endpoint)', async () => {
    // (The harness adds its admin key to requests without any, so the refusal shown is of a forged key.)
    const forged = { 'x-api-key': `sk_live_${'A'.repeat(40)}` };
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const refused = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...forged, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    const client = new Client({ name: 'forged', version: '1' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: forged } }))).rejects.toThrow(/invalid_credentials/);
    const { apiKey } = await createTestKey(api.db, { roles: ['viewer'], type: 'live' });
    const get = await fetch(`${base}/mcp`, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});
