-- Incident memory: one row per distinct problem (fingerprint = namespace + workload/resource +
-- root-cause type), updated by every run that diagnoses it again. incident_runs links each run
-- once, which is what makes a retried report step count an occurrence only once.

CREATE TABLE incidents (
  id uuid PRIMARY KEY DEFAULT syntra_uuidv7(),
  fingerprint text NOT NULL UNIQUE,
  namespace text,
  title text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  root_cause_type text NOT NULL,
  summary text NOT NULL,
  confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  symptoms jsonb NOT NULL DEFAULT '[]',
  affected_resources jsonb NOT NULL DEFAULT '[]',
  remediation jsonb NOT NULL DEFAULT '{}',
  occurrences integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  last_run_id uuid REFERENCES runs(id)
);
CREATE INDEX incidents_recent_idx ON incidents (last_seen DESC, id DESC);
CREATE INDEX incidents_namespace_idx ON incidents (namespace, last_seen DESC);

CREATE TABLE incident_runs (
  incident_id uuid NOT NULL REFERENCES incidents(id),
  run_id uuid NOT NULL REFERENCES runs(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, run_id)
);
CREATE INDEX incident_runs_run_idx ON incident_runs (run_id);
