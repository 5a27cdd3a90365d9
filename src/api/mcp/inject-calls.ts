import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE, SyntraError, type ErrorCode } from '../../domain/errors.js';
import type { ApiCalls } from '../../integrations/mcp/index.js';

/**
 * The MCP tools' API calls answered by this app in-process (`app.inject`), carrying the credential
 * the caller of `POST /mcp` sent: the same routes, authentication, permissions, namespaces, rate
 * limits and audit as `syntra mcp` over the network, with no port. An error answer becomes the
 * SyntraError it was (code and message), which the tool reports to the MCP client.
 */
export function injectCalls(app: FastifyInstance, credential: Record<string, string>, ip: string): ApiCalls {
  const call = async (method: 'GET' | 'POST', path: string, query: Record<string, string | number | boolean | undefined> = {}, body?: unknown): Promise<unknown> => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const res = await app.inject({
      method,
      url: search.size > 0 ? `${path}?${search}` : path,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...credential },
      remoteAddress: ip,
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const parsed: unknown = res.body ? JSON.parse(res.body) : undefined;
    if (res.statusCode < 300) return parsed;
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const code = error?.code !== undefined && error.code in ERROR_CATALOGUE ? (error.code as ErrorCode) : 'internal';
    throw new SyntraError(code, error?.message ?? `${method} ${path} answered HTTP ${res.statusCode}`, error?.details === undefined ? {} : { details: error.details });
  };
  return { get: (path, query) => call('GET', path, query), post: (path, body = {}) => call('POST', path, {}, body) };
}
