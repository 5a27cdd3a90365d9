import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, appendAudit } from '../../access/audit.js';
import { addCluster, CLUSTER_NAME, listClusters, NewCluster, removeCluster, type Cluster } from '../../clusters/index.js';
import type { ApiContext } from '../context.js';
import { requirePrincipal } from '../plugins/auth.js';
import { errors, Timestamp } from '../schemas.js';

/**
 * The clusters registry: GET /v1/clusters (kubernetes:read), POST /v1/clusters and
 * DELETE /v1/clusters/:name (control:write, tenant-wide, audited). A run names one in
 * `cluster`; keys are limited to `cluster/namespace` scopes there.
 */
const ClusterOut = Type.Object({
  name: Type.String(),
  context: Type.Union([Type.String(), Type.Null()]),
  inCluster: Type.Boolean(),
  createdAt: Timestamp,
  createdBy: Type.Union([Type.String(), Type.Null()]),
});
const out = (c: Cluster) => ({ ...c, createdAt: c.createdAt.toISOString() });

export const clusterRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, ctx) => {
  app.get(
    '/v1/clusters',
    {
      config: { permission: 'kubernetes:read' },
      schema: { tags: ['clusters'], summary: 'The registered clusters (the default cluster, the workers\' current kubeconfig context, is not listed)', response: { 200: Type.Object({ items: Type.Array(ClusterOut) }) } },
    },
    async () => ({ items: (await listClusters(ctx.db)).map(out) }),
  );

  app.post(
    '/v1/clusters',
    {
      config: { permission: 'control:write', tenantWide: true },
      schema: { tags: ['clusters'], summary: 'Register a cluster: a context of the workers\' kubeconfig, or in-cluster', body: NewCluster, response: { 201: ClusterOut, ...errors(400, 403, 409) } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const cluster = await addCluster(ctx.db, request.body, `${principal.type}:${principal.id}`);
      request.auditRecorded = true;
      await appendAudit(ctx.db, { ...actorOf(principal), action: 'clusters.add', result: 'ok', target: cluster.name, namespace: null, ip: request.ip, details: { context: cluster.context, inCluster: cluster.inCluster } });
      return reply.status(201).send(out(cluster));
    },
  );

  app.delete(
    '/v1/clusters/:name',
    {
      config: { permission: 'control:write', tenantWide: true },
      schema: { tags: ['clusters'], summary: 'Remove a cluster from the registry (its runs stay readable)', params: Type.Object({ name: Type.String({ pattern: CLUSTER_NAME }) }, { additionalProperties: false }), response: { 204: Type.Null(), ...errors(400, 403, 404) } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      await removeCluster(ctx.db, request.params.name);
      request.auditRecorded = true;
      await appendAudit(ctx.db, { ...actorOf(principal), action: 'clusters.remove', result: 'ok', target: request.params.name, namespace: null, ip: request.ip, details: {} });
      return reply.status(204).send(null);
    },
  );
};
