import type { Principal } from '../access/principal.js';

/**
 * Namespace isolation per cluster. A principal's scopes are `namespace` (the default cluster,
 * as before clusters existed) or `cluster/namespace`. Kubernetes names never hold a `/`, so the
 * scope of a resource is one string: `namespace` in the default cluster, `cluster/namespace` in
 * another — and every namespace rule of the access layer applies to a cluster through the view
 * of the principal in that cluster.
 */
export const scopeOf = (cluster: string | null, namespace: string | null): string | null =>
  namespace === null ? null : cluster === null ? namespace : `${cluster}/${namespace}`;

/** The SQL expression of a row's scope (columns `cluster`, `namespace`), for `… = ANY($n)` filters. */
export const SCOPE_SQL = `(coalesce(cluster || '/', '') || namespace)`;

/**
 * The principal as seen from one cluster: its namespaces there, prefix stripped (plain scopes
 * for the default cluster). An unrestricted principal stays unrestricted.
 */
export function principalInCluster(principal: Principal, cluster: string | null): Principal;
export function principalInCluster(principal: Principal | null, cluster: string | null): Principal | null;
export function principalInCluster(principal: Principal | null, cluster: string | null): Principal | null {
  if (!principal || principal.namespaces === null) return principal;
  return { ...principal, namespaces: namespacesInCluster(principal.namespaces, cluster) };
}

/** The namespaces of one cluster among scopes (`namespace` for the default cluster, `cluster/namespace`). */
export function namespacesInCluster(scopes: readonly string[], cluster: string | null): string[] {
  return cluster === null ? scopes.filter((s) => !s.includes('/')) : scopes.filter((s) => s.startsWith(`${cluster}/`)).map((s) => s.slice(cluster.length + 1));
}
