import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SyntraError } from '../../domain/errors.js';
import { requirePrincipal } from '../plugins/auth.js';
import { errors } from '../schemas.js';
import type { AccessRouteOptions } from './users.js';

export const Window = Type.Object({
  window: Type.Union([Type.Literal('minute'), Type.Literal('hour')]),
  limit: Type.Integer(),
  used: Type.Integer(),
  remaining: Type.Integer(),
  resetAt: Type.String({ format: 'date-time' }),
  resetSeconds: Type.Integer(),
});

/** GET /v1/rate-limit — the caller's own windows, this request included. */
export const rateLimitRoutes: FastifyPluginAsyncTypebox<AccessRouteOptions> = async (app, { access }) => {
  app.get(
    '/v1/rate-limit',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: "The caller's rate-limit windows",
        response: { 200: Type.Object({ subject: Type.String(), windows: Type.Array(Window) }), ...errors(401) },
      },
    },
    async (request) => {
      requirePrincipal(request);
      const decision = request.rateLimitDecision;
      if (!decision) throw new SyntraError('internal', 'rate limiting did not run for this request');
      const now = access.clock();
      return {
        subject: decision.subject,
        windows: decision.windows.map((w) => ({
          window: w.window,
          limit: w.limit,
          used: w.used,
          remaining: w.remaining,
          resetAt: new Date(w.resetAt).toISOString(),
          resetSeconds: Math.max(0, Math.ceil((w.resetAt - now) / 1000)),
        })),
      };
    },
  );
};
