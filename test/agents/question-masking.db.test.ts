import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { startAgentWorker, type AgentWorker } from './harness.js';

/**
 * A secret pasted into a question is masked before the run is submitted: the stored command
 * input, the run and its tasks, the ledger, the event stream, the answer and the artifacts hold
 * only the mask — and no table of the database holds the secret at all.
 */
const GITHUB_TOKEN = 'ghp_R8tP4mN6bW3cJ1HxY2eKz9QvR8tP4mN6bW3c';
const PASSWORD = 'hunter2-X9!';
const QUESTION = `why is auth-service crashing in production? I set password=${PASSWORD} and the token ${GITHUB_TOKEN}`;

async function everyRow(api: ApiHarness): Promise<string> {
  const tables = await api.db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  const dumps: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await api.db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
    dumps.push(...rows.rows.map((r) => r.row));
  }
  return dumps.join('\n');
}

function everyFile(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

describe('the question is masked before the run is submitted', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-question-'));
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store: localArtifactStore(dir) });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectMasked = (text: string) => {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(GITHUB_TOKEN.slice(-8));
  };

  it('through POST /v1/commands/submit: run, events, stream and database', async () => {
    const submit = await api.app.inject({ method: 'POST', url: '/v1/commands/submit', payload: { kind: 'ask', input: { prompt: QUESTION }, metadata: { note: `password ${PASSWORD}` } } });
    expect(submit.statusCode).toBe(201);
    const { runId } = submit.json() as { runId: string };
    let detail = '';
    for (let i = 0; i < 400; i++) {
      const res = await api.app.inject({ method: 'GET', url: `/v1/runs/${runId}` });
      detail = res.body;
      if (/"status":"(succeeded|failed|cancelled)"/.test(JSON.stringify((res.json() as { run: unknown }).run))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(detail).toContain('[REDACTED:');
    expectMasked(detail);
    const stream = await api.app.inject({ method: 'GET', url: `/v1/runs/${runId}/events` });
    expect(stream.body).toContain('event: end');
    expectMasked(stream.body);
    expectMasked(await everyRow(api));
    expectMasked(everyFile(dir));
  });

  it('through POST /api/ask: the answer and everything stored', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', payload: { prompt: QUESTION, context: `DB_PASSWORD=${PASSWORD}` } });
    expect(res.statusCode).toBe(200);
    expectMasked(res.body);
    const runId = (res.json() as { metadata: { run_id: string } }).metadata.run_id;
    expectMasked((await api.app.inject({ method: 'GET', url: `/v1/runs/${runId}` })).body);
    expectMasked(await everyRow(api));
  });
});
