import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixRange } from '../../src/api/operations/id-prefix.js';
import { createTestKey } from '../access/admin-key.js';
import { postJson, startApiHarness, type ApiHarness } from './harness.js';

/**
 * Abbreviated ids: GET /v1/ids/{resource}/{prefix} answers the one visible id a prefix names,
 * 409 with the candidates when several do, 404 when none (another namespace's ids included).
 */
let h: ApiHarness;
const runIds: string[] = [];

const resolve = (resource: string, prefix: string, headers?: Record<string, string>) =>
  h.app.inject({ method: 'GET', url: `/v1/ids/${resource}/${prefix}`, ...(headers ? { headers } : {}) });

beforeAll(async () => {
  h = await startApiHarness();
  // Made within milliseconds of each other: UUIDv7 ids that share their first 8 characters or more.
  for (let i = 0; i < 3; i++) {
    const res = await postJson(h, '/v1/commands/submit', { kind: 'echo', namespace: 'staging', input: { message: `run ${i}` } });
    expect(res.statusCode, res.body).toBe(201);
    runIds.push((res.json() as { runId: string }).runId);
  }
});
afterAll(async () => h?.close());

/** The shortest prefix of `id` no other of `ids` starts with. */
function uniquePrefix(id: string, ids: string[]): string {
  for (let n = 4; n <= 36; n++) if (ids.filter((x) => x.startsWith(id.slice(0, n))).length === 1) return id.slice(0, n);
  return id;
}

describe('GET /v1/ids/{resource}/{prefix}', () => {
  it('a unique prefix resolves to the full id; the full id resolves to itself', async () => {
    for (const id of runIds) {
      const short = await resolve('runs', uniquePrefix(id, runIds));
      expect(short.statusCode, short.body).toBe(200);
      expect(short.json()).toEqual({ id });
      expect((await resolve('runs', id)).json()).toEqual({ id });
    }
  });

  it('a prefix several runs share is a 409 naming them', async () => {
    // Ids made a few milliseconds apart share the first 8 hex digits of their timestamp (~65 s each);
    // three runs cross at most one such boundary, so the most common prefix is shared by two or more.
    const count = (p: string) => runIds.filter((id) => id.startsWith(p)).length;
    const shared = runIds.map((id) => id.slice(0, 8)).sort((a, b) => count(b) - count(a))[0]!;
    const matching = runIds.filter((id) => id.startsWith(shared));
    expect(matching.length).toBeGreaterThan(1);
    const res = await resolve('runs', shared);
    expect(res.statusCode).toBe(409);
    const body = res.json() as { error: { code: string; message: string; details: { candidates: string[] } } };
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain('ambiguous');
    expect(body.error.details.candidates.sort()).toEqual(matching.sort());
  });

  it('no match, or a run in a namespace the caller cannot see, is a 404; a non-hex prefix is a 400', async () => {
    expect((await resolve('runs', 'ffffffff')).statusCode).toBe(404);
    const prodOnly = await createTestKey(h.db, { roles: ['viewer'], type: 'live', namespaces: ['production'] });
    const hidden = await resolve('runs', runIds[0]!, prodOnly.headers);
    expect(hidden.statusCode).toBe(404);
    const bad = await resolve('runs', 'xyz!');
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { message: string } }).error.message).toMatch(/hex digits/);
  });

  it('keys, incidents and actions resolve the same way', async () => {
    const me = await h.app.inject({ method: 'GET', url: '/v1/keys' });
    const keyId = (me.json() as { items: Array<{ id: string }> }).items[0]!.id;
    const all = (me.json() as { items: Array<{ id: string }> }).items.map((k) => k.id);
    expect((await resolve('keys', uniquePrefix(keyId, all))).json()).toEqual({ id: keyId });
    expect((await resolve('incidents', 'abcd')).statusCode).toBe(404);
    expect((await resolve('actions', 'abcd')).statusCode).toBe(404);
  });
});

describe('prefixRange', () => {
  it('spans exactly the UUIDs that start with the prefix', () => {
    expect(prefixRange('01a241f8-3c')).toEqual(['01a241f8-3c00-0000-0000-000000000000', '01a241f8-3cff-ffff-ffff-ffffffffffff']);
  });
});
