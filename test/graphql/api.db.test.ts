import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestKey } from '../access/admin-key.js';
import { codes, collect, gql, startGraphQLServer, wsClient, type GraphQLServer } from './client.js';

/**
 * The GraphQL API through a real GraphQL-over-HTTP client (fetch) and a real graphql-ws client,
 * on this backend's database: same service functions as REST (same results, same audit), the
 * isolation table (another namespace, a read-only key, no credential, a bad credential), the
 * same validation codes, depth/cost limits, no introspection unless enabled, subscriptions.
 */
let s: GraphQLServer;
let admin: Record<string, string>;
let teamA: Record<string, string>;
let readOnly: Record<string, string>;

const SUBMIT = 'mutation($i: SubmitInput!) { submit(input: $i) { runId status created } }';
const RUN = 'query($id: String!) { run(id: $id) { run { id status namespace output error } events } }';

async function submit(namespace: string, headers = admin): Promise<string> {
  const r = await gql(s.url, SUBMIT, { i: { kind: 'echo', input: { n: 1 }, namespace } }, headers);
  expect(r.errors).toBeUndefined();
  return r.data!.submit.runId as string;
}

beforeAll(async () => {
  s = await startGraphQLServer();
  admin = (await createTestKey(s.db)).headers;
  teamA = (await createTestKey(s.db, { roles: ['operator'], type: 'live', namespaces: ['team-a'] })).headers;
  readOnly = (await createTestKey(s.db, { roles: ['admin'], type: 'test' })).headers;
});
afterAll(async () => s.close());

