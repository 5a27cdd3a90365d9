import type { FastifyInstance } from 'fastify';

/**
 * `fetch` answered by this app in-process (`app.inject`), carrying the credential the caller of
 * `POST /mcp` sent. The MCP tools then call the API exactly as `syntra mcp` does over the network:
 * the same routes, authentication, permissions, namespaces, rate limits and audit, with no port.
 */
export function injectFetch(app: FastifyInstance, credential: Record<string, string>, ip: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { ...headers, ...credential },
      remoteAddress: ip,
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : res.rawPayload, { status: res.statusCode, headers: out });
  }) as typeof fetch;
}
