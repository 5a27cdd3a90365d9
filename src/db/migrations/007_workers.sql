-- The worker registry. Workers announce the task types they serve when they start and with
-- every heartbeat (in-process and `syntra worker` processes on a timer; remote workers with
-- their claims). `task_kinds` remembers every kind any worker ever served, so a submit of a
-- kind nobody handles can be refused instead of queued forever; `workers` is the live view
-- (GET /v1/workers, `syntra admin workers`), pruned of workers silent for a day.

CREATE TABLE workers (
  -- '' for workers on the database directly (in-process, `syntra worker`); else the API key id
  -- of a remote worker, so two credentials cannot overwrite each other's worker ids.
  credential text NOT NULL DEFAULT '',
  worker_id text NOT NULL,
  transport text NOT NULL CHECK (transport IN ('database', 'http')),
  task_types text[] NOT NULL,
  -- NULL: every namespace.
  namespaces text[],
  host text,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  stopped_at timestamptz,
  PRIMARY KEY (credential, worker_id)
);
CREATE INDEX workers_last_seen_idx ON workers (last_seen_at DESC);

CREATE TABLE task_kinds (
  kind text PRIMARY KEY,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