describe('queries and mutations over HTTP', () => {
  it('submits and reads a run exactly as the REST routes do', async () => {
    const runId = await submit('team-a');
    const viaGraphQL = await gql(s.url, RUN, { id: runId }, admin);
    const viaRest = (await (await fetch(s.url.replace('/graphql', `/v1/runs/${runId}`), { headers: admin })).json()) as { run: { id: string; status: string }; events: unknown[] };
    expect(viaGraphQL.data!.run.run).toEqual({ id: runId, status: viaRest.run.status, namespace: 'team-a', output: null, error: null });
    expect(viaGraphQL.data!.run.events).toEqual(JSON.parse(JSON.stringify(viaRest.events)));
    const list = await gql(s.url, '{ runs(limit: 1) { items { id } nextCursor } }', {}, admin);
    expect(list.data!.runs.items).toEqual([{ id: runId }]);
    const usage = await gql(s.url, '{ rateLimit { subject windows { window limit used remaining } } }', {}, admin);
    expect((usage.data!.rateLimit.windows as { window: string }[]).map((w) => w.window)).toEqual(['minute', 'hour']);
  });

  it('keeps namespaces apart: another namespace’s run is null plus not_found, never data', async () => {
    const other = await submit('team-b');
    const mine = await submit('team-a', teamA);
    const r = await gql(s.url, RUN, { id: other }, teamA);
    expect(r.data!.run).toBeNull();
    expect(codes(r)).toEqual(['not_found']);
    const list = await gql(s.url, '{ runs(limit: 100) { items { id namespace } } }', {}, teamA);
    const namespaces = new Set((list.data!.runs.items as { namespace: string }[]).map((x) => x.namespace));
    expect([...namespaces]).toEqual(['team-a']);
    expect((list.data!.runs.items as { id: string }[]).map((x) => x.id)).toContain(mine);
    const cancel = await gql(s.url, 'mutation($id: String!) { cancelRun(runId: $id) { status } }', { id: other }, teamA);
    expect(codes(cancel)).toEqual(['not_found']);
    expect((await gql(s.url, RUN, { id: other }, admin)).data!.run.run.status).toBe('queued');
    const foreignSubmit = await gql(s.url, SUBMIT, { i: { kind: 'echo', input: {}, namespace: 'team-b' } }, teamA);
    expect(codes(foreignSubmit)).toEqual(['forbidden']);
  });

  it('applies the REST permission table per field: read-only keys, tenant-wide fields, no or bad credentials', async () => {
    const cases: Array<[string, Record<string, string>, string, Record<string, unknown>]> = [
      ['read_only_key', readOnly, SUBMIT, { i: { kind: 'echo', input: {} } }],
      ['forbidden', teamA, '{ keys { items { id } } }', {}],
      ['forbidden', teamA, '{ users { items { id } } }', {}],
      ['forbidden', teamA, 'mutation { createKey(input: { name: "x", type: "live" }) { secret } }', {}],
      ['unauthenticated', {}, '{ runs { items { id } } }', {}],
      ['unauthenticated', {}, SUBMIT, { i: { kind: 'echo', input: {} } }],
      ['invalid_credentials', { 'x-api-key': 'sk_live_not-a-real-key' }, '{ me { email } }', {}],
    ];
    for (const [code, headers, query, variables] of cases) {
      const r = await gql(s.url, query, variables, headers);
      expect(codes(r), `${query} with ${JSON.stringify(headers)}`).toEqual([code]);
    }
    // Reads still work with a read-only key.
    expect((await gql(s.url, '{ runs { items { id } } }', {}, readOnly)).errors).toBeUndefined();
    const denied = await gql(s.url, '{ audit(action: "auth.denied", limit: 50) { events { target details } } }', {}, admin);
    expect((denied.data!.audit.events as { target: string }[]).map((e) => e.target)).toEqual(expect.arrayContaining(['graphql submit', 'graphql keys', 'graphql createKey']));
  });

  it('validates arguments with the REST schemas and answers their codes', async () => {
    const bad = await gql(s.url, SUBMIT, { i: { kind: 'has spaces', input: {} } }, admin);
    expect(codes(bad)).toEqual(['validation_failed']);
    expect(JSON.stringify(bad.errors![0]!.extensions!.details)).toContain('args.input.kind');
    const unknown = await gql(s.url, SUBMIT, { i: { kind: 'never-registered', input: {} } }, admin);
    expect(codes(unknown)).toEqual(['unknown_kind']);
    const wrongType = await gql(s.url, SUBMIT, { i: { kind: 1, input: {} } }, admin);
    expect(codes(wrongType)).toEqual(['validation_failed']);
  });

  it('creates, uses and revokes a key through the same service functions, audited', async () => {
    const created = await gql(s.url, 'mutation { createKey(input: { name: "ci", type: "live", namespaces: ["team-a"] }) { secret key { id prefix namespaces } } }', {}, admin);
    expect(created.errors).toBeUndefined();
    const { secret, key } = created.data!.createKey as { secret: string; key: { id: string; namespaces: string[] } };
    expect(key.namespaces).toEqual(['team-a']);
    expect((await gql(s.url, '{ me { namespaces } }', {}, { 'x-api-key': secret })).data!.me.namespaces).toEqual(['team-a']);
    const revoked = await gql(s.url, 'mutation($id: String!) { revokeKey(keyId: $id) { revokedAt } }', { id: key.id }, admin);
    expect(revoked.data!.revokeKey.revokedAt).toEqual(expect.any(String));
    expect(codes(await gql(s.url, '{ me { email } }', {}, { 'x-api-key': secret }))).toEqual(['credentials_revoked']);
    const trail = await gql(s.url, '{ audit(action: "key.*") { events { action target } } }', {}, admin);
    expect(trail.data!.audit.events).toEqual(expect.arrayContaining([{ action: 'key.create', target: key.id }, { action: 'key.revoke', target: key.id }]));
  });

  it('changes the control registry, shows history and a diff, and rolls back', async () => {
    const change = await gql(
      s.url,
      'mutation($i: RegisterSkillInput!) { registerSkill(input: $i) { version change { actor reason } } }',
      { i: { name: 'gql-skill', description: 'd', instructions: 'i', tools: [], reason: 'test via graphql' } },
      admin,
    );
    expect(change.errors).toBeUndefined();
    const version = change.data!.registerSkill.version as number;
    const diff = await gql(s.url, 'query($f: Int!, $t: Int!) { controlDiff(from: $f, to: $t) { entries { path change } } }', { f: version - 1, t: version }, admin);
    expect(diff.data!.controlDiff.entries).toEqual([{ path: 'skills.gql-skill', change: 'added' }]);
    const rollback = await gql(s.url, 'mutation($i: RollbackControlInput!) { rollbackControl(input: $i) { version snapshot { skills } } }', { i: { toVersion: version - 1, reason: 'undo' } }, admin);
    expect(rollback.errors).toBeUndefined();
    expect(rollback.data!.rollbackControl.snapshot.skills).not.toHaveProperty('gql-skill');
    const history = await gql(s.url, '{ controlHistory(limit: 2) { items { version reason } } }', {}, admin);
    expect((history.data!.controlHistory.items as { reason: string }[]).map((i) => i.reason)).toEqual(['undo', 'test via graphql']);
  });

  it('refuses queries beyond the cost and depth limits, and introspection unless enabled', async () => {
    const fields = 'id kind status namespace createdAt startedAt finishedAt input output error';
    const wide = `{ ${Array.from({ length: 6 }, (_, i) => `r${i}: runs(limit: 100) { items { ${fields} } }`).join(' ')} }`;
    const r = await gql(s.url, wide, {}, admin);
    expect(codes(r)).toContain('query_too_complex');
    expect(r.data ?? null).toBeNull();
    const deep = `{ run(id: "x") { run { a { b { c { d { e { f { g } } } } } } } } }`;
    expect(codes(await gql(s.url, deep, {}, admin))).toContain('query_too_complex');
    const intro = await gql(s.url, '{ __schema { types { name } } }', {}, admin);
    expect(codes(intro).length).toBeGreaterThan(0);
    expect(new Set(codes(intro))).toEqual(new Set(['validation_failed']));
    expect(intro.errors![0]!.message).toMatch(/introspection/i);
  });
});

