import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifactVersion } from '../../src/artifacts/artifact-versions.js';
import { localArtifactStore } from '../../src/artifacts/local-store.js';
import type { ArtifactStore } from '../../src/artifacts/store.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';
import { DEMO_QUESTION, startAgentWorker, type AgentWorker } from './harness.js';

/**
 * The memory in the answer, end to end (POST /api/ask, a worker running the agents, the report):
 * the first answer has no past; asking again shows the first incident as a similar past
 * incident and the recurrence; feedback marks the fix verified and the next answer, the report
 * and the run output say so, verified first.
 */
interface Answer {
  response: string;
  results: {
    incident_id: string;
    similar_incidents: Array<{ id: string; similarity: number; rootCause: { type: string }; fix: { action: string | null; verified: boolean | null } }>;
    recurrence: { count: number; text: string } | null;
  };
  metadata: { run_id: string };
}

describe('similar past incidents in every answer', () => {
  let api: ApiHarness;
  let worker: AgentWorker;
  let dir: string;
  let store: ArtifactStore;
  beforeAll(async () => {
    api = await startApiHarness({ relay: true });
    dir = mkdtempSync(path.join(tmpdir(), 'syntra-memory-'));
    store = localArtifactStore(dir);
    worker = await startAgentWorker({ db: api.db, bus: api.bus, store });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (prompt: string): Promise<Answer> => {
    const res = await api.app.inject({ method: 'POST', url: '/api/ask', payload: { prompt } });
    expect(res.statusCode).toBe(200);
    return res.json() as Answer;
  };
  const report = async (runId: string) => new TextDecoder().decode((await readArtifactVersion(api.db, store, { runId, name: 'report.md' })).body);

  it('shows the first incident in the second answer, and a verified fix after feedback', async () => {
    const first = await ask(DEMO_QUESTION);
    expect(first.results.similar_incidents).toEqual([]);
    expect(first.results.recurrence).toBeNull();
    expect(await report(first.metadata.run_id)).not.toMatch(/Similar past incidents/);

    const second = await ask('why does auth-service keep restarting in production?');
    expect(second.results.incident_id).toBe(first.results.incident_id);
    expect(second.results.similar_incidents[0]).toMatchObject({ id: first.results.incident_id, similarity: 1, rootCause: { type: 'service_no_endpoints' }, fix: { verified: null } });
    expect(second.results.recurrence).toMatchObject({ count: 2, text: expect.stringMatching(/^2nd time in 7 days; no fix recorded/) });
    expect(second.response).toMatch(/Recurring: 2nd time in 7 days/);
    expect(second.response).toMatch(/Similar past incident: 100% similar/);
    const md = await report(second.metadata.run_id);
    expect(md).toMatch(/## Recurrence\n\n2nd time in 7 days/);
    expect(md).toMatch(new RegExp(`## Similar past incidents\\n\\n- \`${first.results.incident_id}\` 100% similar`));

    const fb = await api.app.inject({
      method: 'POST',
      url: `/v1/incidents/${first.results.incident_id}/feedback`,
      payload: { remediation_applied: 'scaled deployment/postgres to 1', verified: true },
    });
    expect(fb.statusCode).toBe(201);

    const third = await ask(DEMO_QUESTION);
    expect(third.results.similar_incidents[0]).toMatchObject({ id: first.results.incident_id, fix: { action: 'scaled deployment/postgres to 1', verified: true } });
    expect(third.results.recurrence?.text).toBe('3rd time in 7 days; last fixed by scaled deployment/postgres to 1 — verified');
    expect(third.response).toMatch(/fix: scaled deployment\/postgres to 1 — verified/);
    expect(await report(third.metadata.run_id)).toMatch(/last fixed by scaled deployment\/postgres to 1 — verified/);
  });
});
