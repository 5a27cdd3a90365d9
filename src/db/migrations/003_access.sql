-- Access: users, API keys, refresh tokens (JWT sessions), signing keys, rate-limit counters,
-- login throttling and the audit trail. Secrets never live here in the clear except the
-- HS256 signing secrets, which the database already guards as well as it guards the users.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY['admin', 'operator', 'developer', 'viewer']::text[]),
  -- NULL: every namespace; otherwise the only namespaces this user may touch.
  namespaces text[],
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  -- Bumped on logout, password change and suspension: access tokens carry it as `sv`,
  -- so every token issued before the bump stops working at once.
  session_version integer NOT NULL DEFAULT 0,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  owner_id uuid NOT NULL REFERENCES users(id),
  name text NOT NULL,
  -- For display only (e.g. sk_live_AbCd); never used to find or compare a key.
  prefix text NOT NULL,
  -- SHA-256 of the whole key. Keys carry 256 random bits, so a fast hash is right here.
  key_hash bytea NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('live', 'test', 'admin')),
  permissions text[] NOT NULL DEFAULT '{}',
  namespaces text[],
  rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
  rate_limit_per_hour integer CHECK (rate_limit_per_hour > 0),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  rotated_from uuid REFERENCES api_keys(id),
  -- Set on the OLD key when it is rotated: it keeps working until then.
  grace_until timestamptz,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_owner_idx ON api_keys (owner_id, created_at DESC);

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id),
  token_hash bytea NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  replaced_by uuid,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- HS256 secrets by kid. One active key signs; retired keys still verify until verify_until
-- (one access-token lifetime), so rotation never logs anybody out.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  algorithm text NOT NULL DEFAULT 'HS256' CHECK (algorithm = 'HS256'),
  secret bytea NOT NULL CHECK (length(secret) >= 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  verify_until timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active_idx ON signing_keys ((true)) WHERE retired_at IS NULL;

-- Fixed-window request counters shared by every API replica.
CREATE TABLE rate_limit_counters (
  key text NOT NULL,
  window_start bigint NOT NULL,
  count integer NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_expiry_idx ON rate_limit_counters (expires_at);

-- Failed logins per account (lower(email)) and per client IP, for slowdown and lockout.
CREATE TABLE login_attempts (
  scope text NOT NULL CHECK (scope IN ('account', 'ip')),
  subject text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  first_failure_at timestamptz NOT NULL,
  last_failure_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (scope, subject)
);

CREATE TABLE audit_events (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'key', 'anonymous', 'system')),
  actor_id text,
  action text NOT NULL,
  target text,
  namespace text,
  ip text,
  result text NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, id DESC);
CREATE INDEX audit_events_at_idx ON audit_events (at);
