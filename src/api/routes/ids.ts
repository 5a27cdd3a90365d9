import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Permission } from '../../access/permissions.js';
import { ID_RESOURCES, resolveIdPrefix, type IdResource } from '../operations/id-prefix.js';
import type { ApiContext } from '../context.js';
import { errors, Uuid } from '../schemas.js';

/** Who may resolve a prefix: whoever may read that resource. */
const READ_PERMISSION: Record<IdResource, Permission> = {
  runs: 'runs:read',
  incidents: 'incident:read',
  actions: 'kubernetes:read',
  keys: 'keys:manage',
};

const PrefixParams = Type.Object(
  { prefix: Type.String({ minLength: 1, maxLength: 36, description: 'the start of the id (4 hex digits or more; dashes allowed)' }) },
  { additionalProperties: false },
);

/** GET /v1/ids/{resource}/{prefix} — the full id a unique prefix names (the CLI accepts abbreviated ids everywhere). */
export const idRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  for (const resource of Object.keys(ID_RESOURCES) as IdResource[]) {
    const { noun } = ID_RESOURCES[resource];
    app.get(
      `/v1/ids/${resource}/:prefix`,
      {
        config: { permission: READ_PERMISSION[resource], ...(resource === 'keys' ? { tenantWide: true } : {}) },
        schema: {
          tags: ['operations'],
          summary: `The full id of the ${noun} whose id starts with this prefix (409 when several do)`,
          params: PrefixParams,
          response: { 200: Type.Object({ id: Uuid }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => ({ id: await resolveIdPrefix(ctx.db, request.principal, resource, request.params.prefix) }),
    );
  }
};
