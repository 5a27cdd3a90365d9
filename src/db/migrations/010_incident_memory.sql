-- Incident memory (issue 13): what each incident taught. The record keeps its masked searchable
-- text, prefilter terms (a GIN-indexed text[]), its embedding as portable int8-quantised base64
-- text (src/incidents/memory/vector-codec.ts; no pgvector on the CI PostgreSQL) with the model that made it, tags, and what feedback said about its
-- root cause and fix. incident_feedback keeps every feedback, masked, with who gave it.

ALTER TABLE incidents
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN terms text[] NOT NULL DEFAULT '{}',
  ADD COLUMN memory_text text NOT NULL DEFAULT '',
  ADD COLUMN embedding text,
  ADD COLUMN embedding_model text,
  ADD COLUMN remediation_verified boolean,
  ADD COLUMN root_cause_correct boolean,
  ADD COLUMN last_fix text,
  ADD COLUMN last_fix_at timestamptz;

CREATE INDEX incidents_terms_idx ON incidents USING gin (terms);
CREATE INDEX incidents_type_idx ON incidents (root_cause_type, last_seen DESC);
CREATE INDEX incidents_tags_idx ON incidents USING gin (tags);
CREATE INDEX incident_runs_recent_idx ON incident_runs (incident_id, created_at DESC);

CREATE TABLE incident_feedback (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  incident_id uuid NOT NULL REFERENCES incidents(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  remediation_applied text,
  verified boolean,
  root_cause_correct boolean,
  note text
);
CREATE INDEX incident_feedback_incident_idx ON incident_feedback (incident_id, created_at DESC);
