import { createClient, type Client } from 'graphql-ws';

/**
 * The panel's only connection to Syntra: REST for the session (login, refresh cookie, logout,
 * password), GraphQL for everything else, graphql-ws for live updates. The access token lives in
 * memory only; the refresh token is an HTTP-only cookie the page never sees. The session is
 * refreshed silently a minute before the access token expires, and once more on a 401-like error.
 */
export interface User {
  id: string;
  email: string;
  roles: string[];
  namespaces: string[] | null;
  createdAt: string;
  passwordChangedAt: string;
}
interface Session {
  accessToken: string;
  expiresAt: string;
  user: User;
}
export interface Me {
  userId: string;
  keyType: string | null;
  email: string;
  roles: string[];
  permissions: string[];
  namespaces: string[] | null;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** validation_failed: which input fields were refused and why. */
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

const fieldsOf = (details: unknown): FieldProblem[] => {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  return Array.isArray(fields) ? (fields as FieldProblem[]) : [];
};

let session: Session | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let ws: Client | undefined;
const listeners = new Set<() => void>();

export const currentUser = (): User | null => session?.user ?? null;
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function setSession(next: Session | null): void {
  session = next;
  clearTimeout(refreshTimer);
  if (next) {
    const wait = Math.max(5_000, new Date(next.expiresAt).getTime() - Date.now() - 60_000);
    refreshTimer = setTimeout(() => void refresh(), wait);
  } else {
    void ws?.dispose();
    ws = undefined;
  }
  for (const fn of listeners) fn();
}

async function rest<T>(path: string, body?: unknown, auth = false): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth && session) headers.authorization = `Bearer ${session.accessToken}`;
  const res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(json.error?.code ?? 'internal', json.error?.message ?? res.statusText);
  return json;
}

export async function login(email: string, password: string): Promise<User> {
  const s = await rest<Session>('/v1/auth/login', { email, password });
  setSession(s);
  return s.user;
}

/** Trades the refresh cookie for a new access token; false when there is no session to resume. */
export async function refresh(): Promise<boolean> {
  try {
    setSession(await rest<Session>('/v1/auth/refresh'));
    return true;
  } catch {
    setSession(null);
    return false;
  }
}

/** Ends every session of this user, on every device. */
export async function logoutEverywhere(): Promise<void> {
  try {
    await rest('/v1/auth/logout', undefined, true);
  } finally {
    setSession(null);
  }
}

/** Changing the password ends every session (this one too): the caller logs in again. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await rest('/v1/auth/password', { currentPassword, newPassword }, true);
  setSession(null);
}

interface GqlResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
}

const EXPIRED = new Set(['unauthenticated', 'credentials_expired', 'invalid_credentials']);

export async function gql<T>(query: string, variables: Record<string, unknown> = {}, retried = false): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResult<T> & { error?: { code: string; message: string } };
  const first = body.errors?.[0];
  const code = first?.extensions?.code ?? body.error?.code;
  if (code && EXPIRED.has(code) && !retried && (await refresh())) return gql(query, variables, true);
  if (first || body.error) throw new ApiError(code ?? 'internal', first?.message ?? body.error?.message ?? 'request failed', fieldsOf(first?.extensions?.details));
  return body.data as T;
}

function wsClient(): Client {
  ws ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    // Read at every (re)connect, so a refreshed token is used.
    connectionParams: () => (session ? { authorization: `Bearer ${session.accessToken}` } : {}),
    retryAttempts: 5,
    // Pages subscribe and unsubscribe as a person moves around (and Ask subscribes right after submit):
    // keep the socket for a while instead of paying a new connection and handshake each time.
    lazyCloseTimeout: 30_000,
  });
  return ws;
}

/** A live subscription; returns the function that ends it. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, onData: (value: T) => void, onError: (e: ApiError) => void): () => void {
  return wsClient().subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors?.length) onError(new ApiError(String(msg.errors[0]!.extensions?.code ?? 'internal'), msg.errors[0]!.message));
        else if (msg.data) onData(Object.values(msg.data)[0] as T);
      },
      error: (e) => {
        const first = Array.isArray(e) ? (e[0] as { message?: string; extensions?: { code?: string } } | undefined) : undefined;
        onError(new ApiError(first?.extensions?.code ?? 'unavailable', first?.message ?? 'the live connection was lost'));
      },
      complete: () => {},
    },
  );
}
