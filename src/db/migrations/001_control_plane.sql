-- Control plane core: commands → threads → runs → tasks → queue items, an append-only ledger,
-- a transactional outbox, and artifact metadata. PostgreSQL is the source of truth.

-- Time-sortable UUIDs (v7 layout) generated inside the database, so SQL functions can mint ids.
CREATE FUNCTION syntra_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1), 'hex')::uuid
$$;

CREATE TABLE commands (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  kind text NOT NULL,
  input jsonb NOT NULL,
  namespace text,
  metadata jsonb NOT NULL DEFAULT '{}',
  idempotency_key text UNIQUE,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE threads (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  command_id uuid NOT NULL REFERENCES commands(id),
  title text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  command_id uuid NOT NULL REFERENCES commands(id),
  thread_id uuid NOT NULL REFERENCES threads(id),
  kind text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  namespace text,
  input jsonb NOT NULL,
  output jsonb,
  error jsonb,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- Highest ledger sequence number of this run; appending takes the run row lock, so events
  -- of one run are numbered gap-free in commit order (what SSE resumption relies on).
  last_seq integer NOT NULL DEFAULT 0
) WITH (fillfactor = 80); -- room on the page for HOT updates (last_seq bumps touch no index)
CREATE INDEX runs_created_idx ON runs (created_at DESC, id DESC);
CREATE INDEX runs_status_idx ON runs (status, created_at DESC);

CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  run_id uuid NOT NULL REFERENCES runs(id),
  parent_task_id uuid REFERENCES tasks(id),
  task_type text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled')),
  input jsonb NOT NULL DEFAULT '{}',
  output jsonb,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  priority integer NOT NULL DEFAULT 0,
  timeout_seconds integer NOT NULL DEFAULT 300 CHECK (timeout_seconds > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
) WITH (fillfactor = 80); -- status/attempts/output updates are HOT when the page has room
CREATE INDEX tasks_run_idx ON tasks (run_id, created_at);

-- The hot queue. Finished items leave the partial indexes; history lives in tasks and the ledger.
CREATE TABLE queue_items (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  task_id uuid NOT NULL UNIQUE REFERENCES tasks(id),
  run_id uuid NOT NULL REFERENCES runs(id),
  task_type text NOT NULL,
  state text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'leased', 'done', 'dead', 'cancelled')),
  priority integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  timeout_seconds integer NOT NULL DEFAULT 300,
  lease_owner text,
  lease_token uuid,
  lease_expires_at timestamptz,
  last_error jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80); -- claim/complete write each row twice: keep the new version on its page
CREATE INDEX queue_items_available_idx ON queue_items (priority DESC, available_at, id) WHERE state = 'available';
CREATE INDEX queue_items_leased_idx ON queue_items (lease_expires_at) WHERE state = 'leased';

CREATE TABLE ledger_events (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  run_id uuid NOT NULL REFERENCES runs(id),
  seq integer NOT NULL,
  -- No foreign key to tasks, on purpose: this is the hottest append-only table (2–4 rows per
  -- task) and the FK check (an index probe plus a row lock on the task) was a measurable share
  -- of each append. Every writer takes the task id from a row it has locked (queue item / task)
  -- in the same transaction, tasks are never deleted, and syntra_append_event (the path for
  -- caller-supplied ids) checks that the task belongs to the run. The FK to runs stays.
  task_id uuid,
  type text NOT NULL,
  actor text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, seq)
);

CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  relayed_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

CREATE TABLE artifacts (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  run_id uuid NOT NULL REFERENCES runs(id),
  name text NOT NULL,
  kind text NOT NULL,
  latest_version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, name)
);

CREATE TABLE artifact_versions (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  artifact_id uuid NOT NULL REFERENCES artifacts(id),
  version integer NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  storage_key text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (artifact_id, version)
);
