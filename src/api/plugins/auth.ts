import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Access } from '../../access/access.js';
import { resolveApiKey } from '../../access/api-keys.js';
import { actorOf, type AuditResult } from '../../access/audit.js';
import { isPermission, isWritePermission, SELF } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import type { RateLimitDecision } from '../../access/rate-limit.js';
import { SyntraError, isSyntraError } from '../../domain/errors.js';

/**
 * Authentication, authorization and rate limiting for every route of the app (fastify-plugin:
 * the hooks are not encapsulated). Per request, in onRequest — before any body is parsed:
 * 1. credentials: `X-API-Key: sk_…`, or `Authorization: Bearer <access token | sk_…>`;
 * 2. rate limit: per principal when credentials are valid, else per client IP;
 * 3. the route's declaration: `config.public`, or `config.permission` (a catalogue permission
 *    or `self` = any authenticated principal). `sk_test_` keys never reach a writing route;
 *    `config.tenantWide` routes (control registry writes, users, keys) refuse namespace-limited callers.
 * A route that declares nothing is refused (fail closed). Denials are audited; so is every
 * mutating request a route did not audit itself (queue:work traffic excepted: its effects are
 * in the run ledger and it would drown the trail).
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on public routes called without (valid) credentials. */
    principal: Principal | null;
    rateLimitDecision: RateLimitDecision | null;
    /** Set when a route appended its own audit event, so the generic one is skipped. */
    auditRecorded: boolean;
    /**
     * Why the credentials sent to a public route were refused (null when none were sent or they
     * were fine): routes that authorize per operation (GraphQL) report it.
     */
    authError: SyntraError | null;
  }
}

export interface AuthPluginOptions {
  access: Access;
}

