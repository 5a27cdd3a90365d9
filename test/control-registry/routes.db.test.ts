import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { errorHandlingPlugin } from '../../src/api/plugins/errors.js';
import { controlRoutes } from '../../src/api/routes/control.js';
import { DEFAULT_ROUTING_RULES } from '../../src/control-plane/control-registry/index.js';
import { ErrorResponse } from '../../src/api/schemas.js';
import { validatorCompiler } from '../../src/api/validation.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The control routes through inject(), with the API's real validator and error handling. The
 * principal is set the way the auth plugin sets it (request.principal), from a test header.
 */
const principal = (id: string): Principal => ({
  type: 'user',
  id,
  userId: id,
  email: `${id}@example.test`,
  roles: ['operator'],
  permissions: ['control:read', 'control:write'],
  namespaces: null,
  keyType: null,
});

describe('control routes', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  const declared = new Map<string, string | undefined>();
  beforeAll(async () => {
    t = await createTestDatabase();
    const f = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
    f.setValidatorCompiler(validatorCompiler);
    await f.register(errorHandlingPlugin);
    f.addSchema(ErrorResponse);
    f.decorateRequest('principal', null);
    f.decorateRequest('auditRecorded', false);
    f.addHook('onRequest', async (request) => {
      const who = request.headers['x-test-user'];
      if (typeof who === 'string') request.principal = principal(who);
    });
    f.addHook('onRoute', (route) => {
      declared.set(`${String(route.method)} ${route.url}`, (route.config as { permission?: string } | undefined)?.permission);
    });
    await f.register(controlRoutes, { db: t.db });
    await f.ready();
    app = f;
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const post = (url: string, body: unknown, user?: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) },
      payload: JSON.stringify(body),
    });

  it('every route declares a control permission', () => {
    expect([...declared.values()].every((p) => p === 'control:read' || p === 'control:write')).toBe(true);
    for (const [method, url, permission] of [
      ['GET', '/v1/control/snapshot', 'control:read'],
      ['GET', '/v1/control/history', 'control:read'],
      ['POST', '/v1/control/prompts/activate', 'control:write'],
      ['POST', '/v1/control/skills/register', 'control:write'],
      ['POST', '/v1/control/tools/register', 'control:write'],
      ['POST', '/v1/control/routing-rules/update', 'control:write'],
      ['POST', '/v1/control/arbiters/update', 'control:write'],
      ['POST', '/v1/control/rollback', 'control:write'],
    ] as const) {
      expect(declared.get(`${method} ${url}`), `${method} ${url}`).toBe(permission);
    }
  });

  it('serves the built-in snapshot at version 0', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/control/snapshot' });
    expect(res.statusCode).toBe(200);
    const snap = res.json();
    expect(snap.version).toBe(0);
    expect(snap.arbiters.default.confidenceThreshold).toBe(0.7);
    expect(snap.tools.get_logs.parameters.properties.previous.type).toBe('boolean');
    expect(snap.prompts['analyst.request'].variables).toEqual(['question', 'rule_findings', 'evidence']);
  });

  it('records the principal as actor, the reason, and an audit event in the same transaction', async () => {
    const res = await post('/v1/control/arbiters/update', { confidenceThreshold: 0.85, reason: 'too many LLM calls' }, 'u-alice');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.version).toBe(1);
    expect(body.change).toMatchObject({ entityType: 'arbiter_policy', actor: 'u-alice', reason: 'too many LLM calls' });
    expect(body.snapshot.arbiters.default.confidenceThreshold).toBe(0.85);
    const audit = await t.db.query<{ actor_type: string; actor_id: string; action: string; target: string; details: { version: number; reason: string } }>(
      'SELECT actor_type, actor_id, action, target, details FROM audit_events',
    );
    expect(audit.rows).toEqual([
      {
        actor_type: 'user',
        actor_id: 'u-alice',
        action: 'control.arbiter_policy.upsert',
        target: 'default',
        details: { version: 1, reason: 'too many LLM calls' },
      },
    ]);
  });

  it('falls back to "anonymous" only when there is no principal', async () => {
    const res = await post('/v1/control/routing-rules/update', {
      rules: [{ match: { intent: 'diagnose_pod' }, target: { provider: 'ollama', model: 'llama3', params: { temperature: 0.1 } } }],
      reason: 'local model for pods',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().change.actor).toBe('anonymous');
    expect(res.json().snapshot.routingRules).toEqual([
      { match: { intent: 'diagnose_pod' }, target: { provider: 'ollama', model: 'llama3', params: { temperature: 0.1 } }, priority: 0 },
    ]);
  });

  it('rejects bodies strictly: unknown fields, no reason, out-of-range values, unapproved writes', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['/v1/control/arbiters/update', { maxModelSteps: 3, reason: 'r', extra: true }, /extra/],
      ['/v1/control/arbiters/update', { maxModelSteps: 3 }, /reason/],
      ['/v1/control/arbiters/update', { maxModelSteps: 3, reason: '' }, /reason/],
      ['/v1/control/arbiters/update', { confidenceThreshold: 2, reason: 'r' }, /confidenceThreshold/],
      ['/v1/control/arbiters/update', { writesRequireApproval: false, reason: 'r' }, /allowUnapprovedWrites/],
      ['/v1/control/skills/register', { name: 'x', description: 'd', instructions: 'i', tools: ['nope'], reason: 'r' }, /nope/],
      ['/v1/control/tools/register', { name: 'x', description: 'd', parameters: { type: 'object' }, readOnly: 'yes', reason: 'r' }, /readOnly/],
      ['/v1/control/routing-rules/update', { rules: [{ match: {}, target: { model: 'gpt-x' } }], reason: 'r' }, /provider/],
    ];
    for (const [url, body, message] of cases) {
      const res = await post(url, body, 'u-alice');
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.message).toMatch(message);
    }
    const snap = await app.inject({ method: 'GET', url: '/v1/control/snapshot' });
    expect(snap.json().version).toBe(2);
  });

  it('activates prompts, rolls back, and pages the history', async () => {
    const v3 = await post(
      '/v1/control/prompts/activate',
      { name: 'planner.system', version: 'v2', template: 'Plan tersely for {{user}}.', variables: ['user'], reason: 'shorter plans' },
      'u-bob',
    );
    expect(v3.statusCode).toBe(200);
    expect(v3.json().snapshot.prompts['planner.system'].version).toBe('v2');

    const missing = await post('/v1/control/rollback', { toVersion: 99, reason: 'oops' }, 'u-bob');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');

    const back = await post('/v1/control/rollback', { toVersion: 1, reason: 'routing made it worse' }, 'u-bob');
    expect(back.statusCode).toBe(200);
    expect(back.json().version).toBe(4);
    expect(back.json().snapshot.routingRules).toEqual(DEFAULT_ROUTING_RULES);
    expect(back.json().snapshot.prompts['planner.system'].version).toBe('builtin');

    const old = await app.inject({ method: 'GET', url: '/v1/control/snapshot?version=3' });
    expect(old.json().prompts['planner.system'].template).toBe('Plan tersely for {{user}}.');
    const none = await app.inject({ method: 'GET', url: '/v1/control/snapshot?version=42' });
    expect(none.statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/v1/control/snapshot?version=-1' });
    expect(bad.statusCode).toBe(400);

    const page1 = await app.inject({ method: 'GET', url: '/v1/control/history?limit=3' });
    expect(page1.json().items.map((c: { version: number }) => c.version)).toEqual([4, 3, 2]);
    const cursor = page1.json().nextCursor as string;
    const page2 = await app.inject({ method: 'GET', url: `/v1/control/history?limit=3&cursor=${cursor}` });
    expect(page2.json()).toMatchObject({ items: [{ version: 1, actor: 'u-alice' }], nextCursor: null });
    const prompts = await app.inject({ method: 'GET', url: '/v1/control/history?entityType=prompt' });
    expect(prompts.json().items).toHaveLength(1);
    expect(prompts.json().items[0]).toMatchObject({ actor: 'u-bob', reason: 'shorter plans', payload: { prompt: { version: 'v2' } } });
  });
});
