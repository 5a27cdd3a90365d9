import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ApiClient } from '../../src/cli/client/http.js';
import { apiBackend, createMcpServer } from '../../src/integrations/mcp/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { createTestKey } from '../access/admin-key.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from '../agents/harness.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { SYNTRA_ARGV } from '../helpers/syntra-bin.js';

/**
 * `syntra mcp` as an MCP client starts it (a child process on stdio), driven by the SDK's own
 * client against a real API with the agents running: tools listed with their input schemas,
 * diagnose on the demo cluster, ask → the diagnosis, get_run and list_incidents, and the key's
 * permissions and namespaces applied (a viewer cannot ask; a staging key sees no production).
 */

type ToolAnswer = { isError?: boolean; content: Array<{ type: string; text: string }> };
const text = (r: unknown) => (r as ToolAnswer).content[0]!.text;

describe('syntra mcp', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  let base: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    api = await startApiHarness({ relay: true, kinds: ['ask'] });
    base = await api.listen();
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-mcp-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(path.join(dir, 'artifacts')) });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await worker?.stop();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function connect(apiKey: string): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...SYNTRA_ARGV, 'mcp'],
      // Only what the client passes: the endpoint, the key, an empty config dir.
      env: { PATH: process.env.PATH ?? '', SYNTRA_ENDPOINT: base, SYNTRA_API_KEY: apiKey, SYNTRA_CONFIG_DIR: path.join(dir, 'config'), SYNTRA_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'syntra-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  it('lists the tools and answers diagnose, ask, get_run and list_incidents', async () => {
    const { apiKey } = await createTestKey(api.db, { roles: ['developer'], type: 'live' });
    const client = await connect(apiKey);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'diagnose', 'get_incident', 'get_run', 'list_incidents', 'list_runs', 'similar_incidents']);
    const ask = tools.find((t) => t.name === 'ask')!;
    expect(ask.inputSchema).toMatchObject({ type: 'object', required: ['question'], properties: { question: { type: 'string', maxLength: 4000 }, wait: { type: 'boolean' } } });

    const diagnosed = await client.callTool({ name: 'diagnose', arguments: { source: 'demo', namespace: 'production', resource: 'deployment/auth-service' } });
    expect((diagnosed as ToolAnswer).isError).toBeFalsy();
    expect(JSON.parse(text(diagnosed))).toMatchObject({ root_cause: { type: 'service_no_endpoints' } });

    const answered = await client.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION } });
    const body = JSON.parse(text(answered)) as { response: string; metadata: { run_id: string; status: string }; results: { incident_id: string } };
    expect(body.metadata.status).toBe('succeeded');
    expect(body.response).toMatch(/postgres/);

    const run = JSON.parse(text(await client.callTool({ name: 'get_run', arguments: { runId: body.metadata.run_id } }))) as { run: { status: string; createdBy?: string } };
    expect(run.run.status).toBe('succeeded');
    const incidents = JSON.parse(text(await client.callTool({ name: 'list_incidents', arguments: { namespace: 'production' } }))) as { items: Array<{ id: string }> };
    expect(incidents.items.map((i) => i.id)).toContain(body.results.incident_id);
    // The resources, over stdio too.
    const resource = await client.readResource({ uri: `syntra://incidents/${body.results.incident_id}` });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ id: body.results.incident_id, namespace: 'production' });
    expect(JSON.parse(text(await client.callTool({ name: 'similar_incidents', arguments: { id: body.results.incident_id } })))).toEqual({ items: expect.any(Array) });
  });

  /** The same server in this process (the stdio path is covered above): one child process less per key. */
  async function connectInProcess(apiKey: string): Promise<Client> {
    const server = createMcpServer(apiBackend(new ApiClient(base, { kind: 'key', apiKey, source: 'env' })), 'test');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'syntra-test', version: '1.0.0' });
    await client.connect(clientSide);
    clients.push(client);
    return client;
  }

  it("applies the key's permissions and namespaces, and validates arguments", async () => {
    const viewer = await connectInProcess((await createTestKey(api.db, { roles: ['viewer'], type: 'live' })).apiKey);
    const refused = (await viewer.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION, wait: false } })) as ToolAnswer;
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toMatch(/^forbidden: permission denied: this needs the permission runs:write/);

    const staging = await connectInProcess((await createTestKey(api.db, { roles: ['developer'], type: 'live', namespaces: ['staging'] })).apiKey);
    const seen = JSON.parse(text(await staging.callTool({ name: 'list_incidents', arguments: {} }))) as { items: unknown[] };
    expect(seen.items).toEqual([]);
    expect((await staging.listResources()).resources).toEqual([]);
    const outside = (await staging.callTool({ name: 'ask', arguments: { question: DEMO_QUESTION, namespace: 'production', wait: false } })) as ToolAnswer;
    expect(outside.isError).toBe(true);
    expect(outside.content[0]!.text).toMatch(/namespace "production" is outside/);

    const bad = (await staging.callTool({ name: 'get_run', arguments: { runId: 'not-a-uuid' } })) as ToolAnswer;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/uuid/);
  });
});
