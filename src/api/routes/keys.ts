import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKey } from '../../access/api-keys.js';
import { KEY_TYPES, PERMISSIONS } from '../../access/permissions.js';
import { createKey, listKeys, revokeKey, rotateKey } from '../operations/keys.js';
import { Uuid, errors } from '../schemas.js';
import { Namespaces, type AccessRouteOptions } from './users.js';

const KeyType = Type.Union(KEY_TYPES.map((t) => Type.Literal(t)), {
  description: 'live: full access within its permissions; test: read-only; admin: also keys and users; worker: the queue protocol only (remote workers)',
});
const PermissionName = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
const Timestamp = Type.String({ format: 'date-time' });
const MaybeTimestamp = Type.Union([Timestamp, Type.Null()]);
const RateLimitOverride = Type.Object(
  { perMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), perHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })) },
  { additionalProperties: false },
);

export const KeyView = Type.Object({
  id: Uuid,
  ownerId: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'first characters, for recognising a key; never enough to use it' }),
  type: KeyType,
  permissions: Type.Array(PermissionName),
  namespaces: Namespaces,
  rateLimit: RateLimitOverride,
  expiresAt: MaybeTimestamp,
  lastUsedAt: MaybeTimestamp,
  revokedAt: MaybeTimestamp,
  rotatedFrom: Type.Union([Uuid, Type.Null()]),
  graceUntil: MaybeTimestamp,
  createdAt: Timestamp,
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const keyView = (k: ApiKey) => ({
  id: k.id,
  ownerId: k.ownerId,
  name: k.name,
  prefix: k.prefix,
  type: k.type,
  permissions: k.permissions,
  namespaces: k.namespaces,
  rateLimit: k.rateLimit,
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  rotatedFrom: k.rotatedFrom,
  graceUntil: iso(k.graceUntil),
  createdAt: k.createdAt.toISOString(),
});

const Secret = Type.String({ description: 'the whole key — shown once, store it now' });

export const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: KeyType,
    ownerId: Type.Optional(Uuid),
    permissions: Type.Optional(Type.Array(PermissionName, { maxItems: PERMISSIONS.length })),
    namespaces: Type.Optional(Namespaces),
    expiresAt: Type.Optional(Timestamp),
    rateLimit: Type.Optional(RateLimitOverride),
  },
  { additionalProperties: false },
);

const KeyIdParams = Type.Object({ keyId: Uuid }, { additionalProperties: false });
export const RotateBody = Type.Object(
  { graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 24 * 3600, description: 'how long the old key keeps working' })) },
  { additionalProperties: false },
);

/** /v1/keys — API keys: create (secret shown once), list, rotate with a grace period, revoke. */
export const keyRoutes: FastifyPluginAsyncTypebox<AccessRouteOptions> = async (app, { access }) => {
  app.post(
    '/v1/keys',
    {
      config: { permission: 'keys:manage', tenantWide: true },
      schema: {
        tags: ['access'],
        summary: 'Create an API key (the secret is in this response only)',
        body: CreateBody,
        response: { 201: Type.Object({ secret: Secret, key: KeyView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { key, secret } = await createKey(access, request, request.body);
      return reply.status(201).send({ secret, key: keyView(key) });
    },
  );

  app.get(
    '/v1/keys',
    {
      config: { permission: 'keys:manage', tenantWide: true },
      schema: {
        tags: ['access'],
        summary: 'List API keys (never their secrets)',
        querystring: Type.Object(
          { ownerId: Type.Optional(Uuid), includeRevoked: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(KeyView) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => ({ items: (await listKeys(access, request.query)).map(keyView) }),
  );

  app.post(
    '/v1/keys/:keyId/rotate',
    {
      config: { permission: 'keys:manage', tenantWide: true },
      schema: {
        tags: ['access'],
        summary: 'Issue a replacement key; the old one keeps working for the grace period',
        params: KeyIdParams,
        body: RotateBody,
        response: { 201: Type.Object({ secret: Secret, key: KeyView, previous: KeyView }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const rotated = await rotateKey(access, request, request.params.keyId, request.body?.graceSeconds);
      return reply.status(201).send({ secret: rotated.secret, key: keyView(rotated.key), previous: keyView(rotated.previous) });
    },
  );

  app.post(
    '/v1/keys/:keyId/revoke',
    {
      config: { permission: 'keys:manage', tenantWide: true },
      schema: { tags: ['access'], summary: 'Revoke an API key at once', params: KeyIdParams, response: { 200: Type.Object({ key: KeyView }), ...errors(400, 401, 403, 404) } },
    },
    async (request) => ({ key: keyView(await revokeKey(access, request, request.params.keyId)) }),
  );
};
