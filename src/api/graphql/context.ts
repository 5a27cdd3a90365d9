import type { FastifyBaseLogger } from 'fastify';
import type { Access } from '../../access/access.js';
import { isWritePermission, SELF, type RoutePermission } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import type { RateLimitDecision } from '../../access/rate-limit.js';
import { SyntraError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import { auditRequest, type Caller } from '../plugins/auth.js';

/**
 * What every resolver gets: the process's resources and who is calling. Authentication is the
 * same as REST (the access plugin resolves `X-API-Key` / `Authorization: Bearer` on the HTTP
 * request; a WebSocket sends the same headers in its connection_init payload); authorization is
 * per field, with the REST routes' rules: the permission, `sk_test_` keys never write, and
 * tenant-wide operations refuse namespace-limited callers. Denials are audited like REST ones.
 */
export interface GraphQLContext {
  api: ApiContext;
  access: Access;
  principal: Principal | null;
  /** Why the presented credentials were refused, reported by every field that needs a caller. */
  authError: SyntraError | null;
  ip: string;
  log: FastifyBaseLogger;
  rateLimitDecision: RateLimitDecision | null;
}

export interface Need {
  permission: RoutePermission;
  tenantWide?: boolean;
}

const HOW_TO_AUTHENTICATE =
  'authentication required: send "X-API-Key: sk_…" or "Authorization: Bearer <access token>" (HTTP headers, or the connection_init payload of a WebSocket)';

/** A fresh caller per operation, so each mutation is audited once. */
export function callerOf(ctx: GraphQLContext): Caller {
  return { principal: ctx.principal, ip: ctx.ip, log: ctx.log, auditRecorded: false };
}

async function deny(ctx: GraphQLContext, field: string, error: SyntraError, permission?: string): Promise<never> {
  await auditRequest(ctx.access, callerOf(ctx), {
    action: 'auth.denied',
    result: 'denied',
    principal: error.code === 'unauthenticated' || error.code.startsWith('credentials') || error.code === 'invalid_credentials' ? null : ctx.principal,
    target: `graphql ${field}`,
    details: { code: error.code, ...(permission ? { permission } : {}), ...(ctx.principal?.keyType ? { keyType: ctx.principal.keyType } : {}) },
  });
  throw error;
}

/** The principal allowed to use `field`, or the same error REST would answer with. */
export async function authorize(ctx: GraphQLContext, field: string, need: Need): Promise<Principal> {
  if (ctx.authError) return deny(ctx, field, ctx.authError);
  const principal = ctx.principal;
  if (!principal) return deny(ctx, field, new SyntraError('unauthenticated', HOW_TO_AUTHENTICATE));
  const { permission } = need;
  if (principal.keyType === 'test' && isWritePermission(permission)) {
    return deny(ctx, field, new SyntraError('read_only_key', 'sk_test_ keys are read-only: use an sk_live_ key to change anything', { details: { permission } }), permission);
  }
  if (permission !== SELF && !principal.permissions.includes(permission)) {
    return deny(ctx, field, new SyntraError('forbidden', `missing permission ${permission}`, { details: { permission } }), permission);
  }
  if (need.tenantWide && principal.namespaces !== null) {
    const scope = principal.namespaces.join(', ') || 'no namespaces';
    return deny(ctx, field, new SyntraError('forbidden', `this changes or shows settings of every namespace; a caller limited to namespaces (${scope}) may not use it`, { details: { permission, namespaces: [...principal.namespaces] } }), permission);
  }
  return principal;
}
