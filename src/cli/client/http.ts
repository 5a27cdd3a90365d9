import { SyntraError } from '../../domain/errors.js';
import { confirmProjectEndpoint } from '../config/endpoint-trust.js';
import type { Credential, Settings } from '../config/resolve.js';
import { httpError, unreachable, type ErrorContext } from './api-errors.js';
import { accessTokenExpiring, refreshSession } from './session.js';

/**
 * The CLI's API client over fetch: one place that adds credentials (X-API-Key, or a Bearer
 * session token refreshed when expired), sends JSON, and turns every failure into a
 * SyntraError that says what to do.
 */
export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for public routes called before logging in (login itself). */
  auth?: boolean;
}

export class ApiClient {
  credential: Credential;
  private gate: Promise<void> | undefined;

  constructor(
    readonly endpoint: string,
    credential: Credential,
    private readonly env: Record<string, string | undefined> = process.env,
    private readonly doFetch: typeof fetch = fetch,
    /** Runs once before the first request: confirming an endpoint a project file chose. */
    private readonly beforeFirstRequest: () => Promise<void> = async () => {},
  ) {
    this.credential = credential;
  }

  /** The client for the effective settings; `credential` replaces the resolved one (login checks a new key). */
  static fromSettings(settings: Settings, credential: Credential = settings.credential): ApiClient {
    return new ApiClient(settings.endpoint, credential, settings.env, fetch, () => confirmProjectEndpoint(settings));
  }

  url(path: string, query?: Query): string {
    const u = new URL(`${this.endpoint}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  private async authHeaders(): Promise<Record<string, string>> {
    const c = this.credential;
    if (c.kind === 'key') return { 'x-api-key': c.apiKey };
    if (c.kind === 'session') {
      if (accessTokenExpiring(c.session)) this.credential = { ...c, session: await refreshSession(c.session, this.env, this.doFetch) };
      const s = this.credential as Extract<Credential, { kind: 'session' }>;
      return { authorization: `Bearer ${s.session.accessToken}` };
    }
    return {};
  }

  private context(method: string, path: string): ErrorContext {
    return { endpoint: this.endpoint, credential: this.credential, method, path };
  }

  /** Sends a request and returns the response when it is 2xx; throws a CLI-ready SyntraError otherwise. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    await (this.gate ??= this.beforeFirstRequest());
    const attempt = async (): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'application/json', ...(options.auth === false ? {} : await this.authHeaders()), ...options.headers };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      try {
        return await this.doFetch(this.url(path, options.query), {
          method,
          headers,
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        throw unreachable(this.context(method, path), e);
      }
    };
    let res = await attempt();
    // An access token can expire between our check and the server's: refresh once and retry.
    if (res.status === 401 && this.credential.kind === 'session') {
      const body = (await res.clone().json().catch(() => ({}))) as { error?: { code?: string } };
      if (body.error?.code === 'credentials_expired') {
        this.credential = { ...this.credential, session: await refreshSession(this.credential.session, this.env, this.doFetch) };
        res = await attempt();
      }
    }
    if (res.ok) return res;
    const body: unknown = await res.json().catch(() => undefined);
    throw httpError(this.context(method, path), res.status, body, res.headers);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new SyntraError('internal', `${this.endpoint} answered ${method} ${path} with something that is not JSON`);
    }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) });
  }

  post<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, { body, ...(signal ? { signal } : {}) });
  }
}
