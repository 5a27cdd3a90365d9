import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { createAccess, type Access, type AccessOptions } from '../../src/access/access.js';
import { createApiKey } from '../../src/access/api-keys.js';
import type { KeyType } from '../../src/access/permissions.js';
import { assertNamespaceVisible } from '../../src/access/principal.js';
import { createUser, type User } from '../../src/access/users.js';
import type { Database } from '../../src/db/database.js';
import { authenticationPlugin, requirePrincipal } from '../../src/api/plugins/auth.js';
import { errorHandlingPlugin } from '../../src/api/plugins/errors.js';
import { auditRoutes } from '../../src/api/routes/audit.js';
import { authRoutes } from '../../src/api/routes/auth.js';
import { keyRoutes } from '../../src/api/routes/keys.js';
import { rateLimitRoutes } from '../../src/api/routes/rate-limit.js';
import { userRoutes } from '../../src/api/routes/users.js';
import { ErrorResponse } from '../../src/api/schemas.js';
import { validatorCompiler } from '../../src/api/validation.js';

/**
 * A small app with the access plugin, the access routes and a few stand-in routes that
 * declare permissions the way the control-plane routes do. Not a mock: real plugin, real DB.
 */
export interface FakeClock {
  now: number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2030, 0, 1, 12, 0, 0)): FakeClock {
  const c = { now: start, advance: (ms: number) => void (c.now += ms) };
  return c;
}

export interface AccessTestApp {
  app: FastifyInstance;
  access: Access;
  routes: RouteOptions[];
}

export async function buildAccessTestApp(db: Database, options: AccessOptions = {}): Promise<AccessTestApp> {
  const access = createAccess(db, { cookie: { secure: true }, ...options });
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => void routes.push(r));
  await app.register(errorHandlingPlugin);
  app.addSchema(ErrorResponse);
  await app.register(authenticationPlugin, { access });
  for (const plugin of [authRoutes, keyRoutes, userRoutes, auditRoutes, rateLimitRoutes]) await app.register(plugin, { access });

  const cfg = (c: object) => c as never;
  // Stand-ins for control-plane routes: one per kind of declaration.
  app.get('/t/public', { config: cfg({ public: true }) }, async () => ({ ok: true }));
  app.get('/t/runs/:namespace/:id', { config: cfg({ permission: 'runs:read' }) }, async (request) => {
    const { namespace, id } = request.params as { namespace: string; id: string };
    assertNamespaceVisible(request.principal, namespace, 'run');
    return { id, namespace };
  });
  app.post('/t/runs', { config: cfg({ permission: 'runs:write' }) }, async (request) => ({ by: requirePrincipal(request).id }));
  app.post('/t/control', { config: cfg({ permission: 'control:write' }) }, async () => ({ ok: true }));
  app.post('/t/queue/claim', { config: cfg({ permission: 'queue:work' }) }, async () => ({ items: [] }));
  app.get('/t/kubernetes/exec', { config: cfg({ permission: 'kubernetes:write' }) }, async () => ({ ok: true }));
  app.get('/t/undeclared', async () => ({ leaked: true }));
  await app.ready();
  return { app, access, routes };
}

export interface Identity {
  user: User;
  password: string;
}

export async function seedUser(db: Database, email: string, roles: string[], namespaces: string[] | null = null): Promise<Identity> {
  const password = `pw-${email}-correct-horse`;
  const user = await createUser(db, { email, password, roles, namespaces });
  return { user, password };
}

export async function seedKey(
  db: Database,
  ownerId: string,
  type: KeyType,
  extra: { namespaces?: string[] | null; expiresAt?: Date; rateLimit?: { perMinute?: number; perHour?: number }; permissions?: string[] } = {},
): Promise<{ id: string; secret: string }> {
  const { key, secret } = await createApiKey(db, { ownerId, name: `${type} key`, type, ...extra });
  return { id: key.id, secret };
}

export const withKey = (secret: string) => ({ 'x-api-key': secret });
export const withBearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function refreshCookieOf(res: { cookies: { name: string; value: string }[] }, name = 'syntra_refresh'): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error('no refresh cookie in response');
  return c.value;
}
