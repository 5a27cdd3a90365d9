import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { summariseOldIncidents, upsertIncident } from '../../src/incidents/index.js';
import { createTestKey } from '../access/admin-key.js';
import { CASES, type CaseKey } from '../incidents/memory-fixtures.js';
import { json, startApiHarness, type ApiHarness } from './harness.js';

/**
 * The incident memory over HTTP: search, similar, recurring listing, feedback, resolve/reopen
 * and tags — input validated (4xx JSON errors, nothing changed), permissions (a viewer reads
 * but cannot give feedback), namespace isolation (another namespace's incident is a 404 and
 * never in a result), and every change audited.
 */
describe('incident memory API', () => {
  let h: ApiHarness;
  const ids = {} as Record<CaseKey, string>;
  let viewer: { 'x-api-key': string };
  let stagingOnly: { 'x-api-key': string };

  beforeAll(async () => {
    h = await startApiHarness();
    for (const key of Object.keys(CASES) as CaseKey[]) {
      const [namespace, workload, diagnosis] = CASES[key];
      const { runId } = await submitCommand(h.db, { kind: 'echo', input: {} });
      ids[key] = (await upsertIncident(h.db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis })).incident.id;
    }
    viewer = (await createTestKey(h.db, { roles: ['viewer'], type: 'live' })).headers;
    stagingOnly = (await createTestKey(h.db, { roles: ['operator'], type: 'live', namespaces: ['staging'] })).headers;
  });
  afterAll(async () => h?.close());

  const get = (url: string, headers?: Record<string, string>) => h.app.inject({ method: 'GET', url, ...(headers ? { headers } : {}) });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const j = json(body);
    return h.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': j['content-type'] }, payload: j.payload });
  };

  it('searches by words and similarity, within the caller\'s namespaces', async () => {
    const res = await get('/v1/incidents/search?q=connection%20refused%20postgres&limit=5');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { method: string; items: Array<{ id: string; similarity: number; textMatch: number; fix: { action: string } }> };
    expect(body.method).toBe('hybrid');
    expect(body.items.slice(0, 3).map((i) => i.id).sort()).toEqual([ids.pgProd, ids.pgStaging, ids.pgDev].sort());
    expect(body.items[0]!.fix.action).toMatch(/kubectl scale/);
    const scoped = (await get('/v1/incidents/search?q=connection%20refused%20postgres', stagingOnly)).json() as { items: Array<{ id: string }> };
    expect(scoped.items.map((i) => i.id)).toEqual([ids.pgStaging]);
    const filtered = (await get(`/v1/incidents/search?q=memory&root_cause_type=oom_killed&namespace=staging`)).json() as { items: Array<{ id: string }> };
    expect(filtered.items.map((i) => i.id)).toEqual([ids.oomStaging]);
  });

  it('refuses bad search input with a 400 JSON error', async () => {
    for (const url of ['/v1/incidents/search', '/v1/incidents/search?q=', '/v1/incidents/search?q=x&limit=0', '/v1/incidents/search?q=x&since=yesterday', '/v1/incidents/search?q=x&tag=Not%20A%20Tag', '/v1/incidents/search?q=x&bogus=1']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    const noWords = await get('/v1/incidents/search?q=why%20is%20the%20pod');
    expect(noWords.statusCode).toBe(400);
    expect(noWords.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.stringMatching(/no searchable words/) } });
  });

  it('lists similar incidents of one, isolated by namespace', async () => {
    const res = (await get(`/v1/incidents/${ids.pgStaging}/similar`)).json() as { items: Array<{ id: string }> };
    expect(res.items.slice(0, 2).map((i) => i.id).sort()).toEqual([ids.pgProd, ids.pgDev].sort());
    expect((await get(`/v1/incidents/${ids.pgStaging}/similar`, stagingOnly)).json()).toEqual({ items: [] });
    expect((await get(`/v1/incidents/${ids.pgProd}/similar`, stagingOnly)).statusCode).toBe(404);
  });

  it('takes feedback: validated, permission-checked, namespace-isolated, audited, and it reorders similar incidents', async () => {
    const url = `/v1/incidents/${ids.pgDev}/feedback`;
    for (const bad of [{}, { verified: 'yes' }, { note: '' }, { extra: 1 }, { note: 'x'.repeat(2001) }]) {
      const res = await post(url, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: expect.any(String) } });
    }
    expect((await post(url, { verified: true }, viewer)).statusCode).toBe(403);
    expect((await post(url, { verified: true }, stagingOnly)).statusCode).toBe(404);
    expect((await post('/v1/incidents/not-a-uuid/feedback', { verified: true })).statusCode).toBe(400);
    expect((await get(`/v1/incidents/${ids.pgDev}`)).json()).toMatchObject({ remediationVerified: null, feedback: [] });

    const res = await post(url, { remediation_applied: 'scaled statefulset/postgres to 1', verified: true, root_cause_correct: true, note: 'worked within a minute' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ incident: { id: ids.pgDev, remediationVerified: true, rootCauseCorrect: true, lastFix: 'scaled statefulset/postgres to 1' }, feedback: { verified: true, note: 'worked within a minute' } });
    const similar = (await get(`/v1/incidents/${ids.pgProd}/similar`)).json() as { items: Array<{ id: string; fix: { verified: boolean | null } }> };
    expect(similar.items[0]).toMatchObject({ id: ids.pgDev, fix: { verified: true } });

    const audit = (await get(`/v1/audit?action=incident.feedback`)).json() as { events: Array<{ target: string; result: string; details: Record<string, unknown> }> };
    expect(audit.events.find((e) => e.target === ids.pgDev)).toMatchObject({ result: 'ok', details: { verified: true, rootCauseCorrect: true } });
    const detail = (await get(`/v1/incidents/${ids.pgDev}`)).json() as { feedback: unknown[]; memory: { remediation: unknown } };
    expect(detail.feedback).toHaveLength(1);
    expect(detail.memory.remediation).toEqual({ action: 'scaled statefulset/postgres to 1', verified: true });
  });

  it('resolves, reopens and tags, audited; lists recurring incidents', async () => {
    const id = ids.imageProd;
    expect((await post(`/v1/incidents/${id}/resolve`, { note: 'tag fixed' })).json()).toMatchObject({ status: 'resolved' });
    expect((await post(`/v1/incidents/${id}/resolve`, {})).statusCode).toBe(409);
    expect((await post(`/v1/incidents/${id}/reopen`, null)).json()).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await post(`/v1/incidents/${id}/tags`, { add: ['registry'] })).json()).toMatchObject({ tags: ['image', 'registry'] });
    expect((await post(`/v1/incidents/${id}/tags`, { add: ['Bad Tag'] })).statusCode).toBe(400);
    expect((await post(`/v1/incidents/${id}/tags`, {})).statusCode).toBe(400);
    expect((await post(`/v1/incidents/${id}/tags`, { add: ['x'] }, viewer)).statusCode).toBe(403);
    const actions = (await get(`/v1/audit?target=${id}`)).json() as { events: Array<{ action: string }> };
    expect(actions.events.map((e) => e.action)).toEqual(expect.arrayContaining(['incident.resolve', 'incident.reopen', 'incident.tag']));
    expect((await get('/v1/incidents?tag=registry')).json()).toMatchObject({ items: [{ id }] });

    expect((await get('/v1/incidents?recurring=true')).json()).toMatchObject({ items: [] });
    const [namespace, workload, diagnosis] = CASES.pgStaging;
    const { runId } = await submitCommand(h.db, { kind: 'echo', input: {} });
    await upsertIncident(h.db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis });
    const recurring = (await get('/v1/incidents?recurring=true')).json() as { items: Array<{ id: string; recurrence: { count: number; text: string } }> };
    expect(recurring.items.map((i) => i.id)).toEqual([ids.pgStaging]);
    expect(recurring.items[0]!.recurrence).toMatchObject({ count: 2, text: expect.stringMatching(/^2nd time in 7 days/) });
    expect((await get('/v1/incidents?recurring=maybe')).statusCode).toBe(400);
  });

  it('shows an incident retention summarised: its counts and root cause, not dropped', async () => {
    expect((await get(`/v1/incidents/${ids.dnsStaging}`)).json()).toMatchObject({ summarised: null });
    await h.db.query(`UPDATE incidents SET last_seen = now() - interval '400 days' WHERE id = $1`, [ids.dnsStaging]);
    expect(await summariseOldIncidents(h.db, { olderThanDays: 365 })).toEqual({ summarised: 1 });
    const res = await get(`/v1/incidents/${ids.dnsStaging}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: ids.dnsStaging,
      rootCauseType: 'dns_resolution_failure',
      symptoms: [],
      summarised: { at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), counts: { runs: 1, feedback: 0, symptoms: 0, memoryTextChars: expect.any(Number) } },
    });
  });
});
