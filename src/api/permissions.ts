import type { FastifyInstance, RouteOptions } from 'fastify';
import { isPermission, SELF, type RoutePermission } from '../access/permissions.js';
import { SyntraError } from '../domain/errors.js';

/**
 * The authorization seam. Every route declares, in its `config`, either the permission a caller
 * needs (a name from the access catalogue, or `self`) or `public: true`. The access plugin reads
 * `request.routeOptions.config` per request; independently of it, a route that forgets to
 * declare makes the app fail at startup, so no route can slip through unguarded.
 */
// The permission names themselves live in the access catalogue (src/access/permissions.ts).
export type { RoutePermission } from '../access/permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a caller must be allowed to do to use this route. */
    permission?: RoutePermission;
    /** Open to anyone (probes, metrics, API documents). */
    public?: boolean;
    /**
     * The route acts on every namespace at once (the control registry, users, credentials):
     * only a principal not limited to namespaces may call it, whatever its permissions.
     */
    tenantWide?: boolean;
  }
}

export interface RouteDeclaration {
  method: string;
  url: string;
  permission: RoutePermission | undefined;
  public: boolean;
}

function describe(route: RouteOptions): RouteDeclaration {
  const config = (route.config ?? {}) as { permission?: RoutePermission; public?: boolean };
  return {
    method: Array.isArray(route.method) ? route.method.join(',') : String(route.method),
    url: route.url,
    permission: config.permission,
    public: config.public === true,
  };
}

/** Why a declaration is unacceptable, or undefined when it is fine. */
export function declarationProblem(d: RouteDeclaration): string | undefined {
  if (d.public && d.permission !== undefined) return 'declares both public and a permission';
  if (!d.public && d.permission === undefined) return 'declares neither config.permission nor config.public';
  if (d.permission !== undefined && d.permission !== SELF && !isPermission(d.permission)) return `names an unknown permission "${d.permission}"`;
  return undefined;
}

/**
 * Collects every route as it is added and checks the declarations when the app becomes ready.
 * Checking at onReady (not in onRoute) lets encapsulated plugins — e.g. the docs UI, whose routes
 * come from a third-party plugin — mark their routes public in their own onRoute hook first.
 */
export function enforceRouteDeclarations(app: FastifyInstance): { routes: () => RouteDeclaration[] } {
  const added: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    added.push(route);
  });
  app.addHook('onReady', async () => {
    const problems = added
      .map(describe)
      .map((d) => ({ d, problem: declarationProblem(d) }))
      .filter((p) => p.problem !== undefined)
      .map((p) => `${p.d.method} ${p.d.url} ${p.problem}`);
    if (problems.length > 0) {
      throw new SyntraError('config_invalid', `routes without an authorization declaration: ${problems.join('; ')}`);
    }
  });
  return { routes: () => added.map(describe) };
}

/** For route plugins that come from third parties: marks every route they add as public. */
export function markRoutesPublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });
}
