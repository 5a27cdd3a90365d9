import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Access } from '../../access/access.js';
import { KEY_TYPES } from '../../access/permissions.js';
import type { IssuedSession } from '../../access/sessions.js';
import { authenticatePassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, setPassword, verifyPassword, type User } from '../../access/users.js';
import { SyntraError, isSyntraError } from '../../domain/errors.js';
import { auditRequest, requirePrincipal } from '../plugins/auth.js';
import { errors } from '../schemas.js';
import { Namespaces, UserView, userView, type AccessRouteOptions } from './users.js';

const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) },
  { additionalProperties: false },
);
const PasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    newPassword: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
const SessionResponse = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserView,
});
export const Me = Type.Object({
  type: Type.Union([Type.Literal('user'), Type.Literal('key')]),
  id: Type.String(),
  userId: Type.String(),
  email: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  namespaces: Namespaces,
  keyType: Type.Union([...KEY_TYPES.map((t) => Type.Literal(t)), Type.Null()]),
});

function retryAfter(reply: FastifyReply, e: unknown): void {
  const seconds = isSyntraError(e) ? (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
  if (seconds) reply.header('retry-after', seconds);
}

function sendSession(access: Access, reply: FastifyReply, session: IssuedSession, user: User) {
  reply.setCookie(access.cookie.name, session.refreshToken, {
    httpOnly: true,
    secure: access.cookie.secure,
    sameSite: 'strict',
    path: access.cookie.path,
    expires: session.refreshExpiresAt,
  });
  return { accessToken: session.accessToken, tokenType: 'Bearer' as const, expiresAt: session.accessExpiresAt.toISOString(), user: userView(user) };
}

const clearCookie = (access: Access, reply: FastifyReply): void => {
  reply.clearCookie(access.cookie.name, { path: access.cookie.path, httpOnly: true, secure: access.cookie.secure, sameSite: 'strict' });
};

/** Sessions for people: login, refresh (cookie), logout, who am I, change password. */
export const authRoutes: FastifyPluginAsyncTypebox<AccessRouteOptions> = async (app, { access }) => {
  app.post(
    '/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['access'],
        summary: 'Log in with email and password: an access token, and the refresh token as an HTTP-only cookie',
        security: [],
        body: LoginBody,
        response: { 200: SessionResponse, ...errors(400, 401, 423, 429) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const target = email.trim().toLowerCase();
      try {
        await access.loginThrottle.check(email, request.ip);
      } catch (e) {
        retryAfter(reply, e);
        await auditRequest(access, request, { action: 'auth.login', result: 'denied', target, details: { code: isSyntraError(e) ? e.code : 'error' } });
        throw e;
      }
      let user: User;
      try {
        user = await authenticatePassword(access.db, email, password);
      } catch (e) {
        if (!(isSyntraError(e) && e.code === 'invalid_credentials')) throw e;
        const { lockedScopes } = await access.loginThrottle.recordFailure(email, request.ip);
        await auditRequest(access, request, { action: 'auth.login', result: 'failed', target, details: { code: e.code, lockedScopes } });
        throw e;
      }
      await access.loginThrottle.recordSuccess(email, request.ip);
      const session = await access.sessions.start(user);
      await auditRequest(access, request, { action: 'auth.login', result: 'ok', target: user.id, principal: { type: 'user', id: user.id } });
      return sendSession(access, reply, session, user);
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      config: { public: true },
      schema: {
        tags: ['access'],
        summary: 'Trade the refresh cookie for a new access token (the refresh token rotates)',
        description: 'Authenticated by the HTTP-only refresh cookie set at login; presenting a rotated refresh token revokes the session.',
        security: [],
        response: { 200: SessionResponse, ...errors(401) },
      },
    },
    async (request, reply) => {
      const presented = request.cookies[access.cookie.name];
      if (!presented) throw new SyntraError('unauthenticated', 'no refresh cookie: log in first (POST /v1/auth/login)');
      try {
        const { user, ...session } = await access.sessions.refresh(presented);
        await auditRequest(access, request, { action: 'auth.refresh', result: 'ok', target: user.id, principal: { type: 'user', id: user.id } });
        return sendSession(access, reply, session, user);
      } catch (e) {
        if (!isSyntraError(e)) throw e;
        clearCookie(access, reply);
        const details = e.details as { userId?: string; familyId?: string } | undefined;
        await auditRequest(access, request, {
          action: e.code === 'token_reused' ? 'auth.refresh_reuse' : 'auth.refresh',
          result: 'denied',
          target: details?.userId ?? null,
          details: { code: e.code, ...(details?.familyId ? { familyId: details.familyId } : {}) },
        });
        // The family id is for the audit trail, not for whoever presented a stolen token.
        throw new SyntraError(e.code, e.message);
      }
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { permission: 'self' },
      schema: { tags: ['access'], summary: 'End every session of the calling user', response: { 204: Type.Null(), ...errors(400, 401) } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.type !== 'user') throw new SyntraError('bad_request', 'API keys have no session to end; revoke the key instead');
      await access.sessions.endAll(principal.userId);
      clearCookie(access, reply);
      await auditRequest(access, request, { action: 'auth.logout', result: 'ok', target: principal.userId });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/auth/me',
    {
      config: { permission: 'self' },
      schema: { tags: ['access'], summary: 'Who is calling, with which permissions and namespaces', response: { 200: Me, ...errors(401) } },
    },
    async (request) => {
      const p = requirePrincipal(request);
      return { type: p.type, id: p.id, userId: p.userId, email: p.email, roles: [...p.roles], permissions: [...p.permissions], namespaces: p.namespaces ? [...p.namespaces] : null, keyType: p.keyType };
    },
  );

  app.post(
    '/v1/auth/password',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: 'Change your password; every session ends',
        body: PasswordBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 423, 429) },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.type !== 'user') throw new SyntraError('forbidden', 'log in with your password to change it; API keys cannot');
      // Guessing the current password through a stolen session is throttled like logging in.
      try {
        await access.loginThrottle.check(principal.email, request.ip);
      } catch (e) {
        retryAfter(reply, e);
        throw e;
      }
      if (!(await verifyPassword(access.db, principal.userId, request.body.currentPassword))) {
        await access.loginThrottle.recordFailure(principal.email, request.ip);
        await auditRequest(access, request, { action: 'auth.password_change', result: 'failed', target: principal.userId, details: { code: 'forbidden' } });
        throw new SyntraError('forbidden', 'the current password is wrong');
      }
      await setPassword(access.db, principal.userId, request.body.newPassword);
      await access.sessions.endAll(principal.userId);
      clearCookie(access, reply);
      await auditRequest(access, request, { action: 'auth.password_change', result: 'ok', target: principal.userId });
      return reply.status(204).send(null);
    },
  );
};
