import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../../access/access.js';
import { ROLES } from '../../access/permissions.js';
import { createUser, listUsers, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, updateUser, type User } from '../../access/users.js';
import { SyntraError } from '../../domain/errors.js';
import { auditRequest, requirePrincipal } from '../plugins/auth.js';
import { Uuid, errors } from '../schemas.js';

export interface AccessRouteOptions {
  access: Access;
}

export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const Namespaces = Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 200 }), Type.Null()], {
  description: 'namespaces this identity may touch; null = all',
});

export const UserView = Type.Object({
  id: Uuid,
  email: Type.String(),
  roles: Type.Array(RoleName),
  namespaces: Namespaces,
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  createdAt: Type.String({ format: 'date-time' }),
  passwordChangedAt: Type.String({ format: 'date-time' }),
});

export const userView = (u: User) => ({
  id: u.id,
  email: u.email,
  roles: u.roles,
  namespaces: u.namespaces,
  status: u.status,
  createdAt: u.createdAt.toISOString(),
  passwordChangedAt: u.passwordChangedAt.toISOString(),
});

const CreateBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
    roles: Type.Array(RoleName, { minItems: 1, maxItems: 4 }),
    namespaces: Type.Optional(Namespaces),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    roles: Type.Optional(Type.Array(RoleName, { minItems: 1, maxItems: 4 })),
    namespaces: Type.Optional(Namespaces),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

const UserIdParams = Type.Object({ userId: Uuid }, { additionalProperties: false });

/** /v1/users — people who can log in, their roles and namespaces; users:manage only. */
export const userRoutes: FastifyPluginAsyncTypebox<AccessRouteOptions> = async (app, { access }) => {
  app.post(
    '/v1/users',
    {
      config: { permission: 'users:manage', tenantWide: true },
      schema: { tags: ['access'], summary: 'Create a user', body: CreateBody, response: { 201: Type.Object({ user: UserView }), ...errors(400, 401, 403, 409) } },
    },
    async (request, reply) => {
      const user = await createUser(access.db, request.body);
      await auditRequest(access, request, { action: 'user.create', result: 'ok', target: user.id, details: { email: user.email, roles: user.roles } });
      return reply.status(201).send({ user: userView(user) });
    },
  );

  app.get(
    '/v1/users',
    {
      config: { permission: 'users:manage', tenantWide: true },
      schema: {
        tags: ['access'],
        summary: 'List users',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(UserView), nextCursor: Type.Union([Uuid, Type.Null()]) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const users = await listUsers(access.db, { limit: limit + 1, ...(request.query.cursor ? { after: request.query.cursor } : {}) });
      const page = users.slice(0, limit);
      return { items: page.map(userView), nextCursor: users.length > limit ? page[page.length - 1]!.id : null };
    },
  );

  app.patch(
    '/v1/users/:userId',
    {
      config: { permission: 'users:manage', tenantWide: true },
      schema: {
        tags: ['access'],
        summary: 'Change roles, namespaces or status (suspend / reactivate)',
        params: UserIdParams,
        body: UpdateBody,
        response: { 200: Type.Object({ user: UserView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { userId } = request.params;
      // Nobody locks themselves out: the last way back in would be the database.
      if (userId === principal.userId && (request.body.status === 'suspended' || (request.body.roles && !request.body.roles.includes('admin')))) {
        throw new SyntraError('conflict', 'you cannot suspend yourself or drop your own admin role');
      }
      const user = await updateUser(access.db, userId, request.body);
      if (user.status === 'suspended') await access.sessions.endAll(user.id);
      await auditRequest(access, request, {
        action: request.body.status === 'suspended' ? 'user.suspend' : 'user.update',
        result: 'ok',
        target: user.id,
        details: { ...request.body },
      });
      return { user: userView(user) };
    },
  );
};