interface RouteAccess {
  permission?: string;
  public?: boolean;
  tenantWide?: boolean;
  /**
   * An authenticated request is counted by the API calls it makes on the caller's behalf
   * (POST /mcp: each tool call is an in-process request with the same credential), not by itself,
   * so one tool call spends one request of the budget, not two.
   */
  countedByInnerCalls?: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const HOW_TO_AUTHENTICATE =
  'authentication required: send "X-API-Key: sk_…" (an API key) or "Authorization: Bearer <access token>" (from POST /v1/auth/login)';

export type Credential = { kind: 'key' | 'bearer'; value: string };

/** The credential in a set of headers (HTTP request, or a WebSocket's connection_init payload). */
export function readCredential(request: { headers: Record<string, string | string[] | undefined> }): Credential | null {
  const apiKey = request.headers['x-api-key'];
  const authorization = request.headers.authorization;
  if (Array.isArray(apiKey)) throw new SyntraError('invalid_credentials', 'send exactly one X-API-Key header');
  if (apiKey !== undefined && authorization !== undefined) {
    throw new SyntraError('invalid_credentials', 'send either X-API-Key or Authorization, not both');
  }
  if (apiKey !== undefined) return { kind: 'key', value: apiKey };
  if (authorization === undefined) return null;
  const match = typeof authorization === 'string' ? /^Bearer ([^\s]+)$/i.exec(authorization) : null;
  if (!match) throw new SyntraError('invalid_credentials', 'the Authorization header must be "Bearer <token>"');
  const value = match[1]!;
  return value.startsWith('sk_') ? { kind: 'key', value } : { kind: 'bearer', value };
}

/** The principal a credential stands for; throws the catalogue error when it is not valid. */
export async function principalOf(access: Access, credential: Credential): Promise<Principal> {
  return credential.kind === 'key' ? resolveApiKey(access.db, credential.value, access.clock) : access.sessions.resolveAccessToken(credential.value);
}

function routeTarget(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  const values = params ? Object.values(params).filter((v): v is string => typeof v === 'string') : [];
  return values.length ? values.join('/') : null;
}

export function auditOutcome(status: number): AuditResult {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 || status === 404 || status === 423 || status === 429 ? 'denied' : 'failed';
}

/**
 * Who an operation acts for, whatever the transport: a Fastify request is one (REST), and the
 * GraphQL layer builds one per operation. Services audit through it.
 */
export type Caller = Pick<FastifyRequest, 'principal' | 'ip' | 'log' | 'auditRecorded'>;

/** Appends an audit event for this request (or caller) and marks it audited. Audit failures are logged, never fatal. */
export async function auditRequest(
  access: Access,
  request: Caller,
  entry: { action: string; result: AuditResult; target?: string | null; namespace?: string | null; details?: Record<string, unknown>; principal?: Pick<Principal, 'type' | 'id'> | null },
): Promise<void> {
  request.auditRecorded = true;
  const actor = actorOf(entry.principal === undefined ? request.principal : entry.principal);
  await access
    .audit({ ...actor, action: entry.action, result: entry.result, target: entry.target ?? null, namespace: entry.namespace ?? null, ip: request.ip, details: entry.details ?? {} })
    .catch((e: unknown) => request.log.error({ err: e }, 'audit append failed'));
}

/** The authenticated principal of a non-public route (always set there by the hook). */
export function requirePrincipal(request: Pick<FastifyRequest, 'principal'>): Principal {
  if (!request.principal) throw new SyntraError('unauthenticated', HOW_TO_AUTHENTICATE);
  return request.principal;
}

function setRateLimitHeaders(reply: FastifyReply, d: RateLimitDecision, now: number): void {
  reply.header('x-ratelimit-limit', d.binding.limit);
  reply.header('x-ratelimit-remaining', d.binding.remaining);
  reply.header('x-ratelimit-reset', Math.max(0, Math.ceil((d.binding.resetAt - now) / 1000)));
  if (!d.allowed) reply.header('retry-after', d.retryAfterSeconds);
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { access } = options;
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('rateLimitDecision', null);
  app.decorateRequest('auditRecorded', false);
  app.decorateRequest('authError', null);

  // Fail early on typos: a declared permission must exist in the catalogue.
  app.addHook('onRoute', (route) => {
    const p = (route.config as RouteAccess | undefined)?.permission;
    if (p !== undefined && p !== SELF && !isPermission(p)) {
      throw new SyntraError('config_invalid', `${String(route.method)} ${route.url} declares unknown permission "${p}"`);
    }
  });

  const deny = async (request: FastifyRequest, error: SyntraError, principal: Principal | null, permission?: string): Promise<never> => {
    await auditRequest(access, request, {
      action: 'auth.denied',
      result: 'denied',
      principal,
      target: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
      details: { code: error.code, ...(permission ? { permission } : {}), ...(principal?.keyType ? { keyType: principal.keyType } : {}) },
    });
    throw error;
  };

  /**
   * Counts the request against its key's (or its address's) budget and refuses it over the limit.
   * False when the counters are unavailable on a public route: it then goes on, anonymous.
   */
  const applyRateLimit = async (request: FastifyRequest, reply: FastifyReply, principal: Principal | null, isPublic: boolean): Promise<boolean> => {
    let decision: RateLimitDecision;
    try {
      decision = await access.limiter.hit(principal, request.ip);
    } catch (e) {
      // Same for the shared counters: public routes fail open, everything else fails closed.
      if (!isPublic) throw e;
      request.log.warn({ err: e }, 'rate limiting unavailable on a public route');
      request.principal = principal;
      return false;
    }
    request.rateLimitDecision = decision;
    setRateLimitHeaders(reply, decision, access.clock());
    if (!decision.allowed) {
      const error = new SyntraError('rate_limited', `rate limit exceeded (${decision.binding.limit} requests per ${decision.binding.window}); retry in ${decision.retryAfterSeconds}s`, {
        details: { window: decision.binding.window, limit: decision.binding.limit, retryAfterSeconds: decision.retryAfterSeconds },
      });
      // Once per window, not once per rejected request: a flood must not flood the trail too.
      if (decision.binding.used === decision.binding.limit + 1) await deny(request, error, principal);
      throw error;
    }
    return true;
  };

  app.addHook('onRequest', async (request, reply) => {
    const config = (request.routeOptions.config ?? {}) as RouteAccess;
    // No matched route: the not-found handler answers; rate limiting still applies below.
    const matched = request.routeOptions.url !== undefined;
    const isPublic = config.public === true || !matched;

    let principal: Principal | null = null;
    let authError: SyntraError | null = null;
    try {
      const credential = readCredential(request);
      if (credential) principal = await principalOf(access, credential);
    } catch (e) {
      // Probes must answer while the database is down: on public routes, a failing lookup is anonymous.
      if (!isSyntraError(e) && !isPublic) throw e;
      authError = isSyntraError(e) ? e : null;
    }

    if (config.countedByInnerCalls === true && principal !== null) {
      request.principal = principal;
      return;
    }

    const counted = config.countedByInnerCalls !== true || principal === null;
    if (counted && !(await applyRateLimit(request, reply, principal, isPublic))) return;

    if (isPublic) {
      request.principal = principal;
      request.authError = authError;
      return;
    }
    if (authError) return deny(request, authError, null);
    if (!principal) return deny(request, new SyntraError('unauthenticated', HOW_TO_AUTHENTICATE), null);

    const permission = config.permission;
    if (permission === undefined) {
      return deny(request, new SyntraError('forbidden', 'this route declares no permission, so nobody may call it'), principal);
    }
    if (principal.keyType === 'test' && (!READ_METHODS.has(request.method) || isWritePermission(permission))) {
      return deny(request, new SyntraError('read_only_key', 'sk_test_ keys are read-only: use an sk_live_ key to change anything', { details: { permission } }), principal, permission);
    }
    if (permission !== SELF && !principal.permissions.includes(permission as Principal['permissions'][number])) {
      return deny(request, new SyntraError('forbidden', `missing permission ${permission}`, { details: { permission } }), principal, permission);
    }
    if (config.tenantWide && principal.namespaces !== null) {
      const scope = principal.namespaces.join(', ') || 'no namespaces';
      const error = new SyntraError('forbidden', `this changes or shows settings of every namespace; a caller limited to namespaces (${scope}) may not use it`, {
        details: { permission, namespaces: [...principal.namespaces] },
      });
      return deny(request, error, principal, permission);
    }
    request.principal = principal;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.auditRecorded || READ_METHODS.has(request.method) || !request.principal) return;
    const config = (request.routeOptions.config ?? {}) as RouteAccess;
    if (config.public === true || config.permission === 'queue:work') return;
    const body = request.body as { namespace?: unknown } | undefined;
    await auditRequest(access, request, {
      action: `http.${request.method.toLowerCase()} ${request.routeOptions.url ?? ''}`,
      result: auditOutcome(reply.statusCode),
      target: routeTarget(request),
      namespace: typeof body?.namespace === 'string' ? body.namespace : null,
      details: { status: reply.statusCode },
    });
  });
}

export const authenticationPlugin = fp(authPlugin, { name: 'syntra-auth', fastify: '5.x' });
