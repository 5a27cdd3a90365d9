import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../../access/access.js';
import { ROLES } from '../../access/permissions.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type User } from '../../access/users.js';
import { changeUser, inviteUser, usersPage } from '../operations/users.js';
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

export const CreateBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
    roles: Type.Array(RoleName, { minItems: 1, maxItems: 4 }),
    namespaces: Type.Optional(Namespaces),
  },
  { additionalProperties: false },
);

export const UpdateBody = Type.Object(
  {
    roles: Type.Optional(Type.Array(RoleName, { minItems: 1, maxItems: 4 })),
    namespaces: Type.Optional(Namespaces),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListQuery = Type.Object(
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
    async (request, reply) => reply.status(201).send({ user: userView(await inviteUser(access, request, request.body)) }),
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
      const page = await usersPage(access, request.query);
      return { items: page.items.map(userView), nextCursor: page.nextCursor };
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
    async (request) => ({ user: userView(await changeUser(access, request, request.params.userId, request.body)) }),
  );
};
