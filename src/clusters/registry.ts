import { Type, type Static } from '@sinclair/typebox';
import type { Queryable } from '../db/database.js';
import { toDate } from '../db/sql-values.js';
import { SyntraError } from '../domain/errors.js';

/**
 * The clusters registry: named clusters the workers can read — a context of their kubeconfig
 * (never a file path from the API: the workers' own KUBECONFIG holds the credentials) or the
 * in-cluster service account. The default cluster (no name) is the workers' current context.
 */
export const CLUSTER_NAME = '^[a-z][a-z0-9-]{0,62}$';

export const NewCluster = Type.Object(
  {
    name: Type.String({ pattern: CLUSTER_NAME, description: 'lower-case name, e.g. prod-eu' }),
    context: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: "a context of the workers' kubeconfig" })),
    inCluster: Type.Optional(Type.Boolean({ description: 'the service account of the pod the workers run in' })),
  },
  { additionalProperties: false },
);
export type NewCluster = Static<typeof NewCluster>;

export interface Cluster {
  name: string;
  context: string | null;
  inCluster: boolean;
  createdAt: Date;
  createdBy: string | null;
}

const COLUMNS = 'name, context, in_cluster, created_at, created_by';
const toCluster = (r: Record<string, unknown>): Cluster => ({
  name: String(r.name),
  context: (r.context as string | null) ?? null,
  inCluster: Boolean(r.in_cluster),
  createdAt: toDate(r.created_at),
  createdBy: (r.created_by as string | null) ?? null,
});

export async function addCluster(db: Queryable, c: NewCluster, createdBy: string | null): Promise<Cluster> {
  if ((c.context === undefined) === (c.inCluster !== true)) {
    throw new SyntraError('validation_failed', `cluster ${c.name}: give either context (a context of the workers' kubeconfig) or inCluster: true`, {
      details: { fields: [{ field: 'body.context', problem: 'exactly one of context and inCluster' }] },
    });
  }
  // `default` names the workers' own default cluster where clusters are listed (SYNTRA_WATCH_CLUSTERS).
  if (c.name === 'default') {
    throw new SyntraError('validation_failed', 'cluster name "default" is reserved for the default cluster (the workers\' current context): choose another name', {
      details: { fields: [{ field: 'body.name', problem: 'is reserved' }] },
    });
  }
  const res = await db.query(
    `INSERT INTO clusters (name, context, in_cluster, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    [c.name, c.context ?? null, c.inCluster === true, createdBy],
  );
  if (!res.rows[0]) throw new SyntraError('conflict', `cluster ${c.name} is already registered: remove it first to change it`);
  return toCluster(res.rows[0]);
}

export async function listClusters(db: Queryable): Promise<Cluster[]> {
  return (await db.query(`SELECT ${COLUMNS} FROM clusters ORDER BY name`)).rows.map(toCluster);
}

export async function getCluster(db: Queryable, name: string): Promise<Cluster | null> {
  const res = await db.query(`SELECT ${COLUMNS} FROM clusters WHERE name = $1`, [name]);
  return res.rows[0] ? toCluster(res.rows[0]) : null;
}

/** The registered cluster, or a 400 naming the ones there are. */
export async function requireCluster(db: Queryable, name: string): Promise<Cluster> {
  const found = await getCluster(db, name);
  if (found) return found;
  const names = (await listClusters(db)).map((c) => c.name);
  throw new SyntraError('validation_failed', `cluster "${name}" is not registered (${names.length ? `registered: ${names.join(', ')}` : 'none are'}; add it with syntra clusters add)`, {
    details: { fields: [{ field: 'body.cluster', problem: 'is not a registered cluster' }] },
  });
}

export async function removeCluster(db: Queryable, name: string): Promise<void> {
  const res = await db.query(`DELETE FROM clusters WHERE name = $1 RETURNING name`, [name]);
  if (!res.rows[0]) throw new SyntraError('not_found', `cluster ${name} is not registered`);
}