describe('subscriptions over graphql-ws', () => {
  const EVENTS = 'subscription($id: String!, $after: Int) { runEvents(runId: $id, afterSeq: $after) }';

  it('streams a run’s ledger from a sequence number and completes when the run ends', async () => {
    const runId = await submit('team-a');
    const client = wsClient(s.wsUrl, admin);
    try {
      const stream = collect<{ seq: number; type: string }>(client, EVENTS, { id: runId, after: 1 });
      await gql(s.url, 'mutation($id: String!) { cancelRun(runId: $id, reason: "done") { status } }', { id: runId }, admin);
      const { items, errors } = await stream;
      expect(errors).toEqual([]);
      expect(items[0]!.seq).toBe(2);
      expect(items.map((e) => e.seq)).toEqual(items.map((_, i) => i + 2));
      expect(items.map((e) => e.type)).toContain('run.cancelled');
    } finally {
      await client.dispose();
    }
  });

  it('announces new runs and control changes live', async () => {
    const client = wsClient(s.wsUrl, teamA);
    try {
      const runs = collect<{ id: string; namespace: string }>(client, 'subscription { runUpdates { id status namespace } }', {}, (items) => items.length > 0);
      // Give the subscription its baseline before the run exists (it reports changes, not the past).
      await new Promise((r) => setTimeout(r, 300));
      await submit('team-b');
      const mine = await submit('team-a');
      const { items } = await runs;
      expect(items[0]).toMatchObject({ id: mine, namespace: 'team-a' });
      const changes = collect<{ entityName: string }>(client, 'subscription { controlChanges { version entityName reason } }', {}, (i) => i.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      await gql(s.url, 'mutation($i: RegisterSkillInput!) { registerSkill(input: $i) { version } }', { i: { name: 'live-skill', description: 'd', instructions: 'i', tools: [], reason: 'live' } }, admin);
      expect((await changes).items[0]!.entityName).toBe('live-skill');
    } finally {
      await client.dispose();
    }
  });

  it('applies the same isolation to subscriptions', async () => {
    const other = await submit('team-b');
    for (const [headers, code] of [
      [teamA, 'not_found'],
      [{}, 'unauthenticated'],
      [{ 'x-api-key': 'sk_live_bogus' }, 'invalid_credentials'],
    ] as const) {
      const client = wsClient(s.wsUrl, headers);
      try {
        const { items, errors } = await collect(client, EVENTS, { id: other });
        expect(items).toEqual([]);
        expect(errors.map((e) => e.extensions?.code)).toEqual([code]);
      } finally {
        await client.dispose();
      }
    }
    const viewer = wsClient(s.wsUrl, readOnly);
    try {
      // A read-only key may still follow: subscriptions only read.
      const changes = collect<{ entityName: string }>(viewer, 'subscription { controlChanges { entityName } }', {}, (i) => i.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      await gql(s.url, 'mutation($i: RegisterSkillInput!) { registerSkill(input: $i) { version } }', { i: { name: 'seen-by-viewer', description: 'd', instructions: 'i', tools: [], reason: 'r' } }, admin);
      const { items, errors } = await changes;
      expect(errors).toEqual([]);
      expect(items[0]!.entityName).toBe('seen-by-viewer');
    } finally {
      await viewer.dispose();
    }
  });
});
