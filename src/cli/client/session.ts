import { SyntraError } from '../../domain/errors.js';
import { updateUserConfig, type StoredSession } from '../config/user-file.js';

/**
 * Login sessions: the access token (15 min) and the refresh token the API sets as an HTTP-only
 * cookie. Browsers keep that cookie; the CLI keeps it in the user config (0600) and presents it
 * to /v1/auth/refresh when the access token has expired. Every refresh rotates both.
 */
export interface SessionResponse {
  accessToken: string;
  expiresAt: string;
  user: { email: string };
}

/** The refresh cookie from a login/refresh response: `name=value; Expires=…; HttpOnly; …`. */
export function refreshCookieOf(headers: Headers): { name: string; value: string; expiresAt?: string } | undefined {
  for (const raw of headers.getSetCookie()) {
    const [pair, ...attrs] = raw.split(';');
    const eq = pair!.indexOf('=');
    if (eq <= 0) continue;
    const value = pair!.slice(eq + 1).trim();
    if (!value) continue;
    const expires = attrs.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
    const at = expires ? new Date(expires.slice(8)) : undefined;
    return { name: pair!.slice(0, eq).trim(), value, ...(at && !Number.isNaN(at.getTime()) ? { expiresAt: at.toISOString() } : {}) };
  }
  return undefined;
}

export function sessionFrom(endpoint: string, body: SessionResponse, headers: Headers): StoredSession {
  const cookie = refreshCookieOf(headers);
  if (!cookie) throw new SyntraError('internal', `${endpoint} answered the login without a refresh cookie`);
  return {
    endpoint,
    email: body.user.email,
    accessToken: body.accessToken,
    accessExpiresAt: body.expiresAt,
    refreshToken: cookie.value,
    refreshCookie: cookie.name,
    ...(cookie.expiresAt ? { refreshExpiresAt: cookie.expiresAt } : {}),
  };
}

/** True when the access token expires within `marginMs` (default 15 s: allow for clock skew and latency). */
export function accessTokenExpiring(session: StoredSession, now = Date.now(), marginMs = 15_000): boolean {
  const at = Date.parse(session.accessExpiresAt);
  return !Number.isFinite(at) || at - now <= marginMs;
}

/** Trades the stored refresh token for new tokens and stores them; throws an auth error when the session is over. */
export async function refreshSession(
  session: StoredSession,
  env: Record<string, string | undefined>,
  doFetch: typeof fetch = fetch,
): Promise<StoredSession> {
  const res = await doFetch(`${session.endpoint}/v1/auth/refresh`, {
    method: 'POST',
    headers: { cookie: `${session.refreshCookie ?? 'syntra_refresh'}=${session.refreshToken}` },
  });
  if (!res.ok) {
    // The session is over for good: forget it so the next command says "log in" rather than retrying.
    updateUserConfig({ session: undefined }, env);
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new SyntraError(
      res.status === 429 ? 'rate_limited' : 'credentials_expired',
      `your session with ${session.endpoint} has ended (${body.error?.message ?? `HTTP ${res.status}`}): run \`syntra login\` again`,
    );
  }
  const next = sessionFrom(session.endpoint, (await res.json()) as SessionResponse, res.headers);
  updateUserConfig({ session: next }, env);
  return next;
}
