import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitCommand } from '../../src/control-plane/commands.js';
import { announceWorker } from '../../src/control-plane/workers.js';
import { upsertIncident } from '../../src/incidents/index.js';
import { createTestKey } from '../access/admin-key.js';
import { CASES } from '../incidents/memory-fixtures.js';
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

describe('incidents, system status and usage over HTTP', () => {
  /** An incident as a run's report step records it (the same store function). */
  async function record(key: 'pgProd' | 'pgStaging' | 'oomProd'): Promise<string> {
    const [namespace, workload, diagnosis] = CASES[key];
    const { runId } = await submitCommand(s.db, { kind: 'echo', input: {}, namespace });
    return (await upsertIncident(s.db, { runId, namespace, subject: { kind: 'Deployment', name: workload, namespace }, diagnosis })).incident.id;
  }
  const REST = (path: string, headers: Record<string, string>) => fetch(s.url.replace('/graphql', path), { headers }).then((r) => r.json() as Promise<Record<string, unknown>>);

  it('lists, searches, shows and changes incidents through the REST service functions, within the caller’s namespaces', async () => {
    const prod = await record('pgProd');
    const staging = await record('pgStaging');
    await record('pgProd'); // a second occurrence: recurring
    const list = await gql(s.url, '{ incidents(recurring: true) { items { id occurrences namespace } } }', {}, admin);
    expect(list.errors).toBeUndefined();
    expect(list.data!.incidents.items).toEqual([{ id: prod, occurrences: 2, namespace: 'production' }]);
    expect((await REST('/v1/incidents?recurring=true', admin)).items).toEqual([expect.objectContaining({ id: prod, occurrences: 2 })]);

    const found = await gql(s.url, '{ searchIncidents(q: "connection refused postgres") { method items { id similarity } } }', {}, admin);
    expect((found.data!.searchIncidents.items as { id: string }[]).map((i) => i.id)).toEqual(expect.arrayContaining([prod, staging]));
    const similar = await gql(s.url, 'query($id: String!) { similarIncidents(id: $id) { items { id } } }', { id: prod }, admin);
    const viaRest = (await REST(`/v1/incidents/${prod}/similar`, admin)).items as { id: string }[];
    expect(similar.data!.similarIncidents.items).toEqual(viaRest.map((i) => ({ id: i.id })));
    expect(viaRest.map((i) => i.id)).toContain(staging);

    const feedback = await gql(s.url, 'mutation($id: String!, $i: IncidentFeedbackInput!) { incidentFeedback(incidentId: $id, input: $i) { incident { rootCauseCorrect } feedback { verified } } }', { id: prod, i: { verified: true, root_cause_correct: true, remediation_applied: 'scaled postgres to 1' } }, admin);
    expect(feedback.data!.incidentFeedback).toEqual({ incident: { rootCauseCorrect: true }, feedback: { verified: true } });
    const resolved = await gql(s.url, 'mutation($id: String!) { resolveIncident(incidentId: $id, note: "fixed") { status } }', { id: prod }, admin);
    expect(resolved.data!.resolveIncident.status).toBe('resolved');
    const detail = await gql(s.url, 'query($id: String!) { incident(id: $id) { status runIds lastFix feedback { remediationApplied } } }', { id: prod }, admin);
    expect(detail.data!.incident).toMatchObject({ status: 'resolved', lastFix: 'scaled postgres to 1', feedback: [{ remediationApplied: 'scaled postgres to 1' }] });
    expect(detail.data!.incident.runIds).toHaveLength(2);
    const trail = await gql(s.url, '{ audit(action: "incident.*") { events { action target } } }', {}, admin);
    expect((trail.data!.audit.events as { target: string }[]).filter((e) => e.target === prod).length).toBeGreaterThanOrEqual(2);

    // Isolation: another namespace's incident is null plus not_found, never in a list or a search; a read-only key changes nothing.
    // One field a query: two non-null fields failing in one query null the whole result at the first error, and
    // whether the second's error is still collected depends on which resolver settles first.
    // incident is nullable (null in the data); similarIncidents is not (the whole data null).
    for (const [field, data] of [['incident(id: $id) { id }', { incident: null }], ['similarIncidents(id: $id) { items { id } }', null]] as const) {
      const foreign = await gql(s.url, `query($id: String!) { ${field} }`, { id: staging }, teamA);
      expect(foreign.data, field).toEqual(data);
      expect(codes(foreign), field).toEqual(['not_found']);
    }
    expect((await gql(s.url, '{ incidents { items { id } } searchIncidents(q: "postgres") { items { id } } }', {}, teamA)).data).toEqual({ incidents: { items: [] }, searchIncidents: { items: [] } });
    expect(codes(await gql(s.url, 'mutation($id: String!) { reopenIncident(incidentId: $id) { status } }', { id: prod }, readOnly))).toEqual(['read_only_key']);
    expect(codes(await gql(s.url, 'mutation($id: String!) { reopenIncident(incidentId: $id) { status } }', { id: staging }, teamA))).toEqual(['not_found']);
    expect(codes(await gql(s.url, '{ incidents { items { id } } }', {}, {}))).toEqual(['unauthenticated']);
    const empty = await gql(s.url, 'mutation($id: String!, $i: IncidentFeedbackInput!) { incidentFeedback(incidentId: $id, input: $i) { feedback { id } } }', { id: prod, i: {} }, admin);
    expect(codes(empty)).toEqual(['validation_failed']);
  });

  it('reports readiness, the queue by state, the version each worker loaded and every key’s usage', async () => {
    await announceWorker(s.db, { workerId: 'loaded-v7', transport: 'database', taskTypes: ['echo'], controlVersion: 7 });
    const r = await gql(s.url, '{ system { live readiness { status checks } queue { byState { state count } } } workers { items { workerId controlVersion } } }', {}, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data!.system.readiness).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', bus: 'ok' } });
    const byState = Object.fromEntries((r.data!.system.queue.byState as { state: string; count: number }[]).map((x) => [x.state, x.count]));
    expect(Object.keys(byState)).toEqual(['available', 'leased', 'done', 'dead', 'cancelled']);
    expect(byState.available).toBeGreaterThan(0); // the echo runs above: no worker here claims them
    expect(r.data!.workers.items).toEqual(expect.arrayContaining([{ workerId: 'loaded-v7', controlVersion: 7 }, { workerId: 'graphql-test', controlVersion: null }]));
    expect((await REST('/v1/workers', admin)).items).toEqual(expect.arrayContaining([expect.objectContaining({ workerId: 'loaded-v7', controlVersion: 7 })]));
    expect(codes(await gql(s.url, '{ system { live } }', {}, {}))).toEqual(['unauthenticated']);

    // A key's usage counts its requests, as the limiter that admits them does, without counting the look itself.
    const created = await gql(s.url, 'mutation { createKey(input: { name: "usage", type: "live", rateLimit: { perMinute: 40 } }) { secret key { id } } }', {}, admin);
    const { secret, key } = created.data!.createKey as { secret: string; key: { id: string } };
    for (let i = 0; i < 3; i++) await gql(s.url, '{ me { email } }', {}, { 'x-api-key': secret });
    const usage = async () => ((await gql(s.url, '{ keysUsage { items { keyId windows { window limit used } } } }', {}, admin)).data!.keysUsage.items as { keyId: string; windows: unknown[] }[]).find((u) => u.keyId === key.id);
    const first = await usage();
    expect(first!.windows[0]).toEqual({ window: 'minute', limit: 40, used: 3 });
    expect((await usage())!.windows[0]).toEqual({ window: 'minute', limit: 40, used: 3 });
    expect(codes(await gql(s.url, '{ keysUsage { items { keyId } } }', {}, teamA))).toEqual(['forbidden']);
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

  it('announces new and recurring incidents of the caller’s namespaces only', async () => {
    const client = wsClient(s.wsUrl, teamA);
    try {
      const seen = collect<{ namespace: string; occurrences: number }>(client, 'subscription { incidentUpdates { id namespace occurrences } }', {}, (items) => items.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      const [, , diagnosis] = CASES.pgStaging;
      for (const namespace of ['team-b', 'team-a']) {
        const { runId } = await submitCommand(s.db, { kind: 'echo', input: {}, namespace });
        await upsertIncident(s.db, { runId, namespace, subject: { kind: 'Deployment', name: 'api', namespace }, diagnosis });
      }
      const { items, errors } = await seen;
      expect(errors).toEqual([]);
      expect(items).toEqual([expect.objectContaining({ namespace: 'team-a', occurrences: 1 })]);
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
