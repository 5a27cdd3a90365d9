-- Control registry: operators change prompts, skills, tools, routing rules and arbiter policies
-- without a deploy. `control_change` is an append-only log with one global, gap-free version
-- sequence (writers serialise on an advisory transaction lock); the effective state at version V
-- is the fold of the changes up to V. Version 0 is the built-in defaults and has no row.
-- A rollback is a new change whose state equals an older version's: history is never rewritten.

CREATE TABLE control_change (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  version integer NOT NULL UNIQUE CHECK (version > 0),
  entity_type text NOT NULL CHECK (entity_type IN ('prompt', 'skill', 'tool', 'routing_rule', 'arbiter_policy', 'rollback')),
  entity_name text NOT NULL CHECK (length(entity_name) BETWEEN 1 AND 200),
  action text NOT NULL CHECK (action IN ('upsert', 'activate', 'delete', 'rollback')),
  payload jsonb NOT NULL DEFAULT '{}',
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  -- The "why" of every change; an empty reason is not a reason.
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX control_change_entity_idx ON control_change (entity_type, version DESC);

-- The log is evidence for audits: refuse to rewrite it even by hand.
CREATE FUNCTION control_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'control_change is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER control_change_no_update BEFORE UPDATE OR DELETE ON control_change
  FOR EACH ROW EXECUTE FUNCTION control_change_append_only();

-- Materialised effective state per version, written in the same transaction as its change,
-- so reading a snapshot (and rolling back to one) is a primary-key lookup, not a replay.
-- It is a cache: it can always be recomputed by folding control_change.
CREATE TABLE control_snapshot (
  version integer PRIMARY KEY REFERENCES control_change (version),
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
